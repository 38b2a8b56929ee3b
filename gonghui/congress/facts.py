"""Congress figures: congresses held, proposals and their rates, suggestions (DESIGN.md §6).

Rates follow how unions report them: 立案率 = registered / submitted; 答复率, 按期答复率 and
落实率 are over registered proposals; 满意率 is over proposals the proposer has rated, counting
满意 and 基本满意 ("满意率(含基本满意)"). Merged proposals (并案) count as submitted, not registered.

A county's year is tens of thousands of proposals: they are reached through the period's sessions
(a proposal's org is its session's), and suggestions through a range of `submitted_at` (not its
date in the local time zone, which SQLite computes in Python for every row).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from gonghui.core import drilldown
from gonghui.core.facts import Buckets, Fact, Period, percent
from gonghui.core.models import Org

from . import session_queries
from .enums import (
    ADOPTED_STATES,
    REGISTERED_STATES,
    Implementation,
    ItemResult,
    ProposalCategory,
    ProposalState,
    Rating,
    SessionStatus,
)
from .models import Answer, CongressSession, Proposal, Suggestion
from .proposal_queries import overdue_q


def _in(queryset: QuerySet, org: Org, subtree: bool, field: str = "org") -> QuerySet:
    return queryset.filter(**{f"{field}__path__under" if subtree else field: org.path if subtree else org})


def proposal_counts(proposals: QuerySet[Proposal]) -> dict[str, int]:
    late = Answer.objects.filter(proposal=OuterRef("pk"), on_time=False)
    return proposals.aggregate(
        submitted=Count("pk", filter=~Q(state=ProposalState.DRAFT)),
        registered=Count("pk", filter=Q(state__in=REGISTERED_STATES)),
        answered=Count("pk", filter=Q(state__in=REGISTERED_STATES, first_answered_at__isnull=False)),
        on_time=Count("pk", filter=Q(state__in=REGISTERED_STATES, first_answered_at__isnull=False)
                      & ~Q(Exists(late))),
        rated=Count("pk", filter=Q(state__in=REGISTERED_STATES) & ~Q(rating="")),
        satisfied=Count("pk", filter=Q(state__in=REGISTERED_STATES, rating__in=[Rating.SATISFIED, Rating.BASICALLY])),
        implemented=Count("pk", filter=Q(state__in=REGISTERED_STATES, implementation=Implementation.DONE)),
        closed=Count("pk", filter=Q(state=ProposalState.CLOSED)),
    )  # fmt: skip


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the current time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def year_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    in_period = _in(CongressSession.objects.all(), org, subtree).filter(
        date__gte=period.start, date__lte=period.end
    )
    sessions = in_period.exclude(status=SessionStatus.PREPARING)
    held = sessions.count()
    unions_held = sessions.values("org").distinct().count()
    proposals = Proposal.objects.filter(session__in=in_period.values("pk"))
    c = proposal_counts(proposals)
    # By the day each was put forward (set by the user), not when it was entered.
    suggestions = _in(Suggestion.objects.all(), org, subtree).filter(
        submitted_on__gte=period.start, submitted_on__lte=period.end
    )
    s = suggestions.aggregate(total=Count("pk"), adopted=Count("pk", filter=Q(state__in=ADOPTED_STATES)))
    sessions_url = drilldown.url("congress:sessions", org, period, subtree=subtree, held=1)
    proposals_url = drilldown.url("congress:proposals", org, period, subtree=subtree, submitted=1)
    registered_url = drilldown.url("congress:proposals", org, period, subtree=subtree, registered=1)
    suggestions_url = drilldown.url("congress:suggestions", org, period, subtree=subtree)
    adopted_url = drilldown.url("congress:suggestions", org, period, subtree=subtree, adopted=1)
    return [
        Fact("congress.sessions", "召开教(职)代会", held, "次", period, sessions_url, held, headline=True),
        Fact(
            "congress.unions_held",
            "召开教(职)代会的单位",
            unions_held,
            "个",
            period,
            sessions_url,
            # The link lists the sessions held (a union may hold several), so that is its count.
            held,
        ),
        Fact(
            "congress.proposals",
            "提案数",
            c["submitted"],
            "件",
            period,
            proposals_url,
            c["submitted"],
            headline=True,
        ),
        Fact("congress.registered", "立案数", c["registered"], "件", period, registered_url, c["registered"]),
        Fact("congress.registration_rate", "立案率", percent(c["registered"], c["submitted"]), "%", period),
        Fact(
            "congress.answer_rate",
            "答复率",
            percent(c["answered"], c["registered"]),
            "%",
            period,
            headline=True,
        ),
        Fact("congress.on_time_rate", "按期答复率", percent(c["on_time"], c["registered"]), "%", period),
        Fact("congress.satisfaction_rate", "满意率", percent(c["satisfied"], c["rated"]), "%", period),
        Fact(
            "congress.implementation_rate", "落实率", percent(c["implemented"], c["registered"]), "%", period
        ),
        Fact("congress.suggestions", "合理化建议", s["total"], "条", period, suggestions_url, s["total"]),
        Fact(
            "congress.suggestions_adopted",
            "采纳合理化建议",
            s["adopted"],
            "条",
            period,
            adopted_url,
            s["adopted"],
        ),
        Fact("congress.adoption_rate", "建议采纳率", percent(s["adopted"], s["total"]), "%", period),
    ]


def as_of(period: Period) -> dt.date:
    """The day a state figure (overdue) is read on: today, or the period's end if it is past."""
    return min(timezone.localdate(), period.end)


