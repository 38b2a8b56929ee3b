"""Congress figures from a known set of records: congresses held, proposal rates, suggestions.

第一中学, this year, session 第六届第一次 (in session):

    P1  closed       满意      implemented (已落实)
    P2  closed       基本满意  implemented
    P3  implementing 满意      in progress
    P4  assigned     不满意    answered once on time, sent back, not answered again yet
    P5  answered     —         on time
    P6  answered     —         late
    P7  assigned     —         not answered
    P8  registered
    P9  not registered
    P10 merged into P8
    P11 draft                  (not submitted: not counted)

    submitted 10, registered 8, answered 6 (5 on time), rated 4 (3 satisfied), implemented 2
    suggestions 7, adopted 4 (adopted, implemented, rewarded, adopted; one rejected, two waiting)

Plus, not counted: a proposal and a suggestion of last year, a session still being prepared.
第二小学 adds one held session, 2 proposals (1 registered, answered, 满意, implemented) and
3 suggestions (1 adopted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from gonghui.congress import facts, services
from gonghui.congress.enums import ProposalState, Rating, SessionStatus, SuggestionState
from gonghui.congress.models import Assignment, Suggestion
from gonghui.core.facts import Period
from gonghui.core.models import Org

from .factories import (
    DelegateFactory,
    ProposalFactory,
    SessionFactory,
    SuggestionFactory,
    TermFactory,
    answer_all,
    department_user,
    today,
)


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> Period:
    return Period.calendar_year(today().year)


def figures(org: Org, *, subtree: bool = True, period: Period | None = None) -> dict[str, object]:
    period = this_year() if period is None else period
    return {fact.key: fact.value for fact in facts.year_facts(org, period, subtree=subtree)}


@dataclass
class Union:
    """What a test needs to add proposals to one union's session."""

    session: object
    proposer: object
    cosigners: list
    committee: object
    department: object

    def proposal(self, state, **kwargs):
        return ProposalFactory(
            session=kwargs.pop("session", self.session),
            proposer=self.proposer,
            cosigners=self.cosigners,
            committee=self.committee,
            departments=[self.department],
            state=state,
            **kwargs,
        )


def a_union(org: Org, committee) -> Union:
    term = TermFactory(org=org)
    session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
    delegates = [DelegateFactory(term=term) for _ in range(3)]
    return Union(session, delegates[0], delegates[1:], committee, department_user(org))


def review(union: Union, proposal, decision, **kwargs):
    return services.proposal_review(actor=union.committee, proposal=proposal, decision=decision, **kwargs)


@pytest.fixture
def school1(tree, chair) -> Union:
    union = a_union(tree.school1, chair)
    p = union.proposal

    p(ProposalState.CLOSED, rating=Rating.SATISFIED)
    p(ProposalState.CLOSED, rating=Rating.BASICALLY)
    p(ProposalState.IMPLEMENTING, rating=Rating.SATISFIED)
    sent_back = p(ProposalState.ANSWERED)
    services.proposal_rate(actor=union.proposer.user, proposal=sent_back, rating=Rating.UNSATISFIED)
    p(ProposalState.ANSWERED)
    late = p(ProposalState.ASSIGNED)
    Assignment.objects.filter(proposal=late).update(deadline=today() - dt.timedelta(days=2))
    answer_all(late)
    p(ProposalState.ASSIGNED)
    registered = p(ProposalState.REGISTERED)
    review(union, p(ProposalState.SUBMITTED), ProposalState.NOT_REGISTERED, note="不属于教代会职权范围")
    review(union, p(ProposalState.SUBMITTED), ProposalState.MERGED, merge_into=registered, note="合并办理")
    p(ProposalState.DRAFT)

    # A session held last year, with a registered proposal: outside the period.
    last_year = SessionFactory(
        term=union.session.term,
        date=dt.date(this_year().start.year - 1, 6, 1),
        status=SessionStatus.IN_SESSION,
    )
    p(ProposalState.REGISTERED, session=last_year)
    services.session_set_state(actor=chair, session=last_year, to=SessionStatus.CLOSED)
    # Another session this year already held and closed, and one still being prepared.
    SessionFactory(term=union.session.term, status=SessionStatus.CLOSED)
    SessionFactory(term=union.session.term)

    for state in (
        SuggestionState.ADOPTED,
        SuggestionState.IMPLEMENTED,
        SuggestionState.REWARDED,
        SuggestionState.ADOPTED,
        SuggestionState.REJECTED,
        SuggestionState.SUBMITTED,
    ):
        SuggestionFactory(org=tree.school1, state=state, reviewer=chair)
    SuggestionFactory(org=tree.school1, anonymous=True)
    old = SuggestionFactory(org=tree.school1, state=SuggestionState.ADOPTED, reviewer=chair)
    Suggestion.objects.filter(pk=old.pk).update(
        submitted_at=timezone.make_aware(dt.datetime(this_year().start.year - 1, 12, 31, 12)),
        submitted_on=dt.date(this_year().start.year - 1, 12, 31),
    )
    return union


