"""The page header is rendered once per distinct content and reused: it must still carry this
request's CSRF token and unread count, and show a role change at the next page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from gonghui.core import services
from gonghui.core.enums import Role

from ..factories import RoleAssignmentFactory

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def switcher_token(content: str) -> str:
    form = content[content.index('id="org-switcher"') :]
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)


def test_the_cached_header_carries_a_token_that_the_org_switcher_accepts(tree, chair):
    client = Client(enforce_csrf_checks=True)
    client.force_login(chair)
    client.get(HOME)  # fills the cache for this user's header
    token = switcher_token(client.get(HOME).content.decode())

    response = client.post(
        reverse("core:org_switch"), {"org_id": tree.school1.pk, "csrfmiddlewaretoken": token}
    )

    assert response.status_code == 302


def test_two_users_with_the_same_roles_each_see_their_own_name(tree, chair):
    other = RoleAssignmentFactory(org=tree.school1, role=Role.CHAIR).user
    first, second = Client(), Client()
    first.force_login(chair)
    second.force_login(other)

    assert str(chair) in first.get(HOME).content.decode()
    page = second.get(HOME).content.decode()
    assert str(other) in page
    assert f">{chair}</button>" not in page


def test_the_unread_count_in_the_header_is_fresh_on_every_page(tree, chair, client_for):
    client = client_for(chair)
    assert 'id="unread-count"' not in client.get(HOME).content.decode()

    services.notification_send(users=[chair], title="提案已交办")

    assert re.search(r'id="unread-count">1</span>', client.get(HOME).content.decode())


def test_a_new_role_shows_its_area_in_the_menu_at_the_next_page(tree, member, client_for):
    client = client_for(member)
    assert 'data-nav="audit"' not in client.get(HOME).content.decode()

    RoleAssignmentFactory(user=member, org=tree.school1, role=Role.CHAIR)

    assert 'data-nav="audit"' in client.get(HOME).content.decode()
