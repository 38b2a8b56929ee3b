"""Counting: elections (majority, seats, ties), simple polls, paper totals, and the published
receipt list recounted independently (hypothesis)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gonghui.voting import counting, services
from gonghui.voting.enums import PollKind, PollState

from .factories import electorate, make_poll, option_ids

OPTIONS = [counting.OptionInfo(1, "甲"), counting.OptionInfo(2, "乙"), counting.OptionInfo(3, "丙")]


def ballots(*selections: list[int]) -> list[dict]:
    return [{"selected": s} for s in selections]


def test_a_candidate_needs_more_than_half_of_the_valid_ballots():
    result = counting.count_choices(ballots([1], [1], [2], [3]), OPTIONS, seats=1)

    assert result.threshold == 3
    assert result.elected == []  # 甲 has 2 of 4: exactly half is not more than half


def test_the_candidates_with_most_votes_above_the_threshold_fill_the_seats():
    result = counting.count_choices(ballots([1, 2], [1, 2], [1, 3], [2, 3], [1]), OPTIONS, seats=2)

    assert [(r.name, r.votes, r.elected) for r in result.rows] == [
        ("甲", 4, True),
        ("乙", 3, True),
        ("丙", 2, False),
    ]


def test_a_tie_for_the_last_seat_is_reported_not_decided():
    result = counting.count_choices(ballots([1, 2], [1, 3], [1, 2], [1, 3], [2, 3]), OPTIONS, seats=2)

    assert [r.name for r in result.elected] == ["甲"]
    assert sorted(r.name for r in result.ties) == ["丙", "乙"]


def test_the_majority_rule_is_configurable():
    result = counting.count_choices(ballots([1], [1], [2]), OPTIONS, seats=1, majority_percent=66)

    assert result.threshold == 2 and [r.name for r in result.elected] == ["甲"]
    strict = counting.count_choices(ballots([1], [1], [2]), OPTIONS, seats=1, majority_percent=67)
    assert strict.threshold == 3 and strict.elected == []


def test_paper_totals_and_write_ins_are_counted():
    result = counting.count_choices(
        [{"selected": [1], "write_ins": ["赵六"]}], OPTIONS, seats=1,
        paper=[(3, 1, {"o1": 2, "w赵 六": 1})],
    )  # fmt: skip

    assert (result.valid, result.invalid, result.electronic, result.paper) == (4, 1, 1, 4)
    assert {r.name: r.votes for r in result.rows} == {"甲": 3, "乙": 0, "丙": 0, "赵六": 2}
    assert [r.name for r in result.elected] == ["甲"]


def test_a_simple_poll_counts_but_elects_nobody():
    result = counting.count_choices(ballots([1], [1], [1]), OPTIONS, seats=1, decides=False)

    assert result.elected == [] and result.rows[0].percent == 100.0


# --- the published list recounts to the published tally --------------------------------------


def independent_recount(published: list[tuple[str, dict]], paper: list[tuple[int, int, dict]]) -> Counter:
    """A voter's own recount: one vote per ticked name on each published ballot, plus paper."""
    votes: Counter = Counter()
    for _receipt, choice in published:
        votes.update(f"o{pk}" for pk in choice.get("selected", []))
        votes.update(f"w{''.join(name.split())}" for name in choice.get("write_ins", []))
    for _valid, _invalid, counts in paper:
        votes.update(counts)
    return votes


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    picks=st.lists(st.lists(st.integers(0, 3), max_size=2, unique=True), min_size=1, max_size=6),
    paper=st.lists(st.integers(0, 2), min_size=4, max_size=4),
)
def test_the_published_tally_equals_an_independent_recount_of_the_receipt_list(tree, picks, paper):
    poll = make_poll(tree.school1, title="工会委员补选", options=["甲", "乙", "丙", "丁"], choose_max=2,
                     voters=len(picks) + 2, state=PollState.OPEN)  # fmt: skip
    ids = list(option_ids(poll).values())
    members = electorate(poll)
    receipts = {
        services.ballot_cast(poll=poll, member=m, choices={"selected": [ids[i] for i in pick]})
        for m, pick in zip(members, picks, strict=False)
    }
    services.paper_census_record(actor=None, poll=poll, members=members[-2:])
    counts = {ids[i]: min(n, 2) for i, n in enumerate(paper)}
    if sum(counts.values()) <= 4:
        services.paper_batch_enter(actor=None, poll=poll, valid=2, invalid=0, counts=counts)
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    poll = services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)

    published = services.published_ballots(poll)
    tally = services.poll_tally(poll).counted
    recount = independent_recount(published, services.paper_totals(poll))

    assert {receipt for receipt, _ in published} == receipts
    assert tally is not None
    assert {row.key: row.votes for row in tally.rows if row.votes} == {k: n for k, n in recount.items() if n}
    assert tally.electronic == len(published)


@pytest.mark.django_db
def test_a_simple_poll_releases_counts_per_option(tree):
    poll = make_poll(tree.school1, kind=PollKind.SIMPLE, title="最满意教师", options=["甲", "乙"], voters=3,
                     state=PollState.OPEN)  # fmt: skip
    ids = option_ids(poll)
    for member in electorate(poll):
        services.ballot_cast(poll=poll, member=member, choices={"selected": [ids["乙"]]})
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    poll = services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)

    counted = services.poll_tally(poll).counted

    assert counted is not None
    assert [(r.name, r.votes) for r in counted.rows] == [("乙", 3), ("甲", 0)]
