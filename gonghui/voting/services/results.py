"""What may be seen: live turnout, and the results and receipt list once released."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery, prefetch_related_objects

from gonghui.core.facts import percent

from .. import counting, rules
from ..enums import (
    Channel,
    PollKind,
    PollState,
    ScaleKind,
)
from ..models import (
    Ballot,
    Dimension,
    Participation,
    Poll,
    Voter,
)
from ._common import (
    _require_released,
)
from .polls import ballot_options

# --- what may be seen -------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnout:
    electorate: int
    voted: int
    online: int
    paper: int

    @property
    def percent(self) -> float | None:
        return percent(self.voted, self.electorate)


def turnout(poll: Poll) -> Turnout:
    """Live turnout (not secret): participations over the electorate, by channel."""
    by_channel = dict(
        Participation.objects.filter(poll=poll)
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    voted = sum(by_channel.values())
    return Turnout(
        electorate=Voter.objects.filter(poll=poll).count(),
        voted=voted,
        online=by_channel.get(Channel.ONLINE, 0),
        paper=by_channel.get(Channel.PAPER_CODE, 0) + by_channel.get(Channel.PAPER_COUNT, 0),
    )


def option_infos(poll: Poll) -> list[counting.OptionInfo]:
    return [counting.OptionInfo(o.pk, o.name, o.member_id) for o in ballot_options(poll)]


@dataclass
class Results:
    poll: Poll
    counted: counting.CountResult | None = None
    people: list[counting.PersonResult] | None = None
    dimensions: list[Dimension] | None = None
    ballots: int = 0


def poll_tally(poll: Poll) -> Results:
    """The results; refused (DomainError) for everyone until the poll is closed and released."""
    poll = Poll.objects.get(pk=poll.pk)
    _require_released(poll)
    return results_of(poll, list(Ballot.objects.filter(poll=poll).values_list("rater_group_id", "choices")),
                    turnout(poll))  # fmt: skip


def polls_tally(polls: QuerySet[Poll]) -> dict[int, Results]:
    """The results of many released polls (others are left out) in a fixed number of queries:
    a county's year is ~1,000 polls, which one `poll_tally` each would cost ~5,000 queries.
    The counting is the same function as `poll_tally`'s, over the same rows."""
    voters = Voter.objects.filter(poll=OuterRef("pk")).order_by().values("poll").annotate(n=Count("pk"))
    voted = (
        Participation.objects.filter(poll=OuterRef("pk")).order_by().values("poll").annotate(n=Count("pk"))
    )
    chosen = list(
        polls.filter(state=PollState.RELEASED)
        .annotate(electorate_n=Subquery(voters.values("n")), voted_n=Subquery(voted.values("n")))
        .order_by("pk")
        .prefetch_related("options", "dimensions", "rater_groups", "paper_batches__tallies")
    )
    ballots: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    rows = Ballot.objects.filter(poll__in=polls.filter(state=PollState.RELEASED).values("pk")).order_by()
    for poll_id, group_id, choices in rows.values_list("poll_id", "rater_group_id", "choices").iterator(2000):
        ballots[poll_id].append((group_id, choices))
    return {
        poll.pk: results_of(poll, ballots[poll.pk], Turnout(poll.electorate_n or 0, poll.voted_n or 0, 0, 0))
        for poll in chosen
    }


def results_of(poll: Poll, ballots: list[tuple[Any, Any]], present: Turnout) -> Results:
    """Count `ballots` ((rater group id, choices) rows) of a closed poll, with its turnout (the
    electorate and who took part decide whether an election is valid, voting.rules)."""
    options = option_infos(poll)
    if poll.kind == PollKind.EVALUATION:
        dimensions = list(poll.dimensions.all()) if poll.scale == ScaleKind.DIMENSIONS else []
        weights: dict[Any, Decimal] = {g.pk: g.weight for g in poll.rater_groups.all()}
        people = counting.evaluate(
            ballots, options, dimensions=[d.pk for d in dimensions], weights=weights,
            min_respondents=poll.min_respondents, drop_extremes=poll.drop_extremes,
        )  # fmt: skip
        return Results(poll, people=people, dimensions=dimensions, ballots=len(ballots))
    counted = counting.count_choices(
        (choices for _, choices in ballots), options, seats=poll.choose_max,
        decides=poll.kind != PollKind.SIMPLE, paper=paper_totals(poll),
        rules=rules.rules_for(poll), electorate=present.electorate, participants=present.voted,
    )  # fmt: skip
    return Results(poll, counted=counted, ballots=counted.total)


def paper_totals(poll: Poll) -> list[tuple[int, int, dict[str, int]]]:
    """(valid, invalid, counts by option key) per paper batch; reads prefetched batches if any."""
    prefetch_related_objects([poll], "paper_batches__tallies")  # no query when already fetched
    batches = []
    for batch in poll.paper_batches.all():
        counts = {
            (f"o{t.option_id}" if t.option_id else f"w{t.write_in}"): t.votes for t in batch.tallies.all()
        }
        batches.append((batch.valid, batch.invalid, counts))
    return batches


def published_ballots(poll: Poll) -> list[tuple[str, dict[str, Any]]]:
    """The receipt list: every electronic ballot as (receipt, choices), by receipt. Refused until
    released. Any voter finds their receipt here; the tally can be recounted from it."""
    poll = Poll.objects.get(pk=poll.pk)
    _require_released(poll)
    return list(Ballot.objects.filter(poll=poll).order_by("receipt").values_list("receipt", "choices"))
