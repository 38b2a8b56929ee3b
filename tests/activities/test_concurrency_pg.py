"""Fifty members signing up at once for twenty places with per-unit quotas: never one over.

PostgreSQL only: SQLite serialises every write transaction (BEGIN IMMEDIATE) and its shared-cache
in-memory test database answers concurrent writers with "database table is locked" instead of
waiting, so there is no race to observe there. Run with
`DATABASE_URL=postgres://… bash scripts/pytest.sh tests/activities -m pg -p no:xdist`.
"""

from __future__ import annotations

import pytest
from django.db import connection

from gonghui.activities import services
from gonghui.activities.enums import EntryState
from gonghui.activities.models import Entry
from tests.voting.test_concurrency_pg import run_concurrently

from .factories import member_in, open_activity

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent writers need PostgreSQL: SQLite serialises writes and its shared-cache "
        "in-memory test database raises 'table is locked' instead of waiting",
    ),
    pytest.mark.django_db(transaction=True),
]


def entered_by_unit(activity) -> dict[str, int]:
    counts: dict[str, int] = {}
    for name in Entry.objects.filter(activity=activity, state=EntryState.ENTERED).values_list(
        "unit__name", flat=True
    ):
        counts[name] = counts.get(name, 0) + 1
    return counts


def test_fifty_simultaneous_sign_ups_fill_twenty_places_and_no_quota_is_exceeded(tree):
    activity = open_activity(tree.county, cap=20)
    services.quota_set(actor=None, activity=activity, unit=tree.school1, max_entries=8)
    services.quota_set(actor=None, activity=activity, unit=tree.school2, max_entries=15)
    members = [member_in(tree.school1 if i % 2 else tree.school2_group) for i in range(50)]

    outcomes = run_concurrently(
        [lambda m=m: services.entry_sign_up(actor=m.user, activity=activity) for m in members]
    )

    assert [value for kind, value in outcomes if kind == "error"] == []
    entries = Entry.objects.filter(activity=activity)
    assert entries.count() == 50
    assert entries.filter(state=EntryState.ENTERED).count() == 20  # 8 + 15 could take more: the cap holds
    by_unit = entered_by_unit(activity)
    assert by_unit.get(tree.school1.name, 0) <= 8 and by_unit.get(tree.school2.name, 0) <= 15, by_unit
    waiting = entries.filter(state=EntryState.WAITING).values_list("position", flat=True)
    assert sorted(waiting) == list(range(1, 31))  # one place in line each, none shared


def test_simultaneous_withdrawals_and_sign_ups_never_go_over_the_cap_or_a_quota(tree):
    activity = open_activity(tree.county, cap=10)
    services.quota_set(actor=None, activity=activity, unit=tree.school1, max_entries=6)
    first = [member_in(tree.school1 if i % 2 else tree.school2) for i in range(20)]
    for m in first:
        services.entry_sign_up(actor=m.user, activity=activity)
    entered = list(
        Entry.objects.filter(activity=activity, state=EntryState.ENTERED).select_related("member__user")
    )
    late = [member_in(tree.school1 if i % 2 else tree.school2) for i in range(20)]

    outcomes = run_concurrently(
        [lambda e=e: services.entry_withdraw(actor=e.member.user, entry=e) for e in entered[:5]]
        + [lambda m=m: services.entry_sign_up(actor=m.user, activity=activity) for m in late]
    )

    assert [value for kind, value in outcomes if kind == "error"] == []
    assert Entry.objects.filter(activity=activity, state=EntryState.ENTERED).count() == 10
    assert entered_by_unit(activity).get(tree.school1.name, 0) <= 6
    assert Entry.objects.filter(activity=activity, state=EntryState.WAITING).count() == 40 - 10 - 5
