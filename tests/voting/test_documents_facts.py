"""Result documents (DOCX) and the voting facts."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone
from docx import Document

from gonghui.core.facts import Period
from gonghui.voting import documents, facts, services
from gonghui.voting.enums import Grade, PollKind, PollState, ScaleKind

from .factories import electorate, make_poll, option_ids

pytestmark = pytest.mark.django_db


def _release(poll):
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)


def _text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_the_election_result_sheet_lists_votes_and_the_elected(tree):
    poll = make_poll(tree.school1, voters=3, state=PollState.OPEN)
    for member in electorate(poll):
        services.ballot_cast(poll=poll, member=member, choices={"selected": [option_ids(poll)["李四"]]})
    poll = _release(poll)

    content, name = documents.result_docx(services.poll_tally(poll), services.turnout(poll))
    text = _text(content)

    assert name == "第一中学工会委员会选举结果报告单.docx"
    assert "收回选票3张，其中有效票3张" in text and "当选：李四" in text


def test_the_evaluation_summary_hides_people_below_the_minimum(tree):
    poll = make_poll(tree.school1, kind=PollKind.EVALUATION, title="民主测评", options=["甲", "乙"], voters=2,
                     scale=ScaleKind.GRADES, min_respondents=2, state=PollState.OPEN)  # fmt: skip
    ids = option_ids(poll)
    members = electorate(poll)
    services.ballot_cast(poll=poll, member=members[0], choices={"grades": {str(ids["甲"]): Grade.EXCELLENT,
                                                                            str(ids["乙"]): Grade.BASIC}})  # fmt: skip
    services.ballot_cast(poll=poll, member=members[1], choices={"grades": {str(ids["甲"]): Grade.COMPETENT}})
    poll = _release(poll)

    text = _text(documents.result_docx(services.poll_tally(poll), services.turnout(poll))[0])

    assert "民主测评汇总表" in text and "人数不足" in text and "100.0%" in text


def test_facts_count_polls_turnout_elected_grades_and_awards(tree):
    election = make_poll(tree.school1, voters=3, state=PollState.OPEN)
    for voter in electorate(election)[:3]:  # all three took part (more than two thirds)
        services.ballot_cast(
            poll=election, member=voter, choices={"selected": [option_ids(election)["张三"]]}
        )
    _release(election)
    award = make_poll(tree.school1, kind=PollKind.AWARD, options=["甲", "乙"], voters=2, award_level="city",
                      state=PollState.OPEN)  # fmt: skip
    services.ballot_cast(
        poll=award, member=electorate(award)[0], choices={"selected": [option_ids(award)["甲"]]}
    )
    _release(award)
    make_poll(tree.school1, kind=PollKind.SIMPLE, options=["甲", "乙"], voters=1, state=PollState.OPEN)

    got = {
        f.key: f.value for f in facts.year_facts(tree.county, Period.calendar_year(timezone.localdate().year))
    }

    assert got["voting.polls"] == 2  # the open poll is not counted
    assert got["voting.turnout"] == 80.0  # 3 of 3 and 1 of 2
    assert got["voting.elected"] == 1
    assert got["voting.awarded.city"] == 1 and got["voting.awarded"] == 1


@pytest.mark.parametrize(
    ("title", "kind", "expected"),
    [
        ("第八届委员会换届选举", PollKind.ELECTION, "第八届委员会换届选举结果报告单"),
        ("工会委员会", PollKind.ELECTION, "工会委员会选举结果报告单"),
        ("师德标兵评选", PollKind.AWARD, "师德标兵评选结果报告单"),
        ("“最满意教师”投票", PollKind.SIMPLE, "“最满意教师”投票结果"),
        ("中层干部民主测评", PollKind.EVALUATION, "中层干部民主测评汇总表"),
    ],
)
def test_the_sheet_title_does_not_say_a_word_twice(title, kind, expected):
    assert documents.sheet_title(title, documents.KIND_TITLES[kind]) == expected
