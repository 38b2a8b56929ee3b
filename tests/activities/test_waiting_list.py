"""The waiting list (候补): it moves up, first come first, when a place frees."""

from __future__ import annotations

import pytest

from gonghui.activities import services
from gonghui.activities.enums import EntryState
from gonghui.activities.models import Entry
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

from .factories import member_in, open_activity


def state_of(member) -> tuple[str, int | None]:
    entry = Entry.objects.filter(member=member).latest("id")
    return entry.state, entry.position


def test_a_withdrawal_moves_the_first_waiting_entry_up(tree):
    activity = open_activity(tree.county, cap=2)
    a, b, c, d = (member_in(tree.school1) for _ in range(4))
    entries = [services.entry_sign_up(actor=m.user, activity=activity) for m in (a, b, c, d)]

    services.entry_withdraw(actor=a.user, entry=entries[0])

    assert [state_of(m) for m in (a, b, c, d)] == [
        (EntryState.WITHDRAWN, None),
        (EntryState.ENTERED, None),
        (EntryState.ENTERED, None),
        (EntryState.WAITING, 2),
    ]
    promoted = AuditEvent.objects.get(action="activities.entry_promote")
    assert (promoted.object_id, promoted.after["state"]) == (str(entries[2].pk), EntryState.ENTERED)


def test_the_freed_place_goes_to_the_first_waiting_entry_that_fits_its_units_quota(tree):
    activity = open_activity(tree.county, cap=2)
    services.quota_set(actor=None, activity=activity, unit=tree.school1, max_entries=1)
    s1_first, s1_second = member_in(tree.school1), member_in(tree.school1)
    s2_first, s2_second = member_in(tree.school2), member_in(tree.school2)
    entries = {m: services.entry_sign_up(actor=m.user, activity=activity)
               for m in (s1_first, s1_second, s2_first, s2_second)}  # fmt: skip
    assert state_of(s1_second) == (EntryState.WAITING, 1)  # school 1's quota is full
    assert state_of(s2_second) == (EntryState.WAITING, 2)  # the cap is full

    services.entry_withdraw(actor=s2_first.user, entry=entries[s2_first])

    assert state_of(s1_second) == (EntryState.WAITING, 1)  # still over school 1's quota
    assert state_of(s2_second) == (EntryState.ENTERED, None)


def test_a_waiting_entry_withdrawing_frees_nothing(tree):
    activity = open_activity(tree.county, cap=1)
    a, b, c = (member_in(tree.school1) for _ in range(3))
    services.entry_sign_up(actor=a.user, activity=activity)
    waiting = services.entry_sign_up(actor=b.user, activity=activity)
    services.entry_sign_up(actor=c.user, activity=activity)

    services.entry_withdraw(actor=b.user, entry=waiting)

    assert [state_of(m) for m in (a, b, c)] == [
        (EntryState.ENTERED, None),
        (EntryState.WITHDRAWN, None),
        (EntryState.WAITING, 2),
    ]


def test_a_larger_quota_or_cap_lets_the_waiting_list_move_up(tree):
    activity = open_activity(tree.county, cap=1)
    services.quota_set(actor=None, activity=activity, unit=tree.school1, max_entries=1)
    a, b, c = (member_in(tree.school1) for _ in range(3))
    for m in (a, b, c):
        services.entry_sign_up(actor=m.user, activity=activity)

    services.activity_update(actor=None, activity=activity, changes={"cap": 5})
    assert [state_of(m)[0] for m in (a, b, c)] == [EntryState.ENTERED, EntryState.WAITING, EntryState.WAITING]

    services.quota_set(actor=None, activity=activity, unit=tree.school1, max_entries=2)
    assert [state_of(m)[0] for m in (a, b, c)] == [EntryState.ENTERED, EntryState.ENTERED, EntryState.WAITING]


def test_a_member_who_withdrew_may_sign_up_again_at_the_end_of_the_list(tree):
    activity = open_activity(tree.county, cap=1)
    a, b = member_in(tree.school1), member_in(tree.school1)
    first = services.entry_sign_up(actor=a.user, activity=activity)
    services.entry_withdraw(actor=a.user, entry=first)
    services.entry_sign_up(actor=b.user, activity=activity)

    again = services.entry_sign_up(actor=a.user, activity=activity)

    assert (again.state, again.position) == (EntryState.WAITING, 1)


def test_only_the_member_their_units_officers_or_the_organiser_withdraw_an_entry(
    tree, chair, other_union_chair, county_officer
):
    activity = open_activity(tree.county)
    teacher, colleague = member_in(tree.school1), member_in(tree.school1)
    entry = services.entry_sign_up(actor=teacher.user, activity=activity)
    second = services.entry_sign_up(actor=colleague.user, activity=activity)

    for stranger in (colleague.user, other_union_chair):
        with pytest.raises(DomainError, match="只能退出自己或本单位的报名"):
            services.entry_withdraw(actor=stranger, entry=entry)
    services.entry_withdraw(actor=chair, entry=entry)
    services.entry_withdraw(actor=county_officer, entry=second)
    with pytest.raises(DomainError, match="该报名已经退出"):
        services.entry_withdraw(actor=teacher.user, entry=entry)
