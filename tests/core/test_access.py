"""Who sees what: scopes from role assignments, visible(), get_for_user(), can(), in_scope()."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory

from gonghui.core import services
from gonghui.core.access import can, get_for_user, in_scope, require_roles, user_scopes, visible
from gonghui.core.enums import MANAGER_ROLES, Outcome, Role
from gonghui.core.models import AuditEvent, LoginThrottle, Notification, Org, RoleAssignment
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "county_officer",
    "chair",
    "committee_member",
    "member",
    "other_union_chair",
    "department_handler",
]


def visible_orgs(user, action="view") -> set[str]:
    return set(visible(Org.objects.all(), user, action).values_list("name", flat=True))


SCHOOL1_AND_GROUPS = {"第一中学工会", "语文组工会小组", "数学组工会小组"}
SCHOOL2_AND_GROUP = {"第二小学工会", "低年级组工会小组"}
WHOLE_COUNTY = {"县教育总工会"} | SCHOOL1_AND_GROUPS | SCHOOL2_AND_GROUP


def test_county_officer_sees_every_org_in_the_county(tree, county_officer):
    assert visible_orgs(county_officer) == WHOLE_COUNTY


def test_county_officer_does_not_see_another_county(tree, county_officer):
    OrgFactory(name="邻县总工会", kind="county")

    assert "邻县总工会" not in visible_orgs(county_officer)


def test_chair_sees_own_union_and_its_groups_but_not_the_other_school(chair):
    assert visible_orgs(chair) == SCHOOL1_AND_GROUPS


def test_committee_member_sees_own_union_and_its_groups(committee_member):
    assert visible_orgs(committee_member) == SCHOOL1_AND_GROUPS


def test_other_union_chair_sees_only_the_second_school(other_union_chair):
    assert visible_orgs(other_union_chair) == SCHOOL2_AND_GROUP


@pytest.mark.parametrize("persona", ["member", "department_handler"])
def test_members_and_departments_see_no_orgs_through_the_org_list(request, persona):
    assert visible_orgs(request.getfixturevalue(persona)) == set()


def test_member_sees_own_notifications_only(tree, member, chair):
    services.notification_send(users=[member], title="您的慰问申请已受理", org=tree.school1)
    services.notification_send(users=[chair], title="有新的慰问申请", org=tree.school1)

    assert list(visible(Notification.objects.all(), member).values_list("title", flat=True)) == [
        "您的慰问申请已受理"
    ]


def test_chair_does_not_see_members_notifications_through_the_org_scope(tree, member, chair):
    services.notification_send(users=[member], title="您的慰问申请已受理", org=tree.school1)

    assert not visible(Notification.objects.all(), chair).exists()


def test_member_sees_own_role_assignment_and_no_one_elses(tree, member, chair):
    rows = visible(RoleAssignment.objects.all(), member)

    assert [(r.user_id, r.role) for r in rows] == [(member.pk, Role.MEMBER)]


def test_chair_sees_role_assignments_in_own_union_only(
    tree, chair, member, committee_member, other_union_chair
):
    group_leader = RoleAssignmentFactory(org=tree.school1_group_a, role=Role.GROUP_LEADER)

    users = set(visible(RoleAssignment.objects.all(), chair).values_list("user_id", flat=True))

    assert users == {chair.pk, member.pk, committee_member.pk, group_leader.user_id}


def test_county_officer_may_change_and_move_orgs_in_the_county(tree, county_officer):
    assert visible_orgs(county_officer, "change") == WHOLE_COUNTY
    assert visible_orgs(county_officer, "move") == WHOLE_COUNTY


def test_chair_may_change_but_not_move_own_union(chair):
    assert visible_orgs(chair, "change") == SCHOOL1_AND_GROUPS
    assert visible_orgs(chair, "move") == set()


def test_committee_member_may_view_but_not_change_orgs(committee_member):
    assert visible_orgs(committee_member, "change") == set()


def test_an_action_no_policy_grants_gives_nothing(chair):
    assert visible_orgs(chair, "publish") == set()


def test_other_union_chair_gets_404_for_the_first_school(tree, other_union_chair):
    with pytest.raises(Http404):
        get_for_user(Org, other_union_chair, tree.school1.pk)


def test_a_denied_lookup_is_written_to_the_audit_log(tree, other_union_chair):
    request = RequestFactory().get(f"/orgs/{tree.school1.pk}/")

    with pytest.raises(Http404):
        get_for_user(Org, other_union_chair, tree.school1.pk, action="change", request=request)

    event = AuditEvent.objects.get(action="access.denied")
    assert event.outcome == Outcome.DENIED
    assert event.actor == other_union_chair
    assert event.org == tree.school2  # filed where the other chair's own auditors can see it
    assert event.object_type == "core.org"
    assert event.object_id == str(tree.school1.pk)
    assert event.detail == f"change /orgs/{tree.school1.pk}/"


def test_a_missing_object_gives_the_same_404_as_a_forbidden_one(tree, other_union_chair):
    with pytest.raises(Http404):
        get_for_user(Org, other_union_chair, 987654321)

    assert AuditEvent.objects.filter(action="access.denied", object_id="987654321").exists()


def test_chair_gets_own_union_and_its_group(tree, chair):
    assert get_for_user(Org, chair, tree.school1.pk) == tree.school1
    assert get_for_user(Org, chair, tree.school1_group_b.pk, action="change") == tree.school1_group_b
    assert not AuditEvent.objects.filter(action="access.denied").exists()


def test_chair_cannot_get_the_county_above_own_union(tree, chair):
    with pytest.raises(Http404):
        get_for_user(Org, chair, tree.county.pk)


def test_a_this_org_only_role_covers_that_org_and_not_its_groups(tree):
    officer = UserFactory()
    RoleAssignmentFactory(user=officer, org=tree.school1, role=Role.COMMITTEE, this_org_only=True)

    assert visible_orgs(officer) == {"第一中学工会"}
    assert in_scope(officer, tree.school1, {Role.COMMITTEE})
    assert not in_scope(officer, tree.school1_group_a, {Role.COMMITTEE})
    with pytest.raises(Http404):
        get_for_user(Org, officer, tree.school1_group_a.pk)


def test_member_role_is_this_org_only_by_default(tree):
    assignment = RoleAssignmentFactory(org=tree.school1, role=Role.MEMBER)

    assert assignment.this_org_only
    assert not RoleAssignmentFactory(org=tree.school1, role=Role.CHAIR).this_org_only


def test_member_scope_covers_own_union_only(tree, member):
    assert in_scope(member, tree.school1, {Role.MEMBER})
    assert not in_scope(member, tree.school1_group_a, {Role.MEMBER})
    assert not in_scope(member, tree.school2, {Role.MEMBER})


def test_a_subtree_role_and_a_this_org_only_role_combine(tree):
    officer = UserFactory()
    RoleAssignmentFactory(user=officer, org=tree.school1, role=Role.CHAIR)
    RoleAssignmentFactory(user=officer, org=tree.school2, role=Role.COMMITTEE, this_org_only=True)

    assert visible_orgs(officer) == SCHOOL1_AND_GROUPS | {"第二小学工会"}


def test_roles_at_nested_orgs_do_not_duplicate_rows(tree):
    officer = UserFactory()
    RoleAssignmentFactory(user=officer, org=tree.county, role=Role.SUPERIOR_ADMIN)
    RoleAssignmentFactory(user=officer, org=tree.school1, role=Role.CHAIR)
    RoleAssignmentFactory(user=officer, org=tree.school1, role=Role.COMMITTEE, this_org_only=True)

    names = list(visible(Org.objects.all(), officer).values_list("name", flat=True))

    assert sorted(names) == sorted(WHOLE_COUNTY)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("action", ["view", "change", "move"])
def test_can_and_in_scope_agree_with_visible_for_every_org(request, tree, persona, action):
    user = request.getfixturevalue(persona)
    allowed = set(visible(Org.objects.all(), user, action).values_list("pk", flat=True))

    for org in Org.objects.all():
        assert can(user, action, org) == (org.pk in allowed), (persona, action, org.name)
        assert in_scope(user, org, Org.access.roles_for(action)) == (org.pk in allowed), (persona, org.name)
        assert in_scope(user, org.path, Org.access.roles_for(action)) == (org.pk in allowed)


@pytest.mark.parametrize("persona", PERSONAS)
def test_can_agrees_with_visible_for_role_assignments_and_notifications(request, tree, persona):
    user = request.getfixturevalue(persona)
    others = [request.getfixturevalue(p) for p in PERSONAS]
    services.notification_send(users=others, title="通知", org=tree.school1)

    for model in (RoleAssignment, Notification):
        allowed = set(visible(model.objects.all(), user).values_list("pk", flat=True))
        for row in model.objects.all():
            assert can(user, "view", row) == (row.pk in allowed), (persona, model.__name__, row.pk)


def test_can_needs_no_query_once_scopes_are_loaded(tree, chair, django_assert_num_queries):
    user_scopes(chair)

    with django_assert_num_queries(0):
        assert can(chair, "change", tree.school1_group_a)
        assert not can(chair, "view", tree.school2)


def test_a_new_role_takes_effect_for_the_same_user_object(tree, chair):
    assert "第二小学工会" not in visible_orgs(chair)

    services.role_assign(actor=None, user=chair, org=tree.school2, role=Role.VICE_CHAIR)

    assert "第二小学工会" in visible_orgs(chair)


def test_a_revoked_role_stops_granting_access(tree, chair):
    assignment = RoleAssignment.objects.get(user=chair, role=Role.CHAIR)

    services.role_revoke(actor=None, assignment=assignment)

    assert visible_orgs(chair) == set()
    with pytest.raises(Http404):
        get_for_user(Org, chair, tree.school1.pk)


def test_superuser_sees_everything(tree):
    admin = UserFactory(is_superuser=True, is_staff=True)
    OrgFactory(name="别处工会")

    assert visible(Org.objects.all(), admin).count() == Org.objects.count()
    assert can(admin, "move", tree.school1)
    assert in_scope(admin, tree.school2_group, set())
    assert get_for_user(Org, admin, tree.school2.pk) == tree.school2


def test_anonymous_user_sees_nothing(tree):
    anonymous = AnonymousUser()

    assert not visible(Org.objects.all(), anonymous).exists()
    assert not can(anonymous, "view", tree.school1)
    with pytest.raises(Http404):
        get_for_user(Org, anonymous, tree.school1.pk)
    assert AuditEvent.objects.get(action="access.denied").actor is None


def test_a_model_without_access_policy_cannot_be_queried_through_visible(chair):
    with pytest.raises(TypeError, match="AccessPolicy"):
        visible(LoginThrottle.objects.all(), chair)


def test_a_model_without_access_policy_is_refused_even_for_a_superuser(db):
    # Otherwise a forgotten policy only shows up when a non-superuser opens the page.
    admin = UserFactory(is_superuser=True)

    with pytest.raises(TypeError, match="AccessPolicy"):
        visible(LoginThrottle.objects.all(), admin)


def test_require_roles_lets_a_manager_through_and_refuses_and_audits_a_member(chair, member):
    require_roles(chair, MANAGER_ROLES)

    with pytest.raises(PermissionDenied):
        require_roles(member, MANAGER_ROLES, what="reports:dashboard")

    event = AuditEvent.objects.get(action="access.denied")
    assert (event.actor, event.object_type, event.outcome) == (member, "reports", Outcome.DENIED)
