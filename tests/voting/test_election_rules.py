"""Election validity (《工会基层组织选举工作条例》, REFERENCE.md §6): more than two thirds of the
electorate take part, a candidate needs more than half of the ELECTORATE's votes, more ballots
than voters void the round; a union may only be stricter; awards keep their own rule."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document

from gonghui.core.errors import DomainError
from gonghui.voting import counting, documents, rules, services
from gonghui.voting.enums import PollKind, PollState
from gonghui.voting.forms import PollForm
from gonghui.voting.models import Poll

from .factories import drive, electorate, make_poll, option_ids
from .pdf_reader import pdf_text

OPTIONS = [counting.OptionInfo(1, "甲"), counting.OptionInfo(2, "乙"), counting.OptionInfo(3, "丙")]
ELECTION = rules.rules_for(Poll(kind=PollKind.ELECTION))


def election(votes_for_first: int, others: int, *, electorate: int, participants: int | None = None,
             seats: int = 1, **kwargs):  # fmt: skip
    """`votes_for_first` ballots for 甲 and `others` blank ballots, counted as an election."""
    ballots = [{"selected": [1]}] * votes_for_first + [{"selected": []}] * others
    took_part = participants if participants is not None else len(ballots)
    return counting.count_choices(ballots, OPTIONS, seats=seats, rules=kwargs.pop("rules", ELECTION),
                                  electorate=electorate, participants=took_part, **kwargs)  # fmt: skip


# --- turnout: more than two thirds of the electorate -----------------------------------------


def test_exactly_two_thirds_of_the_electorate_taking_part_is_not_enough():
    result = election(6, 0, electorate=9)  # 6 of 9 is exactly two thirds

    assert result.outcome == counting.NO_QUORUM
    assert result.elected == [] and not any(row.tie for row in result.rows)


def test_one_more_than_two_thirds_makes_the_election_valid():
    result = election(7, 0, electorate=9)

    assert result.outcome == counting.VALID
    assert [row.name for row in result.elected] == ["甲"]


def test_two_of_fifty_seven_voting_elect_nobody():
    result = election(2, 0, electorate=57)

    assert result.outcome == counting.NO_QUORUM and result.elected == []
    assert "无人当选" in rules.outcome_text(result) and "57" in rules.outcome_text(result)


# --- majority: more than half of the electorate, not of the valid ballots --------------------


def test_exactly_half_of_the_electorate_does_not_elect():
    result = election(5, 4, electorate=10)  # 5 of 9 valid ballots, but only half of the 10 entitled

    assert result.outcome == counting.VALID
    assert result.threshold == 6 and result.elected == []


def test_half_of_the_electorate_plus_one_elects():
    result = election(6, 3, electorate=10)

    assert [row.name for row in result.elected] == ["甲"]


def test_an_award_keeps_the_majority_of_the_valid_ballots():
    award = rules.rules_for(Poll(kind=PollKind.AWARD, majority_percent=50))

    result = election(5, 4, electorate=10, rules=award)

    assert result.threshold == 5 and [row.name for row in result.elected] == ["甲"]


# --- ballots returned against voters ---------------------------------------------------------


def test_as_many_ballots_as_voters_is_valid():
    result = election(8, 0, electorate=10, participants=8)

    assert result.outcome == counting.VALID


def test_one_ballot_more_than_voters_voids_the_election():
    result = election(8, 1, electorate=10, participants=8)

    assert result.outcome == counting.VOID and result.elected == []
    assert "多于投票人数" in rules.outcome_text(result)


# --- ties at the last seat -------------------------------------------------------------------


def test_a_tie_for_the_last_seat_elects_nobody_to_it_and_asks_for_another_round():
    ballots = [{"selected": [1, 2]}] * 4 + [{"selected": [1, 3]}] * 4 + [{"selected": [2, 3]}] * 2

    result = counting.count_choices(ballots, OPTIONS, seats=2, rules=ELECTION, electorate=10, participants=10)

    assert [row.name for row in result.elected] == ["甲"]
    assert sorted(row.name for row in result.ties) == ["丙", "乙"]


# --- a union may be stricter, never looser ---------------------------------------------------


@pytest.mark.django_db
def test_a_union_may_set_a_stricter_rule_for_an_election(tree):
    poll = make_poll(tree.school1, voters=0, quorum_percent=80, majority_percent=60)

    strict = rules.rules_for(poll)
    result = election(8, 1, electorate=10, rules=strict)  # 9 of 10 took part, 8 votes

    assert (strict.quorum_percent, strict.majority_percent) == (80, 60)
    assert election(7, 1, electorate=10, rules=strict).outcome == counting.NO_QUORUM  # 8 of 10 is not > 80%
    assert result.threshold == 7 and [row.name for row in result.elected] == ["甲"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("loose", "message"),
    [
        ({"majority_percent": 40}, "半数"),
        ({"quorum_percent": 60}, "三分之二"),
        ({"quorum_percent": 66}, "三分之二"),
    ],
)
def test_an_election_rule_looser_than_the_law_is_refused_in_chinese(tree, loose, message):
    with pytest.raises(DomainError, match=message):
        services.poll_create(actor=None, org=tree.school1, kind=PollKind.ELECTION, title="换届选举", **loose)
    poll = services.poll_create(actor=None, org=tree.school1, kind=PollKind.ELECTION, title="换届选举")
    with pytest.raises(DomainError, match=message):
        services.poll_update(actor=None, poll=poll, **loose)


def test_the_poll_form_names_the_looser_field():
    form = PollForm({"title": "换届选举", "choose_max": 1, "diff_ratio": 20, "majority_percent": 40,
                     "quorum_percent": 50}, kind=PollKind.ELECTION)  # fmt: skip

    assert not form.is_valid()
    assert "半数" in str(form.errors["majority_percent"]) and "三分之二" in str(form.errors["quorum_percent"])


@pytest.mark.django_db
def test_awards_and_simple_polls_keep_their_own_rules(tree):
    award = make_poll(tree.school1, kind=PollKind.AWARD, voters=0, majority_percent=30)

    assert rules.rules_for(award) == counting.Rules(majority_percent=30)


@pytest.mark.django_db
def test_an_election_stored_with_a_loose_rule_is_still_counted_by_the_law(tree):
    poll = make_poll(tree.school1, voters=0)
    Poll.objects.filter(pk=poll.pk).update(majority_percent=30, quorum_percent=50)  # from before the check
    poll.refresh_from_db()

    assert rules.rules_for(poll) == ELECTION


# --- the page and the result sheet of a failed turnout ---------------------------------------


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.mark.django_db
def test_a_poll_where_two_of_fifty_seven_voted_declares_no_winner_anywhere(tree, chair, client_for):
    poll = make_poll(tree.school1, voters=57, state=PollState.OPEN)
    for voter in electorate(poll)[:2]:
        services.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["张三"]]})
    poll = drive(poll, PollState.RELEASED)
    tally, turnout = services.poll_tally(poll), services.turnout(poll)

    page = client_for(chair).get(reverse("voting:results", args=[poll.pk])).content.decode()
    docx = _docx_text(documents.result_docx(tally, turnout)[0])
    pdf = pdf_text(documents.result_pdf(tally, turnout)[0])

    assert tally.counted.elected == []
    assert "本次投票无效" in page and "bg-success" not in page
    for text in (docx, pdf.replace("\n", "")):
        assert "实际参加投票2人，未达到规定的参加人数" in text and "无人当选" in text
        assert "当选：张三" not in text and "得票多者当选" not in text
