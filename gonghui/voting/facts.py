"""Voting figures (DESIGN.md §6): polls held, turnout, elected, evaluations and grades, awards.

Only closed-and-released polls count, in the period they were held (`held_on`, set when the
poll is closed: a paper vote entered later keeps its own day); evaluation grades only where the poll's minimum number of
respondents was met (the same rule as its result page). 公示 figures come from the notices app.
"""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Q, QuerySet

from gonghui.core import drilldown
from gonghui.core.facts import Buckets, Fact, Period, percent
from gonghui.core.models import Org

from . import services
from .enums import AwardLevel, Grade, PollKind, PollState
from .models import Participation, Poll, Voter


def _polls(org: Org, period: Period, subtree: bool) -> QuerySet[Poll]:
    polls = Poll.objects.filter(state=PollState.RELEASED, held_on__gte=period.start,
                                held_on__lte=period.end)  # fmt: skip
    return polls.filter(org__path__under=org.path) if subtree else polls.filter(org=org)


def year_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    polls = _polls(org, period, subtree)
    by_kind = dict(polls.values("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    held = sum(by_kind.values())
    electorate = Voter.objects.filter(poll__in=polls).count()
    voted = Participation.objects.filter(poll__in=polls).count()
    elected = evaluated = 0
    grades: Counter[str] = Counter()
    awards: Counter[str] = Counter()
    for results in services.polls_tally(polls.filter(~Q(kind=PollKind.SIMPLE))).values():
        poll = results.poll
        if results.counted is not None:
            won = len(results.counted.elected)
            if poll.kind == PollKind.ELECTION:
                elected += won
            else:
                awards[poll.award_level or AwardLevel.SCHOOL] += won
        for person in results.people or []:
            if person.shown:
                evaluated += 1
                grades.update({g: n for g, n in person.grades.items() if n})

    def polls_url(**kind: str) -> str:
        return drilldown.url("voting:home", org, period, subtree=subtree, state=PollState.RELEASED, **kind)

    def of_kind(key: str, label: str, kind: PollKind) -> Fact:
        n = by_kind.get(kind, 0)
        return Fact(key, label, n, "次", period, polls_url(kind=kind), n)

    facts = [
        Fact(
            "voting.polls", "组织选举、测评、评优和投票", held, "次", period, polls_url(), held, headline=True
        ),
        of_kind("voting.elections", "选举", PollKind.ELECTION),
        of_kind("voting.evaluations", "民主测评", PollKind.EVALUATION),
        of_kind("voting.awards", "评优", PollKind.AWARD),
        of_kind("voting.simple", "投票", PollKind.SIMPLE),
        Fact(
            "voting.turnout",
            "参投率",
            percent(voted, electorate),
            "%",
            period,
            extra={"voted": voted, "electorate": electorate},
        ),
        Fact("voting.elected", "选举产生", elected, "人", period),
        Fact("voting.evaluated", "民主测评人数(达到最少评议人数)", evaluated, "人", period),
    ]
    for grade in Grade:
        facts.append(
            Fact(
                f"voting.grade.{grade.value}",
                f"测评为“{grade.label}”",
                grades.get(grade.value, 0),
                "人次",
                period,
            )
        )
    facts.append(Fact("voting.awarded", "评优表彰", sum(awards.values()), "人", period, headline=True))
    for level in AwardLevel:
        facts.append(
            Fact(
                f"voting.awarded.{level.value}",
                f"{level.label}表彰",
                awards.get(level.value, 0),
                "人",
                period,
            )
        )
    return facts


def grouped_facts(buckets: Buckets, period: Period) -> None:
    """`voting.polls` of many unions at once (`core.facts.facts_by_union`), one grouped query."""
    if buckets.wants("voting.polls"):
        polls = Poll.objects.filter(
            org__path__under=buckets.under,
            state=PollState.RELEASED,
            held_on__gte=period.start,
            held_on__lte=period.end,
        )
        buckets.grouped(polls, "org__path", **{"voting.polls": Count("pk")})
    buckets.fact("voting.polls", "组织选举、测评、评优和投票", "次")
