"""民主测评: dimensions or grades, rater groups with weights, dropping extremes, no
self-evaluation, and no per-person result below the minimum number of respondents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gonghui.core.errors import DomainError
from gonghui.voting import counting, services
from gonghui.voting.enums import Grade, PollKind, PollState, ScaleKind
from gonghui.voting.models import Participation

from .factories import drive, electorate, make_poll, opened_ballots, option_ids, voter_member

pytestmark = pytest.mark.django_db


def release(poll):
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)


@pytest.fixture
def principal(tree):
    return voter_member(tree.school1, name="校长王")


def grade_poll(tree, principal, *, voters, minimum):
    raters = [principal] + [voter_member(tree.school1) for _ in range(voters - 1)]
    return make_poll(tree.school1, kind=PollKind.EVALUATION, title="中层干部民主测评",
                     options=["校长王", "副校长李"], option_members=[principal, None], voters=raters,
                     scale=ScaleKind.GRADES, min_respondents=minimum, state=PollState.OPEN)  # fmt: skip


def test_nobody_evaluates_themself(tree, principal):
    poll = grade_poll(tree, principal, voters=2, minimum=1)
    ids = option_ids(poll)

    with pytest.raises(DomainError, match="不能评议本人"):
        services.ballot_cast(poll=poll, member=principal,
                             choices={"grades": {str(ids["校长王"]): Grade.EXCELLENT}})  # fmt: skip
    assert not Participation.objects.filter(poll=poll).exists()

    services.ballot_cast(
        poll=poll, member=principal, choices={"grades": {str(ids["副校长李"]): Grade.COMPETENT}}
    )
    assert [c for _r, c in opened_ballots(poll)] == [{"grades": {str(ids["副校长李"]): Grade.COMPETENT}}]


def test_no_per_person_result_below_the_minimum_of_respondents(tree, principal):
    poll = grade_poll(tree, principal, voters=4, minimum=3)
    ids = option_ids(poll)
    raters = electorate(poll)
    for member in raters[1:]:  # three rate 校长王, all four rate 副校长李... principal skips self
        services.ballot_cast(poll=poll, member=member, choices={"grades": {
            str(ids["校长王"]): Grade.EXCELLENT, str(ids["副校长李"]): Grade.COMPETENT}})  # fmt: skip
    poll = release(poll)
    people = {p.name: p for p in services.poll_tally(poll).people or []}

    assert people["校长王"].shown and people["校长王"].respondents == 3
    assert people["校长王"].grades[Grade.EXCELLENT] == 3 and people["校长王"].good_rate == 100.0


def test_a_person_rated_by_too_few_shows_nothing_but_the_count(tree, principal):
    poll = grade_poll(tree, principal, voters=3, minimum=3)
    ids = option_ids(poll)
    for member in electorate(poll):  # the principal cannot rate themself: 校长王 gets 2
        rated = {str(ids["副校长李"]): Grade.BASIC}
        if member != principal:
            rated[str(ids["校长王"])] = Grade.INCOMPETENT
        services.ballot_cast(poll=poll, member=member, choices={"grades": rated})
    poll = release(poll)
    people = {p.name: p for p in services.poll_tally(poll).people or []}

    assert not people["校长王"].shown
    assert (
        people["校长王"].grades == {}
        and people["校长王"].total is None
        and people["校长王"].good_rate is None
    )
    assert people["副校长李"].shown and people["副校长李"].grades[Grade.BASIC] == 3


def test_scores_must_be_within_each_dimensions_range(tree):
    poll = make_poll(tree.school1, kind=PollKind.EVALUATION, options=["甲"], voters=1,
                     scale=ScaleKind.DIMENSIONS, min_respondents=1, state=PollState.OPEN)  # fmt: skip
    dims = list(poll.dimensions.values_list("pk", "max_score"))
    person = str(poll.options.get().pk)
    voter = electorate(poll)[0]

    assert [d[1] for d in dims] == [20] * 5
    with pytest.raises(DomainError, match="0到满分之间"):
        services.ballot_cast(
            poll=poll, member=voter, choices={"scores": {person: {str(d): 21 for d, _ in dims}}}
        )
    with pytest.raises(DomainError, match="每个评议项目"):
        services.ballot_cast(poll=poll, member=voter, choices={"scores": {person: {str(dims[0][0]): 10}}})
    services.ballot_cast(poll=poll, member=voter, choices={"scores": {person: {str(d): 18 for d, _ in dims}}})


def test_rater_groups_are_weighted_and_extremes_dropped(tree):
    poll = make_poll(tree.school1, kind=PollKind.EVALUATION, options=["甲"], voters=0,
                     scale=ScaleKind.DIMENSIONS, min_respondents=1, drop_extremes=True)  # fmt: skip
    services.dimensions_set(actor=None, poll=poll, dimensions=[("德", 100)])
    delegates = services.rater_group_add(actor=None, poll=poll, name="教代会代表", weight=Decimal("3"))
    leaders = services.rater_group_add(actor=None, poll=poll, name="校领导", weight=Decimal("1"))
    in_delegates = [voter_member(tree.school1) for _ in range(4)]
    in_leaders = [voter_member(tree.school1) for _ in range(2)]
    services.electorate_add(actor=None, poll=poll, members=in_delegates, group=delegates)
    services.electorate_add(actor=None, poll=poll, members=in_leaders, group=leaders)
    poll = drive(poll, PollState.OPEN)
    person, dim = str(poll.options.get().pk), str(poll.dimensions.get().pk)
    for member, score in zip(in_delegates + in_leaders, [100, 80, 80, 0, 60, 60], strict=True):
        services.ballot_cast(poll=poll, member=member, choices={"scores": {person: {dim: score}}})
    poll = release(poll)

    (result,) = services.poll_tally(poll).people or []

    # 教代会代表: 100, 80, 80, 0 -> drop 100 and 0 -> 80; 校领导: 60, 60 (too few to drop) -> 60.
    # Weighted: (3 × 80 + 1 × 60) / 4 = 75.
    assert result.dimension_scores == {int(dim): Decimal("75.00")}
    assert result.total == Decimal("75.00")


def test_trimming_needs_at_least_three_scores():
    assert counting.trimmed([Decimal(1), Decimal(9)], True) == [Decimal(1), Decimal(9)]
    assert counting.trimmed([Decimal(5), Decimal(1), Decimal(9)], True) == [Decimal(5)]
    assert counting.trimmed([Decimal(5), Decimal(1), Decimal(9)], False) == [
        Decimal(5),
        Decimal(1),
        Decimal(9),
    ]
