"""Activity figures (docs/architecture.md, "Figures"): activities held, participants, teams.

An activity counts for its organiser in the period it started, once it has been held (DONE); its
participants are the people entered when it was held: individual entrants and every member of an
entered team (substitutes too). Attendance replaces "entered" once check-in exists (issue 15 §3).
No list page exists yet, so the facts carry no drill-down link (`record_count` None).
"""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.db.models.expressions import CombinedExpression

from gonghui.core.facts import Buckets, Fact, Period
from gonghui.core.models import Org

from .enums import ActivityState, EntryState
from .models import Activity

ENTERED = EntryState.ENTERED


def _held(**where: object) -> QuerySet[Activity]:
    return Activity.objects.filter(**where, state=ActivityState.DONE)


def _participants() -> CombinedExpression:
    """Person-times entered: individual entrants plus every member of an entered team."""
    solo = Count("entries", filter=Q(entries__state=ENTERED, entries__member__isnull=False), distinct=True)
    return solo + Count("entries__team__members", filter=Q(entries__state=ENTERED), distinct=True)


def year_facts(org: Org, period: Period, *, subtree: bool = True) -> list[Fact]:
    where = {"org__path__under": org.path} if subtree else {"org": org}
    held = _held(**where, starts_at__date__gte=period.start, starts_at__date__lte=period.end)
    # One query: distinct counts survive the joins to entries, teams and team members.
    n = held.aggregate(
        held=Count("pk", distinct=True),
        participants=_participants(),
        teams=Count("entries", filter=Q(entries__state=ENTERED, entries__team__isnull=False), distinct=True),
    )
    return [
        Fact("activities.held", "举办文体活动", n["held"], "次", period),
        Fact("activities.participants", "参加文体活动", n["participants"], "人次", period),
        Fact("activities.teams", "组队参加文体活动", n["teams"], "支", period),
    ]


def grouped_facts(buckets: Buckets, period: Period) -> None:
    """The same figures of many unions at once (`core.facts.facts_by_union`): one grouped query."""
    wanted = {key: value for key, value in (
        ("activities.held", Count("pk", distinct=True)),
        ("activities.participants", _participants()),
        ("activities.teams",
         Count("entries", filter=Q(entries__state=ENTERED, entries__team__isnull=False), distinct=True)),
    ) if buckets.wants(key)}  # fmt: skip
    if wanted:
        held = _held(org__path__under=buckets.under, starts_at__date__gte=period.start,
                     starts_at__date__lte=period.end)  # fmt: skip
        buckets.grouped(held, "org__path", **wanted)
    buckets.fact("activities.held", "举办文体活动", "次")
    buckets.fact("activities.participants", "参加文体活动", "人次")
    buckets.fact("activities.teams", "组队参加文体活动", "支")
