"""Sign-up: caps, per-unit quotas and the deadline at their edges; who may enter whom."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gonghui.activities import services
from gonghui.activities.enums import ActivityState, Eligibility, EntryState
from gonghui.activities.models import Entry
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

from .factories import member_in, open_activity


def states(activity) -> list[tuple[str, str, int | None]]:
    rows = Entry.objects.filter(activity=activity).order_by("id")
    return [(e.member.name, e.state, e.position) for e in rows.select_related("member")]


def test_a_member_signs_up_for_themselves_once(tree):
    activity = open_activity(tree.county)
    teacher = member_in(tree.school1)

    entry = services.entry_sign_up(actor=teacher.user, activity=activity)

    assert (entry.member, entry.unit, entry.state, entry.position) == (
        teacher,
        tree.school1,
        EntryState.ENTERED,
        None,
    )
    assert entry.entered_at is not None
    with pytest.raises(DomainError, match="已经报名了本活动"):
        services.entry_sign_up(actor=teacher.user, activity=activity)


def test_a_member_of_a_union_group_counts_for_their_union(tree):
    activity = open_activity(tree.county)
    teacher = member_in(tree.school1_group_a)

    entry = services.entry_sign_up(actor=teacher.user, activity=activity)

    assert entry.unit == tree.school1


def test_the_cap_fills_exactly_and_the_next_entry_waits_in_order(tree):
    activity = open_activity(tree.county, cap=2)
    a, b, c, d = (member_in(tree.school1) for _ in range(4))

    for teacher in (a, b, c, d):
        services.entry_sign_up(actor=teacher.user, activity=activity)

    assert states(activity) == [
        (a.name, EntryState.ENTERED, None),
        (b.name, EntryState.ENTERED, None),
        (c.name, EntryState.WAITING, 1),
        (d.name, EntryState.WAITING, 2),
    ]


def test_a_unit_quota_fills_exactly_while_other_units_still_enter(tree):
    activity = open_activity(tree.county)
    services.quota_set(actor=None, activity=activity, unit=tree.school1, max_entries=2)
    first, second, third = (member_in(tree.school1_group_b) for _ in range(3))
    elsewhere = member_in(tree.school2)

    for teacher in (first, second, third, elsewhere):
        services.entry_sign_up(actor=teacher.user, activity=activity)

    assert states(activity) == [
        (first.name, EntryState.ENTERED, None),
        (second.name, EntryState.ENTERED, None),
        (third.name, EntryState.WAITING, 1),
        (elsewhere.name, EntryState.ENTERED, None),
    ]


def test_a_quota_of_zero_puts_every_entry_of_the_unit_on_the_waiting_list(tree):
    activity = open_activity(tree.county)
    services.quota_set(actor=None, activity=activity, unit=tree.school2, max_entries=0)

    entry = services.entry_sign_up(actor=member_in(tree.school2).user, activity=activity)

    assert entry.state == EntryState.WAITING


def test_sign_up_is_open_until_the_deadline_itself_and_refused_a_moment_after(tree, monkeypatch):
    activity = open_activity(tree.county)
    on_time, late = member_in(tree.school1), member_in(tree.school1)

    monkeypatch.setattr(timezone, "now", lambda: activity.signup_deadline)
    assert services.entry_sign_up(actor=on_time.user, activity=activity).state == EntryState.ENTERED

    monkeypatch.setattr(timezone, "now", lambda: activity.signup_deadline + dt.timedelta(microseconds=1))
    with pytest.raises(DomainError, match="报名已截止"):
        services.entry_sign_up(actor=late.user, activity=activity)
    assert not Entry.objects.filter(member=late).exists()


def test_a_draft_or_closed_activity_takes_no_entries(tree):
    activity = open_activity(tree.county)
    services.activity_close(actor=None, activity=activity)
    with pytest.raises(DomainError, match="不在报名中"):
        services.entry_sign_up(actor=member_in(tree.school1).user, activity=activity)


def test_only_members_within_who_may_take_part_sign_up(tree):
    school_activity = open_activity(tree.school1)
    group_activity = open_activity(tree.school1, eligibility=Eligibility.GROUP, group=tree.school1_group_a)
    outsider, group_b = member_in(tree.school2), member_in(tree.school1_group_b)

    with pytest.raises(DomainError, match="不在本活动的参加范围内"):
        services.entry_sign_up(actor=outsider.user, activity=school_activity)
    with pytest.raises(DomainError, match="不在本活动的参加范围内"):
        services.entry_sign_up(actor=group_b.user, activity=group_activity)
    assert services.entry_sign_up(actor=group_b.user, activity=school_activity).state == EntryState.ENTERED


def test_a_listed_activity_takes_only_the_members_on_its_list(tree):
    invited, other = member_in(tree.school1), member_in(tree.school1)
    activity = open_activity(tree.school1, eligibility=Eligibility.LIST, invited=[invited])

    assert services.entry_sign_up(actor=invited.user, activity=activity).state == EntryState.ENTERED
    with pytest.raises(DomainError, match="不在本活动的参加范围内"):
        services.entry_sign_up(actor=other.user, activity=activity)


def test_a_unit_officer_enters_a_member_of_their_unit_but_not_of_another(tree, chair):
    activity = open_activity(tree.county)
    own, foreign = member_in(tree.school1_group_a, account=False), member_in(tree.school2)

    entry = services.entry_sign_up(actor=chair, activity=activity, member=own)

    assert (entry.member, entry.entered_by, entry.state) == (own, chair, EntryState.ENTERED)
    with pytest.raises(DomainError, match="只能为本单位的会员报名"):
        services.entry_sign_up(actor=chair, activity=activity, member=foreign)
    assert not Entry.objects.filter(member=foreign).exists()


def test_a_plain_member_cannot_enter_someone_else(tree):
    activity = open_activity(tree.county)
    teacher, colleague = member_in(tree.school1), member_in(tree.school1)

    with pytest.raises(DomainError, match="只能为本单位的会员报名"):
        services.entry_sign_up(actor=teacher.user, activity=activity, member=colleague)


def test_every_sign_up_is_audited_with_its_place(tree):
    activity = open_activity(tree.county, cap=1)
    services.entry_sign_up(actor=member_in(tree.school1).user, activity=activity)
    services.entry_sign_up(actor=member_in(tree.school2).user, activity=activity)

    events = AuditEvent.objects.filter(action="activities.entry_sign_up").order_by("id")
    assert [(e.after["state"], e.after["position"]) for e in events] == [
        (EntryState.ENTERED, None),
        (EntryState.WAITING, 1),
    ]


def test_the_lifecycle_runs_draft_open_closed_done_and_refuses_other_moves(tree, county_officer):
    activity = open_activity(tree.county)
    services.activity_close(actor=county_officer, activity=activity)
    services.activity_finish(actor=county_officer, activity=activity)
    activity.refresh_from_db()

    assert activity.state == ActivityState.DONE and activity.done_at is not None
    with pytest.raises(DomainError, match="不能改为"):
        services.activity_cancel(actor=county_officer, activity=activity, reason="下雨")


def test_only_the_organisers_officers_run_an_activity(tree, chair):
    activity = open_activity(tree.county)
    with pytest.raises(DomainError, match="只有主办工会的负责人"):
        services.activity_close(actor=chair, activity=activity)
    with pytest.raises(DomainError, match="只有主办工会的负责人"):
        services.quota_set(actor=chair, activity=activity, unit=tree.school1, max_entries=10)


def test_the_deadline_may_not_fall_after_the_start(tree):
    now = timezone.now()
    with pytest.raises(DomainError, match="报名截止时间不能晚于活动开始时间"):
        open_activity(tree.county, starts_at=now, ends_at=now, signup_deadline=now + dt.timedelta(minutes=1))


def test_an_update_is_audited_field_by_field_and_an_unchanged_one_records_nothing(tree, county_officer):
    activity = open_activity(tree.county)
    later = activity.starts_at + dt.timedelta(hours=1)

    services.activity_update(
        actor=county_officer, activity=activity, changes={"title": "篮球赛(改期)", "starts_at": later}
    )
    services.activity_update(actor=county_officer, activity=activity, changes={"title": "篮球赛(改期)"})

    event = AuditEvent.objects.get(action="activities.activity_update")
    assert event.before["title"] == "教职工篮球赛" and event.after["title"] == "篮球赛(改期)"
    assert set(event.after) == {"title", "starts_at"}
    with pytest.raises(DomainError, match="请填写参加名单"):
        services.activity_update(
            actor=county_officer, activity=activity, changes={"eligibility": Eligibility.LIST}
        )
