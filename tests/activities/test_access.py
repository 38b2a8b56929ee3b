"""Who sees activities and entries, through core.access (another union's rows are a 404)."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.http import Http404

from gonghui.activities import queries, services
from gonghui.activities.enums import EntryMode
from gonghui.activities.models import Activity, ActivityKind, ActivityQuota, Entry, Team, TeamMember
from gonghui.core.access import can, get_for_user

from .factories import ball, member_in, open_activity


def test_another_unions_activity_is_a_404(tree, other_union_chair):
    activity = open_activity(tree.school1)

    with pytest.raises(Http404):
        get_for_user(Activity, other_union_chair, activity.pk)


def test_a_countys_open_activity_is_seen_by_its_schools_members_and_a_draft_only_by_its_officers(
    tree, county_officer, chair
):
    teacher = member_in(tree.school2_group)
    opened = open_activity(tree.county)
    draft = services.activity_create(actor=county_officer, org=tree.county, kind=ball(), title="草稿",
                                     starts_at=opened.starts_at, ends_at=opened.ends_at,
                                     signup_deadline=opened.signup_deadline)  # fmt: skip

    assert list(queries.activities_for(teacher.user)) == [opened]
    assert list(queries.activities_for(chair)) == [opened]
    assert set(queries.activities_for(county_officer)) == {opened, draft}
    with pytest.raises(Http404):
        get_for_user(Activity, chair, draft.pk)
    assert can(county_officer, "change", opened) and not can(chair, "change", opened)


def test_a_member_sees_their_own_entry_and_their_unit_officer_sees_the_units_entries(
    tree, chair, other_union_chair, county_officer
):
    activity = open_activity(tree.county)
    teacher, colleague, elsewhere = member_in(tree.school1), member_in(tree.school1), member_in(tree.school2)
    mine, theirs, far = (services.entry_sign_up(actor=m.user, activity=activity)
                         for m in (teacher, colleague, elsewhere))  # fmt: skip

    assert list(queries.entries_for(teacher.user, activity)) == [mine]
    assert set(queries.entries_for(chair, activity)) == {mine, theirs}
    assert set(queries.entries_for(other_union_chair, activity)) == {far}
    assert set(queries.entries_for(county_officer, activity)) == {mine, theirs, far}
    with pytest.raises(Http404):
        get_for_user(Entry, chair, far.pk)
    assert list(queries.my_entries(teacher.user)) == [mine]


def test_a_teams_players_see_their_team_and_other_units_do_not(tree, other_union_chair):
    activity = open_activity(tree.county, entry_mode=EntryMode.TEAM)
    captain, player = member_in(tree.school1), member_in(tree.school1)
    entry = services.team_enter(actor=captain.user, activity=activity, name="一中", captain=captain,
                                players=[captain, player])  # fmt: skip

    assert get_for_user(Team, player.user, entry.team_id) == entry.team
    assert get_for_user(Entry, player.user, entry.pk) == entry
    assert list(queries.team_members(captain.user, entry.team)) == list(
        TeamMember.objects.filter(team=entry.team)
    )
    assert list(queries.my_entries(player.user)) == [entry]
    with pytest.raises(Http404):
        get_for_user(Team, other_union_chair, entry.team_id)


def test_a_unit_sees_its_own_quota_only(tree, chair, other_union_chair):
    activity = open_activity(tree.county)
    mine = services.quota_set(actor=None, activity=activity, unit=tree.school1, max_entries=3)
    services.quota_set(actor=None, activity=activity, unit=tree.school2, max_entries=4)

    assert list(queries.visible_quotas(chair, activity)) == [mine]
    with pytest.raises(Http404):
        get_for_user(ActivityQuota, other_union_chair, mine.pk)


def test_the_seeded_kinds_are_everyones_and_a_unions_own_kind_stays_in_its_subtree(
    tree, chair, other_union_chair
):
    # A transactional test earlier in this worker may have flushed the migration's rows: seed again
    # (get_or_create) with the migration's own function.
    importlib.import_module("gonghui.activities.migrations.0002_seed_kinds").seed(django_apps, None)
    own = services.kind_create(actor=chair, org=tree.school1, name="教工合唱")

    seeded = set(ActivityKind.objects.filter(org=None).values_list("name", flat=True))
    assert {"球类", "拔河", "健步走/登山", "节日主题"} <= seeded and len(seeded) == 11
    assert own in queries.kinds_for(tree.school1_group_a) and own not in queries.kinds_for(tree.school2)
    with pytest.raises(Http404):
        get_for_user(ActivityKind, other_union_chair, own.pk)