@pytest.fixture
def school2(tree, other_union_chair) -> Union:
    union = a_union(tree.school2, other_union_chair)
    union.proposal(ProposalState.CLOSED, rating=Rating.SATISFIED)
    union.proposal(ProposalState.SUBMITTED)
    SuggestionFactory(org=tree.school2, state=SuggestionState.ADOPTED, reviewer=other_union_chair)
    SuggestionFactory(org=tree.school2, state=SuggestionState.REJECTED, reviewer=other_union_chair)
    SuggestionFactory(org=tree.school2)
    return union


def test_every_proposal_rate_of_a_union_is_exact(tree, school1):
    got = figures(tree.school1)

    assert (got["congress.proposals"], got["congress.registered"]) == (10, 8)
    assert got["congress.registration_rate"] == 80.0  # 立案率 8 / 10 submitted
    assert got["congress.answer_rate"] == 75.0  # 答复率 6 answered / 8 registered
    assert got["congress.on_time_rate"] == 62.5  # 按期答复率 5 on time / 8 registered
    assert got["congress.satisfaction_rate"] == 75.0  # 满意率 3 (满意 + 基本满意) / 4 rated
    assert got["congress.implementation_rate"] == 25.0  # 落实率 2 implemented / 8 registered


def test_suggestion_figures_of_a_union_are_exact(tree, school1):
    got = figures(tree.school1)

    assert got["congress.suggestions"] == 7
    assert got["congress.suggestions_adopted"] == 4
    assert got["congress.adoption_rate"] == 57.1  # 4 / 7


def test_sessions_being_prepared_or_of_another_year_do_not_count_as_held(tree, school1):
    got = figures(tree.school1)

    assert (got["congress.sessions"], got["congress.unions_held"]) == (2, 1)
    last_year = figures(tree.school1, period=Period.calendar_year(this_year().start.year - 1))
    assert (
        last_year["congress.sessions"],
        last_year["congress.proposals"],
        last_year["congress.suggestions"],
    ) == (
        1,
        1,
        1,
    )


def test_the_county_sees_the_sum_over_its_subtree(tree, school1, school2):
    got = figures(tree.county)

    assert got["congress.sessions"] == 3
    assert got["congress.unions_held"] == 2
    assert (got["congress.proposals"], got["congress.registered"]) == (12, 9)
    assert got["congress.registration_rate"] == 75.0  # 9 / 12
    assert got["congress.answer_rate"] == 77.8  # 7 / 9
    assert got["congress.on_time_rate"] == 66.7  # 6 / 9
    assert got["congress.satisfaction_rate"] == 80.0  # 4 / 5
    assert got["congress.implementation_rate"] == 33.3  # 3 / 9
    assert (got["congress.suggestions"], got["congress.suggestions_adopted"]) == (10, 5)
    assert got["congress.adoption_rate"] == 50.0


def test_without_the_subtree_only_the_union_itself_counts(tree, school1, school2):
    county_alone = figures(tree.county, subtree=False)
    assert county_alone == {
        "congress.sessions": 0,
        "congress.unions_held": 0,
        "congress.proposals": 0,
        "congress.registered": 0,
        "congress.registration_rate": None,
        "congress.answer_rate": None,
        "congress.on_time_rate": None,
        "congress.satisfaction_rate": None,
        "congress.implementation_rate": None,
        "congress.suggestions": 0,
        "congress.suggestions_adopted": 0,
        "congress.adoption_rate": None,
    }

    school2_alone = figures(tree.school2, subtree=False)
    assert (school2_alone["congress.sessions"], school2_alone["congress.proposals"]) == (1, 2)
    assert (school2_alone["congress.suggestions"], school2_alone["congress.suggestions_adopted"]) == (3, 1)
    assert figures(tree.school1, subtree=False) == figures(tree.school1)


def test_count_facts_carry_their_record_count_and_chinese_labels(tree, school1):
    by_key = {fact.key: fact for fact in facts.year_facts(tree.school1, this_year())}

    assert (by_key["congress.proposals"].label, by_key["congress.proposals"].unit) == ("提案数", "件")
    assert by_key["congress.proposals"].record_count == 10
    assert (by_key["congress.on_time_rate"].label, by_key["congress.on_time_rate"].unit) == (
        "按期答复率",
        "%",
    )
    assert by_key["congress.suggestions_adopted"].record_count == 4
    assert {fact.key for fact in by_key.values() if fact.headline} == {
        "congress.sessions",
        "congress.proposals",
        "congress.answer_rate",
    }
