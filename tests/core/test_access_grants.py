"""What core.access can say beyond "a role over a subtree": portfolios (分工), row rules, the
unions where a user holds a grant, and one request's answers worked out once."""

from __future__ import annotations

import pytest
from django.db.models import Q
from django.http import Http404
from django.test import RequestFactory

from gonghui.core.access import Access, Rows, can, get_for_user, holds, may, orgs_for, visible
from gonghui.core.enums import OrgStatus, Portfolio, Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy, Capability
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

# Files of the welfare kind: the chair, and a committee member whose portfolio is 生活.
WELFARE_FILES = Capability(
    "welfare_files", frozenset({Role.CHAIR}), {Portfolio.WELFARE: frozenset({Role.COMMITTEE})}
)


@pytest.fixture
def welfare_officer(tree):
    user = UserFactory(username="welfare", name="生活委员")
    RoleAssignmentFactory(user=user, org=tree.school1, role=Role.COMMITTEE, portfolio=Portfolio.WELFARE)
    return user


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


def test_a_capability_is_held_by_its_roles_and_by_its_portfolio_roles_with_that_portfolio_only(
    tree, chair, welfare_officer, committee_member
):
    assert holds(chair, WELFARE_FILES)
    assert holds(welfare_officer, WELFARE_FILES)
    assert may(welfare_officer, WELFARE_FILES, tree.school1_group_a)
    assert not may(welfare_officer, WELFARE_FILES, tree.school2)
    # The 文体委员 is a committee member too, but not of the welfare portfolio.
    assert not holds(committee_member, WELFARE_FILES)


def test_a_policy_may_grant_an_action_by_capability(monkeypatch, tree, welfare_officer, committee_member):
    monkeypatch.setattr(Org, "access", AccessPolicy(org_field="", view=WELFARE_FILES))

    assert names(visible(Org.objects.all(), welfare_officer)) == {
        "第一中学工会",
        "语文组工会小组",
        "数学组工会小组",
    }
    assert not visible(Org.objects.all(), committee_member).exists()
    assert can(welfare_officer, "view", tree.school1)
    assert not can(committee_member, "view", tree.school1)


def test_a_capability_keeps_only_portfolio_free_roles_in_roles_for():
    policy = AccessPolicy(org_field="org", view=WELFARE_FILES)

    assert policy.roles_for("view") == frozenset({Role.CHAIR})
    assert policy.grant_for("view") == WELFARE_FILES


def _active_only(rows: Rows) -> Q | None:
    """Officers see the active orgs of their scope; other actions as the roles say."""
    if rows.action != "view":
        return None
    within = rows.within()
    return None if within is None else within & Q(status=OrgStatus.ACTIVE)


def test_a_row_rule_decides_visible_get_for_user_and_can_alike(monkeypatch, tree, chair):
    monkeypatch.setattr(
        Org, "access", AccessPolicy(org_field="", view=frozenset({Role.CHAIR}), row_rule=_active_only)
    )
    Org.objects.filter(pk=tree.school1_group_b.pk).update(status=OrgStatus.DISSOLVED)
    dissolved = Org.objects.get(pk=tree.school1_group_b.pk)

    assert names(visible(Org.objects.all(), chair)) == {"第一中学工会", "语文组工会小组"}
    assert not can(chair, "view", dissolved)
    assert can(chair, "view", tree.school1_group_a)
    with pytest.raises(Http404):
        get_for_user(Org, chair, dissolved.pk)


def test_a_row_rule_walking_an_index_tests_the_scope_per_row(monkeypatch, tree, chair):
    monkeypatch.setattr(
        Org, "access", AccessPolicy(org_field="", view=frozenset({Role.CHAIR}), row_rule=_active_only)
    )

    assert names(visible(Org.objects.all(), chair, walk=True)) == names(visible(Org.objects.all(), chair))


def test_orgs_for_are_the_active_unions_where_the_user_holds_the_grant(tree, chair, county_officer):
    assert list(orgs_for(chair, [Role.CHAIR])) == [tree.school1]
    assert list(orgs_for(county_officer, [Role.CHAIR])) == []
    assert set(orgs_for(county_officer, [Role.SUPERIOR_ADMIN])) == {tree.school1, tree.school2}
    assert tree.school1_group_a in orgs_for(chair, [Role.CHAIR], kinds=None)


def test_orgs_for_leave_out_dissolved_unions_unless_asked(tree, county_officer):
    Org.objects.filter(pk=tree.school2.pk).update(status=OrgStatus.DISSOLVED)

    assert list(orgs_for(county_officer, [Role.SUPERIOR_ADMIN])) == [tree.school1]
    assert tree.school2 in orgs_for(county_officer, [Role.SUPERIOR_ADMIN], active=False)


def test_a_superuser_holds_everything_and_gets_every_union(tree):
    admin = UserFactory(username="root", is_superuser=True)

    assert holds(admin, WELFARE_FILES)
    assert set(orgs_for(admin, [Role.CHAIR])) == {tree.school1, tree.school2}


def test_request_access_reads_the_scopes_once_and_keeps_its_answers(tree, django_assert_num_queries):
    user = UserFactory(username="fresh")
    RoleAssignmentFactory(user=user, org=tree.school1, role=Role.CHAIR)
    request = RequestFactory().get("/")
    request.user = user
    access = Access(request)

    with django_assert_num_queries(1):
        assert access.holds([Role.CHAIR])
        assert not access.holds([Role.AUDITOR])
        assert access.may([Role.CHAIR], tree.school1_group_a)
        assert access.orgs_for([Role.CHAIR]) is access.orgs_for(frozenset({Role.CHAIR}))
    assert list(access.orgs_for([Role.CHAIR])) == [tree.school1]
    assert not access.unrestricted


def test_the_middleware_gives_every_request_its_access(client, chair):
    client.force_login(chair)

    response = client.get("/")

    assert isinstance(response.wsgi_request.access, Access)
