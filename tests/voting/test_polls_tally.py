"""`services.polls_tally`: many released polls counted in a fixed number of queries, with exactly
the results `poll_tally` gives each of them (facts and the annual summary read hundreds)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.voting import services
from gonghui.voting.enums import Grade, PollKind, PollState, ScaleKind
from gonghui.voting.models import Poll

from .factories import electorate, make_poll, option_ids, voter_member

pytestmark = pytest.mark.django_db


def _release(poll):
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)


def _election(union, n: int):
    poll = make_poll(union, title=f"委员补选{n}", options=["甲", "乙", "丙"], choose_max=1, voters=4,
                     state=PollState.OPEN)  # fmt: skip
    ids = option_ids(poll)
    members = electorate(poll)
    for member, name in zip(members[:3], ["甲", "甲", "乙"], strict=True):
        services.ballot_cast(poll=poll, member=member, choices={"selected": [ids[name]]})
    services.paper_census_record(actor=None, poll=poll, members=members[3:])
    services.paper_batch_enter(actor=None, poll=poll, valid=1, invalid=0, counts={ids["丙"]: 1})
    return _release(poll)


def _evaluation(union):
    raters = [voter_member(union) for _ in range(3)]
    poll = make_poll(union, kind=PollKind.EVALUATION, title="中层干部民主测评", options=["王", "李"],
                     voters=raters, scale=ScaleKind.GRADES, min_respondents=2, state=PollState.OPEN)  # fmt: skip
    ids = option_ids(poll)
    for member, grade in zip(raters, [Grade.EXCELLENT, Grade.COMPETENT, Grade.EXCELLENT], strict=True):
        services.ballot_cast(poll=poll, member=member, choices={"grades": {str(ids["王"]): grade,
                                                                           str(ids["李"]): Grade.BASIC}})  # fmt: skip
    return _release(poll)


def _award(union):
    poll = make_poll(union, kind=PollKind.AWARD, title="优秀工会工作者评选", options=["张三", "李四"], voters=2,
                     state=PollState.OPEN, award_name="优秀工会工作者")  # fmt: skip
    for member in electorate(poll):
        services.ballot_cast(poll=poll, member=member, choices={"selected": [option_ids(poll)["张三"]]})
    return _release(poll)


def _shape(results):
    counted = results.counted
    rows = [(r.key, r.votes, r.elected, r.tie) for r in counted.rows] if counted else None
    people = [(p.name, p.shown, dict(p.grades), p.respondents) for p in results.people or []]
    return rows, counted.paper if counted else None, people, results.ballots


def test_the_batch_tally_equals_each_polls_own_tally(tree):
    polls = [
        _election(tree.school1, 1),
        _election(tree.school2, 2),
        _evaluation(tree.school1),
        _award(tree.school1),
    ]
    open_poll = make_poll(tree.school1, title="未结束", options=["甲", "乙"], voters=1, state=PollState.OPEN)
    batch = services.polls_tally(Poll.objects.all())
    assert set(batch) == {p.pk for p in polls}  # the open poll is left out, like poll_tally refuses it
    assert open_poll.pk not in batch
    for poll in polls:
        assert _shape(batch[poll.pk]) == _shape(services.poll_tally(poll)), poll.title
    election = batch[polls[0].pk].counted
    assert {r.name: r.votes for r in election.rows} == {"甲": 2, "乙": 1, "丙": 1}  # 丙 on paper
    assert election.paper == 1


def test_the_batch_costs_the_same_queries_for_two_polls_or_eight(tree):
    for n in range(2):
        _election(tree.school1, n)
    with CaptureQueriesContext(connection) as two:
        services.polls_tally(Poll.objects.all())
    for n in range(2, 8):
        _election(tree.school1, n)
    with CaptureQueriesContext(connection) as eight:
        services.polls_tally(Poll.objects.all())
    assert len(eight.captured_queries) == len(two.captured_queries) <= 8
