"""The poll lifecycle: every transition allowed or refused, the checks at opening, and the
electorate, options and settings frozen once voting has begun."""

from __future__ import annotations

import itertools

import pytest

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.voting import services
from gonghui.voting.enums import POLL_TRANSITIONS, Eligibility, PollKind, PollState
from gonghui.voting.models import Voter

from .factories import make_poll, voter_member

pytestmark = pytest.mark.django_db

ALLOWED = {(a, b) for a, targets in POLL_TRANSITIONS.items() for b in targets}
ALL_PAIRS = list(itertools.product(PollState.values, PollState.values))


def test_the_transition_table_is_the_documented_lifecycle():
    assert {
        (PollState.DRAFT, PollState.OPEN),
        (PollState.DRAFT, PollState.CANCELLED),
        (PollState.OPEN, PollState.CLOSED),
        (PollState.CLOSED, PollState.REVIEWED),
        (PollState.REVIEWED, PollState.RELEASED),
    } == ALLOWED


def test_a_counted_poll_cannot_be_published_without_the_review_step(tree):
    poll = make_poll(tree.school1, voters=1, state=PollState.CLOSED)

    with pytest.raises(DomainError, match="不能改为"):
        services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)

    reviewed = services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    event = (
        AuditEvent.objects.filter(action="voting.poll_state", object_id=str(poll.pk)).order_by("-pk").first()
    )
    assert event.before == {"state": "closed"} and event.after["state"] == "reviewed"
    assert services.poll_set_state(actor=None, poll=reviewed, to=PollState.RELEASED).state == "released"


@pytest.mark.parametrize(("start", "to"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_each_transition_is_allowed_exactly_when_the_table_lists_it(tree, start, to):
    poll = make_poll(tree.school1, voters=1, state=start)

    if (start, to) in ALLOWED:
        poll = services.poll_set_state(actor=None, poll=poll, to=to)
        assert poll.state == to
        event = AuditEvent.objects.filter(action="voting.poll_state", object_id=str(poll.pk)).first()
        assert event.before == {"state": start}
        assert event.after["state"] == to
    else:
        with pytest.raises(DomainError, match="不能改为"):
            services.poll_set_state(actor=None, poll=poll, to=to)
        poll.refresh_from_db()
        assert poll.state == start


def test_an_unknown_state_is_refused(tree):
    poll = make_poll(tree.school1, voters=1)

    with pytest.raises(DomainError, match="无法识别"):
        services.poll_set_state(actor=None, poll=poll, to="finished")


def test_an_election_needs_more_candidates_than_seats_by_the_configured_ratio(tree):
    poll = make_poll(tree.school1, options=["甲", "乙", "丙", "丁", "戊"], choose_max=5, voters=1)

    with pytest.raises(DomainError, match="差额选举：应选5人，候选人至少应有6人"):
        services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)

    services.option_add(actor=None, poll=poll, name="己")
    assert services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN).state == PollState.OPEN


def test_a_zero_ratio_allows_an_uncontested_election(tree):
    poll = make_poll(tree.school1, options=["甲", "乙"], choose_max=2, diff_ratio=0, voters=1)

    assert services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN).state == PollState.OPEN


def test_a_poll_without_electorate_cannot_open(tree):
    poll = make_poll(tree.school1, voters=0)

    with pytest.raises(DomainError, match="尚未确定选民"):
        services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)


def test_an_award_with_unscreened_nominees_cannot_open(tree):
    poll = make_poll(tree.school1, kind=PollKind.AWARD, options=["甲", "乙"], voters=1)
    nominee = voter_member(tree.school1)
    option = services.nomination_submit(
        actor=None, poll=poll, member=nominee, deeds="爱岗敬业", self_nominated=True
    )

    with pytest.raises(DomainError, match="资格审查"):
        services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)

    services.nomination_screen(actor=None, option=option, eligible=False, note="任职不满一年")
    assert services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN).state == PollState.OPEN
    assert [o.name for o in services.ballot_options(poll)] == ["甲", "乙"]
    option.refresh_from_db()
    assert option.eligibility == Eligibility.INELIGIBLE


@pytest.mark.parametrize("state", [PollState.OPEN, PollState.CLOSED, PollState.RELEASED, PollState.CANCELLED])
def test_the_electorate_is_frozen_once_the_poll_has_opened(tree, state):
    poll = make_poll(tree.school1, voters=2, state=state)
    newcomer = voter_member(tree.school1)
    voter = poll.voters.first()

    with pytest.raises(DomainError, match="冻结"):
        services.electorate_add(actor=None, poll=poll, members=[newcomer])
    with pytest.raises(DomainError, match="冻结"):
        services.voter_remove(actor=None, poll=poll, voter=voter)
    with pytest.raises(DomainError, match="冻结"):
        services.electorate_clear(actor=None, poll=poll)
    assert Voter.objects.filter(poll=poll).count() == 2


@pytest.mark.parametrize("state", [PollState.OPEN, PollState.CLOSED])
def test_options_and_settings_are_frozen_once_the_poll_has_opened(tree, state):
    poll = make_poll(tree.school1, voters=1, state=state)

    with pytest.raises(DomainError, match="冻结"):
        services.option_add(actor=None, poll=poll, name="赵六")
    with pytest.raises(DomainError, match="冻结"):
        services.option_remove(actor=None, option=poll.options.first())
    with pytest.raises(DomainError, match="冻结"):
        services.poll_update(actor=None, poll=poll, choose_max=2)


def test_the_electorate_can_change_while_the_poll_is_a_draft(tree):
    poll = make_poll(tree.school1, voters=2)
    newcomer = voter_member(tree.school1)

    assert services.electorate_add(actor=None, poll=poll, members=[newcomer, newcomer]) == 1
    services.voter_remove(actor=None, poll=poll, voter=poll.voters.first())

    assert poll.voters.count() == 2


def test_only_members_of_the_union_join_the_electorate(tree):
    poll = make_poll(tree.school1, voters=0)
    stranger = voter_member(tree.school2)

    with pytest.raises(DomainError, match="不是本工会会员"):
        services.electorate_add(actor=None, poll=poll, members=[stranger])


def test_a_group_member_belongs_to_the_union_electorate(tree):
    poll = make_poll(tree.school1, voters=0)
    in_group = voter_member(tree.school1, group=tree.school1_group_a)

    assert services.electorate_add(actor=None, poll=poll, members=[in_group]) == 1


def test_polls_are_held_by_grassroots_unions_only(tree):
    with pytest.raises(DomainError, match="基层工会"):
        services.poll_create(actor=None, org=tree.county, kind=PollKind.SIMPLE, title="县里的投票")


def test_closing_reports_the_number_of_ballots(tree):
    poll = make_poll(tree.school1, voters=3, state=PollState.OPEN)
    for member in poll.voters.select_related("member")[:2]:
        services.ballot_cast(poll=poll, member=member.member, choices={"selected": []})

    poll = services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)

    assert poll.ballots_at_close == 2
