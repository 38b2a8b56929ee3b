"""Team entries: a captain (or their union's officer) builds a team of that union's members."""

from __future__ import annotations

import pytest

from gonghui.activities import services
from gonghui.activities.enums import EntryMode, EntryState
from gonghui.activities.models import Entry, TeamMember
from gonghui.core.errors import DomainError

from .factories import member_in, open_activity


def test_a_captain_enters_a_team_of_their_unions_members_with_a_substitute(tree):
    activity = open_activity(tree.county, title="拔河比赛", entry_mode=EntryMode.TEAM, team_size=3)
    captain = member_in(tree.school1)
    players = [captain, member_in(tree.school1_group_a), member_in(tree.school1_group_b)]
    substitute = member_in(tree.school1)

    entry = services.team_enter(actor=captain.user, activity=activity, name="一中队", captain=captain,
                                players=players, substitutes=[substitute])  # fmt: skip

    assert (entry.state, entry.unit, entry.team.name) == (EntryState.ENTERED, tree.school1, "一中队")
    assert {(tm.member, tm.substitute) for tm in TeamMember.objects.filter(team=entry.team)} == {
        *((p, False) for p in players),
        (substitute, True),
    }


def test_a_team_takes_only_members_of_the_captains_union(tree):
    activity = open_activity(tree.county, entry_mode=EntryMode.TEAM)
    captain, foreign = member_in(tree.school1), member_in(tree.school2)

    with pytest.raises(DomainError, match="不是本单位的会员"):
        services.team_enter(actor=captain.user, activity=activity, name="一中队", captain=captain,
                            players=[captain, foreign])  # fmt: skip
    assert not Entry.objects.exists()


def test_an_officer_enters_a_team_of_their_own_unit_only(tree, chair, other_union_chair):
    activity = open_activity(tree.county, entry_mode=EntryMode.TEAM)
    captain = member_in(tree.school1, account=False)
    other = member_in(tree.school1, account=False)

    with pytest.raises(DomainError, match="只能为本单位组队报名"):
        services.team_enter(actor=other_union_chair, activity=activity, name="一中队", captain=captain,
                            players=[captain, other])  # fmt: skip
    entry = services.team_enter(actor=chair, activity=activity, name="一中队", captain=captain,
                                players=[captain, other])  # fmt: skip
    assert entry.entered_by == chair


def test_the_team_size_is_exact_and_nobody_plays_in_two_teams(tree):
    activity = open_activity(tree.county, entry_mode=EntryMode.TEAM, team_size=2)
    a, b, c = (member_in(tree.school1) for _ in range(3))

    with pytest.raises(DomainError, match="每队上场2人，当前为3人"):
        services.team_enter(actor=a.user, activity=activity, name="甲队", captain=a, players=[a, b, c])
    services.team_enter(actor=a.user, activity=activity, name="甲队", captain=a, players=[a, b])
    with pytest.raises(DomainError, match="已经报名了本活动"):
        services.team_enter(actor=c.user, activity=activity, name="乙队", captain=c, players=[c, b])


def test_teams_fill_the_cap_and_a_withdrawn_team_lets_the_next_move_up(tree):
    activity = open_activity(tree.county, entry_mode=EntryMode.TEAM, cap=1)
    a1, a2 = member_in(tree.school1), member_in(tree.school1)
    b1, b2 = member_in(tree.school2), member_in(tree.school2)
    first = services.team_enter(actor=a1.user, activity=activity, name="一中", captain=a1, players=[a1, a2])
    second = services.team_enter(actor=b1.user, activity=activity, name="二小", captain=b1, players=[b1, b2])
    assert (first.state, second.state, second.position) == (EntryState.ENTERED, EntryState.WAITING, 1)

    services.entry_withdraw(actor=a1.user, entry=first)

    second.refresh_from_db()
    assert (second.state, second.position) == (EntryState.ENTERED, None)


def test_an_individual_activity_takes_no_teams_and_a_team_activity_no_individuals(tree):
    solo = open_activity(tree.county)
    teams = open_activity(tree.county, entry_mode=EntryMode.TEAM)
    captain = member_in(tree.school1)

    with pytest.raises(DomainError, match="不能组队报名"):
        services.team_enter(
            actor=captain.user, activity=solo, name="甲队", captain=captain, players=[captain]
        )
    with pytest.raises(DomainError, match="组队报名"):
        services.entry_sign_up(actor=captain.user, activity=teams)
