"""The organisation tree: materialised paths, moves, dissolution, audited edits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.core import services
from gonghui.core.access import visible
from gonghui.core.enums import OrgKind, OrgStatus, Role
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Org, RoleAssignment
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def assert_tree_consistent() -> None:
    """Every org's path is its parent's path plus its own id, and its depth one more."""
    orgs = {o.pk: o for o in Org.objects.all()}
    for org in orgs.values():
        if org.parent_id is None:
            assert org.path == f"/{org.pk}/", org
            assert org.depth == 0, org
        else:
            parent = orgs[org.parent_id]
            assert org.path == f"{parent.path}{org.pk}/", org
            assert org.depth == parent.depth + 1, org


def subtree_ids(org: Org) -> set[int]:
    return set(Org.objects.filter(path__under=org.path).values_list("pk", flat=True))


def test_a_root_org_gets_its_own_id_as_path_at_depth_zero():
    org = services.org_create(actor=None, parent=None, name="  县总工会  ", kind=OrgKind.COUNTY)

    org.refresh_from_db()
    assert org.path == f"/{org.pk}/"
    assert org.depth == 0
    assert org.name == "县总工会"


def test_a_child_org_extends_its_parents_path_and_depth(tree):
    assert tree.school1.path == f"{tree.county.path}{tree.school1.pk}/"
    assert tree.school1_group_a.path == f"/{tree.county.pk}/{tree.school1.pk}/{tree.school1_group_a.pk}/"
    assert [tree.county.depth, tree.school1.depth, tree.school1_group_a.depth] == [0, 1, 2]
    assert tree.school1_group_a.ancestor_ids() == [tree.county.pk, tree.school1.pk, tree.school1_group_a.pk]
    assert_tree_consistent()


def test_creating_an_org_is_audited(tree):
    event = AuditEvent.objects.get(action="org.create", object_id=str(tree.school1.pk))

    assert event.org == tree.school1
    assert event.after["name"] == "第一中学工会"
    assert event.after["parent_id"] == tree.county.pk


def test_subtree_query_returns_the_org_and_everything_below_it(tree):
    assert subtree_ids(tree.county) == {o.pk for o in tree.all()}
    assert subtree_ids(tree.school1) == {tree.school1.pk, tree.school1_group_a.pk, tree.school1_group_b.pk}
    assert subtree_ids(tree.school2_group) == {tree.school2_group.pk}


def test_subtree_query_does_not_confuse_ids_sharing_a_prefix():
    # Explicit ids so that one id is a textual prefix of the other ("/900001/" vs "/9000011/").
    short = Org.objects.create(pk=900001, name="甲", kind=OrgKind.COUNTY, path="/900001/")
    longer = Org.objects.create(pk=9000011, name="乙", kind=OrgKind.COUNTY, path="/9000011/")

    assert subtree_ids(short) == {short.pk}
    assert subtree_ids(longer) == {longer.pk}
    assert not longer.is_within(short.path)


def test_an_org_is_within_its_own_path_and_its_ancestors_but_not_a_sibling(tree):
    assert tree.school1_group_a.is_within(tree.school1_group_a.path)
    assert tree.school1_group_a.is_within(tree.county.path)
    assert not tree.school1_group_a.is_within(tree.school2.path)


def test_moving_a_union_moves_its_whole_subtree(tree):
    other_county = OrgFactory(name="邻县总工会", kind=OrgKind.COUNTY)

    services.org_move(actor=None, org=tree.school1, new_parent=other_county)

    moved = Org.objects.get(pk=tree.school1.pk)
    group = Org.objects.get(pk=tree.school1_group_a.pk)
    assert moved.parent_id == other_county.pk
    assert moved.path == f"/{other_county.pk}/{moved.pk}/"
    assert group.path == f"/{other_county.pk}/{moved.pk}/{group.pk}/"
    assert (moved.depth, group.depth) == (1, 2)
    assert subtree_ids(other_county) == {
        other_county.pk,
        tree.school1.pk,
        tree.school1_group_a.pk,
        tree.school1_group_b.pk,
    }
    assert subtree_ids(tree.county) == {tree.county.pk, tree.school2.pk, tree.school2_group.pk}
    assert_tree_consistent()


def test_moving_deeper_adjusts_the_depth_of_every_descendant(tree):
    street = OrgFactory(name="城关街道总工会", parent=tree.county, kind=OrgKind.STREET)
    joint = OrgFactory(name="城关联合工会", parent=street, kind=OrgKind.JOINT)

    services.org_move(actor=None, org=tree.school2, new_parent=joint)

    assert Org.objects.get(pk=tree.school2.pk).depth == 3
    assert Org.objects.get(pk=tree.school2_group.pk).depth == 4
    assert_tree_consistent()


def test_records_of_a_moved_org_move_with_it(tree):
    other_county = OrgFactory(name="邻县总工会", kind=OrgKind.COUNTY)
    new_officer = UserFactory()
    RoleAssignmentFactory(user=new_officer, org=other_county, role=Role.SUPERIOR_ADMIN)
    group_leader = RoleAssignmentFactory(org=tree.school1_group_a, role=Role.GROUP_LEADER)
    event = AuditEvent.objects.get(action="role.assign", object_id=str(group_leader.pk))

    services.org_move(actor=None, org=tree.school1, new_parent=other_county)

    group_leader.refresh_from_db()
    event.refresh_from_db()
    assert group_leader.org_id == tree.school1_group_a.pk
    assert event.org_id == tree.school1_group_a.pk
    assert group_leader in RoleAssignment.objects.filter(org__path__under=other_county.path)
    assert event in AuditEvent.objects.filter(org__path__under=other_county.path)
    assert not RoleAssignment.objects.filter(org__path__under=tree.county.path, pk=group_leader.pk).exists()
    # And access follows: the new county's officer now sees the moved union and its groups.
    assert set(visible(Org.objects.all(), new_officer).values_list("pk", flat=True)) == {
        other_county.pk,
        tree.school1.pk,
        tree.school1_group_a.pk,
        tree.school1_group_b.pk,
    }


def test_moving_is_audited_with_old_and_new_parent(tree):
    other_county = OrgFactory(name="邻县总工会", kind=OrgKind.COUNTY)
    old_path = tree.school1.path

    services.org_move(actor=None, org=tree.school1, new_parent=other_county)

    event = AuditEvent.objects.get(action="org.move", object_id=str(tree.school1.pk))
    assert event.before == {"parent_id": tree.county.pk, "path": old_path}
    assert event.after == {"parent_id": other_county.pk, "path": f"{other_county.path}{tree.school1.pk}/"}


def test_moving_to_the_current_parent_changes_nothing(tree):
    services.org_move(actor=None, org=tree.school1, new_parent=tree.county)

    assert not AuditEvent.objects.filter(action="org.move").exists()
    assert_tree_consistent()


@pytest.mark.parametrize("target", ["school1", "school1_group_a"])
def test_an_org_cannot_be_moved_under_itself_or_its_descendant(tree, target):
    with pytest.raises(DomainError, match="下级组织"):
        services.org_move(actor=None, org=tree.school1, new_parent=getattr(tree, target))

    assert Org.objects.get(pk=tree.school1.pk).parent_id == tree.county.pk
    assert_tree_consistent()


def test_a_union_group_cannot_have_children(tree):
    with pytest.raises(DomainError, match="工会小组下不能"):
        services.org_create(actor=None, parent=tree.school1_group_a, name="小组下的小组", kind=OrgKind.GROUP)

    assert not Org.objects.filter(parent=tree.school1_group_a).exists()


def test_an_org_cannot_be_moved_under_a_union_group(tree):
    with pytest.raises(DomainError, match="工会小组下不能"):
        services.org_move(actor=None, org=tree.school2_group, new_parent=tree.school1_group_a)

    assert Org.objects.get(pk=tree.school2_group.pk).parent_id == tree.school2.pk


def test_an_org_with_children_cannot_become_a_union_group(tree):
    with pytest.raises(DomainError):
        services.org_update(actor=None, org=tree.school1, kind=OrgKind.GROUP)

    assert Org.objects.get(pk=tree.school1.pk).kind == OrgKind.GRASSROOTS


def test_nothing_can_be_created_or_moved_under_a_dissolved_org(tree):
    services.org_dissolve(actor=None, org=tree.school2_group)
    services.org_dissolve(actor=None, org=tree.school2)
    dissolved = Org.objects.get(pk=tree.school2.pk)

    with pytest.raises(DomainError, match="已撤销"):
        services.org_create(actor=None, parent=dissolved, name="新工会小组", kind=OrgKind.GROUP)
    with pytest.raises(DomainError, match="已撤销"):
        services.org_move(actor=None, org=tree.school1, new_parent=dissolved)


def test_dissolving_an_org_with_active_children_is_refused(tree):
    with pytest.raises(DomainError, match="未撤销的下级组织"):
        services.org_dissolve(actor=None, org=tree.school1)

    assert Org.objects.get(pk=tree.school1.pk).status == OrgStatus.ACTIVE


def test_dissolving_an_org_whose_children_are_dissolved_marks_it_and_keeps_its_records(tree):
    chair_role = RoleAssignmentFactory(org=tree.school1, role=Role.CHAIR)
    services.org_dissolve(actor=None, org=tree.school1_group_a)
    services.org_dissolve(actor=None, org=tree.school1_group_b)

    services.org_dissolve(actor=None, org=tree.school1, on=dt.date(2026, 1, 31))

    org = Org.objects.get(pk=tree.school1.pk)
    assert org.status == OrgStatus.DISSOLVED
    assert not org.is_active
    assert org.dissolved_at == dt.date(2026, 1, 31)
    assert RoleAssignment.objects.filter(pk=chair_role.pk).exists()
    event = AuditEvent.objects.get(action="org.dissolve", object_id=str(org.pk))
    assert event.before == {"status": "active"}
    assert event.after == {"status": "dissolved", "dissolved_at": "2026-01-31"}


def test_dissolving_an_org_twice_is_refused(tree):
    services.org_dissolve(actor=None, org=tree.school2_group)

    with pytest.raises(DomainError, match="已撤销"):
        services.org_dissolve(actor=None, org=tree.school2_group)


def test_a_leaf_org_is_dissolved_today_by_default(tree):
    services.org_dissolve(actor=None, org=tree.school2_group)

    assert Org.objects.get(pk=tree.school2_group.pk).dissolved_at is not None


def test_updating_an_org_audits_only_the_changed_fields(tree):
    actor = UserFactory()

    services.org_update(
        actor=actor, org=tree.school1, name="第一中学教职工工会", workforce=tree.school1.workforce
    )

    event = AuditEvent.objects.get(action="org.update", object_id=str(tree.school1.pk))
    assert event.before == {"name": "第一中学工会"}
    assert event.after == {"name": "第一中学教职工工会"}
    assert event.actor == actor
    assert event.org == tree.school1
    assert Org.objects.get(pk=tree.school1.pk).name == "第一中学教职工工会"


def test_an_update_that_changes_nothing_writes_no_audit_row(tree):
    services.org_update(actor=None, org=tree.school1, name=tree.school1.name)

    assert not AuditEvent.objects.filter(action="org.update").exists()


def test_an_update_cannot_move_or_dissolve_an_org(tree):
    with pytest.raises(ValueError, match="cannot set"):
        services.org_update(actor=None, org=tree.school1, parent=tree.school2)
    with pytest.raises(ValueError, match="cannot set"):
        services.org_update(actor=None, org=tree.school1, status=OrgStatus.DISSOLVED)


def test_an_empty_org_code_is_stored_as_null_so_many_orgs_can_have_none(tree):
    services.org_update(actor=None, org=tree.school1, code="")
    services.org_update(actor=None, org=tree.school2, code="")

    assert Org.objects.filter(code__isnull=True).count() == len(tree.all())


def test_two_orgs_cannot_share_a_code(tree):
    services.org_update(actor=None, org=tree.school1, code="JY-001")

    with pytest.raises(ValidationError):
        services.org_update(actor=None, org=tree.school2, code="JY-001")


# --- property: random trees and random moves keep every path and depth consistent -------------

tree_shapes = st.lists(
    # (index of the parent among the orgs made so far, is this a union group?)
    st.tuples(st.integers(min_value=0, max_value=50), st.booleans()),
    min_size=1,
    max_size=12,
)
move_lists = st.lists(
    st.tuples(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50)), max_size=8
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shape=tree_shapes, moves=move_lists)
def test_random_moves_keep_every_path_and_depth_consistent(shape, moves):
    with transaction.atomic():
        root = services.org_create(actor=None, parent=None, name="根", kind=OrgKind.COUNTY)
        orgs = [root]
        parent_of = {root.pk: None}
        for parent_index, is_group in shape:
            candidates = [o for o in orgs if o.kind != OrgKind.GROUP]
            parent = candidates[parent_index % len(candidates)]
            kind = OrgKind.GROUP if is_group else OrgKind.GRASSROOTS
            org = services.org_create(actor=None, parent=parent, name=f"组织{len(orgs)}", kind=kind)
            orgs.append(org)
            parent_of[org.pk] = parent.pk

        for org_index, target_index in moves:
            org = orgs[org_index % len(orgs)]
            target = orgs[target_index % len(orgs)]
            # Is the target the org itself or below it, according to our own model of the tree?
            ancestor, under_itself = target.pk, False
            while ancestor is not None:
                under_itself |= ancestor == org.pk
                ancestor = parent_of[ancestor]
            if under_itself or target.kind == OrgKind.GROUP:
                with pytest.raises(DomainError):
                    services.org_move(actor=None, org=org, new_parent=target)
            else:
                services.org_move(actor=None, org=org, new_parent=target)
                parent_of[org.pk] = target.pk

        assert dict(Org.objects.values_list("pk", "parent_id")) == parent_of
        assert_tree_consistent()
        transaction.set_rollback(True)