def overdue_fact(org: Org, *, today: dt.date) -> Fact:
    """督办: the proposals of the subtree assigned and past their answer deadline on `today`."""
    n = Proposal.objects.filter(org__path__under=org.path).filter(overdue_q(today)).count()
    url = drilldown.url("congress:proposals", org, overdue="on")
    return Fact("congress.proposals.overdue", "超期未答复的提案", n, "件", None, url, n)


def grouped_facts(buckets: Buckets, period: Period) -> None:
    """The congress counts of many unions at once (`core.facts.facts_by_union`), counted as in
    `year_facts` (proposals by their session's union) and `overdue_fact` (on `as_of(period)`)."""
    under = buckets.under
    in_period = CongressSession.objects.filter(
        org__path__under=under, date__gte=period.start, date__lte=period.end
    )
    if buckets.wants("congress.sessions"):
        held = in_period.exclude(status=SessionStatus.PREPARING)
        buckets.grouped(held, "org__path", **{"congress.sessions": Count("pk")})
    if buckets.wants("congress.proposals", "congress.registered"):
        buckets.grouped(
            Proposal.objects.filter(session__in=in_period.values("pk")), "session__org__path",
            **{
                "congress.proposals": Count("pk", filter=~Q(state=ProposalState.DRAFT)),
                "congress.registered": Count("pk", filter=Q(state__in=REGISTERED_STATES)),
            },
        )  # fmt: skip
    if buckets.wants("congress.suggestions", "congress.suggestions_adopted"):
        suggestions = Suggestion.objects.filter(
            org__path__under=under, submitted_on__gte=period.start, submitted_on__lte=period.end
        )
        buckets.grouped(
            suggestions, "org__path",
            **{
                "congress.suggestions": Count("pk"),
                "congress.suggestions_adopted": Count("pk", filter=Q(state__in=ADOPTED_STATES)),
            },
        )  # fmt: skip
    if buckets.wants("congress.proposals.overdue"):
        late = Proposal.objects.filter(org__path__under=under).filter(overdue_q(as_of(period)))
        buckets.grouped(late, "org__path", **{"congress.proposals.overdue": Count("pk")})
    buckets.fact("congress.sessions", "召开教(职)代会", "次")
    buckets.fact("congress.proposals", "提案数", "件")
    buckets.fact("congress.registered", "立案数", "件")
    buckets.fact("congress.suggestions", "合理化建议", "条")
    buckets.fact("congress.suggestions_adopted", "采纳合理化建议", "条")
    buckets.fact("congress.proposals.overdue", "超期未答复的提案", "件")


def proposal_series(org: Org, period: Period) -> dict[str, list[tuple[Any, int]]]:
    """The dashboard's proposal series, counted as `congress.proposals`: the period's sessions'
    proposals by the month of their session (a session held last year and entered today stays
    last year's) and by category (its Chinese name). Two queries."""
    proposals = Proposal.objects.filter(
        org__path__under=org.path, session__date__gte=period.start, session__date__lte=period.end
    ).exclude(state=ProposalState.DRAFT)
    by_month = (
        proposals.annotate(m=TruncMonth("session__date")).order_by().values("m").annotate(n=Count("pk"))
    )
    categories = dict(ProposalCategory.choices)
    by_category = proposals.order_by().values("category").annotate(n=Count("pk")).values_list("category", "n")
    return {
        "by_month": [(_day(row["m"]), row["n"]) for row in by_month],
        "by_category": [(str(categories.get(code, code)), n) for code, n in by_category],
    }


def _day(value: Any) -> Any:
    return value.date() if isinstance(value, dt.datetime) else value


def session_facts(session: CongressSession) -> list[Fact]:
    """A session's figures, counted by the functions its page reads (`session_queries`): the
    active delegates (应到), those checked in (实到), the quorum needed (reached or not in
    `extra`), and the votes cast so far in each open named vote (by choice in `extra`)."""
    q = session_queries.session_quorum(session)
    facts = [
        Fact("congress.session.delegates", "应到代表", q.total, "人"),
        Fact("congress.session.present", "实到代表", q.present, "人"),
        Fact("congress.session.quorum", "法定人数", q.needed, "人", extra={"reached": q.reached}),
    ]
    open_votes = [
        item.pk
        for item in session.items.filter(named_vote=True, result=ItemResult.PENDING).order_by("order", "id")
    ]
    found = session_queries.tallies(open_votes)
    for pk in open_votes:
        tally = found.get(pk, session_queries.Tally())
        votes = {"for": tally.votes_for, "against": tally.votes_against, "abstain": tally.votes_abstain}
        facts.append(
            Fact(f"congress.session.votes.{pk}", "已表决", tally.total, "人", extra={"item": pk, **votes})
        )
    return facts
