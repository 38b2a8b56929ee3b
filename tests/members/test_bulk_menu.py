"""The member list's bulk-action menu (issue 12 §4): it starts on "选择操作…", not on 除名, and
a status change without a chosen action changes no one."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gonghui.core.models import AuditEvent
from gonghui.members.enums import MemberStatus
from gonghui.members.models import Member

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_bulk_status_menu_starts_on_an_empty_choice(tree, chair, client_for):
    MemberFactory(union=tree.school1)

    page = client_for(chair).get(reverse("members:list")).content.decode()

    menu = re.search(r'<select name="change".*?</select>', page, re.S)
    assert menu is not None
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', menu.group(0))
    assert options[0] == ("", "选择操作…")
    assert "除名" in [label for _value, label in options[1:]]
    assert re.search(r'<option value=""\s+selected>', menu.group(0))
    assert "selected" not in menu.group(0).split("</option>", 1)[1]  # no other option preselected


def test_a_status_change_without_a_chosen_action_changes_no_one(tree, chair, client_for):
    members = [MemberFactory(union=tree.school1) for _ in range(2)]
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client_for(chair).post(
        reverse("members:bulk"),
        {"ids": ",".join(str(m.pk) for m in members), "action": "status", "change": ""},
        follow=True,
    )

    assert "请先勾选会员并选择操作" in response.content.decode()
    assert set(Member.objects.values_list("status", flat=True)) == {MemberStatus.ACTIVE}
    assert not AuditEvent.objects.filter(pk__gt=before, action__startswith="member.").exists()
