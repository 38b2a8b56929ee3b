"""Activity figures: held activities, participants (person-times) and teams, for a known year."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gonghui.activities import services
from gonghui.activities.enums import EntryMode
from gonghui.core.facts import Period, collect, facts_by_union

from .factories import member_in, open_activity


def hold(activity):
    services.activity_close(actor=None, activity=activity)
    return services.activity_finish(actor=None, activity=activity)


def figures(org, period, *, subtree=True) -> dict[str, int]:
    return {f.key: f.value for f in collect(org, period, subtree=subtree) if f.key.startswith("activities.")}


def test_a_known_year_counts_held_activities_entered_people_and_teams(tree):
    walk = open_activity(tree.county, title="健步走", cap=3)
    walkers = [
        member_in(tree.school1),
        member_in(tree.school2),
        member_in(tree.school1),
        member_in(tree.school2),
    ]
    entries = [services.entry_sign_up(actor=m.user, activity=walk) for m in walkers]  # the fourth waits
    services.entry_withdraw(actor=walkers[0].user, entry=entries[0])  # the waiting one moves up
    services.entry_withdraw(actor=walkers[1].user, entry=entries[1])  # nobody left to move up
    hold(walk)

    tug = open_activity(tree.school1, title="拔河", entry_mode=EntryMode.TEAM, cap=1)
    a = [member_in(tree.school1) for _ in range(4)]
    b = [member_in(tree.school1) for _ in range(3)]
    services.team_enter(
        actor=a[0].user, activity=tug, name="甲队", captain=a[0], players=a[:3], substitutes=a[3:]
    )
    services.team_enter(actor=b[0].user, activity=tug, name="乙队", captain=b[0], players=b)  # waits
    hold(tug)

    open_activity(tree.school1, title="报名中的活动")  # not held yet
    services.activity_cancel(actor=None, activity=open_activity(tree.school2, title="取消"), reason="下雨")
    later = timezone.now() + dt.timedelta(days=800)
    hold(open_activity(tree.county, title="后年", starts_at=later, ends_at=later))

    period = Period.calendar_year(timezone.localdate(walk.starts_at).year)
    assert figures(tree.county, period) == {
        "activities.held": 2,
        "activities.participants": 2 + 4,  # two walkers still entered, the whole 甲队 with its substitute
        "activities.teams": 1,
    }
    assert figures(tree.county, period, subtree=False) == {
        "activities.held": 1,
        "activities.participants": 2,
        "activities.teams": 0,
    }
    assert figures(tree.school2, period) == {
        "activities.held": 0,
        "activities.participants": 0,
        "activities.teams": 0,
    }


def test_many_unions_at_once_get_the_same_figures_as_each_alone(tree):
    for org in (tree.county, tree.school1, tree.school2):
        activity = open_activity(org, title=f"{org.name}活动")
        services.entry_sign_up(actor=member_in(tree.school2 if org == tree.school2 else tree.school1).user,
                               activity=activity)  # fmt: skip
        hold(activity)
    period = Period.calendar_year(timezone.localdate(activity.starts_at).year)

    by_union = facts_by_union([tree.school1, tree.school2, tree.county], period)

    for org in (tree.school1, tree.school2):
        grouped = {f.key: f.value for f in by_union[org.pk] if f.key.startswith("activities.")}
        assert grouped == figures(org, period)
    county_own = {f.key: f.value for f in by_union[tree.county.pk] if f.key.startswith("activities.")}
    assert county_own == figures(tree.county, period, subtree=False)
