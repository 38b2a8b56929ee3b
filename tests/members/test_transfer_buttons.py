"""The transfer list offers 撤回 only to a user who may withdraw the transfer (issue 12 §4: an
action shown to a user who may not take it)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core.enums import Role
from gonghui.members import services
from tests.factories import RoleAssignmentFactory, UserFactory

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_a_viewing_role_sees_an_outgoing_transfer_without_the_withdraw_button(tree, chair, client_for):
    leaving = MemberFactory(union=tree.school1, name="调出人")
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2, reason="工作调动")
    women = UserFactory(username="women_rep", name="女工委员")
    RoleAssignmentFactory(user=women, org=tree.school1, role=Role.WOMEN)
    cancel = reverse("members:transfer_cancel", args=[transfer.pk])

    viewer_page = client_for(women).get(reverse("members:transfers")).content.decode()
    chair_page = client_for(chair).get(reverse("members:transfers")).content.decode()

    assert "调出人" in viewer_page and cancel not in viewer_page
    assert cancel in chair_page
