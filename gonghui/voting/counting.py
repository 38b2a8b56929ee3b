"""Counting: pure functions from ballots' choices (and paper totals) to results.

Nothing here reads the database or checks whether results may be seen; `services.poll_tally`
does that and then calls these. Keeping the arithmetic pure lets the published receipt list be
recounted independently (tests recount it their own way and compare).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gonghui.core.facts import percent

from .enums import GRADE_POINTS, Grade


@dataclass(frozen=True)
class OptionInfo:
    pk: int
    name: str
    member_id: int | None = None


@dataclass
class Row:
    key: str  # "o<option id>" or "w<write-in name>"
    name: str
    votes: int
    percent: float | None = None
    elected: bool = False
    tie: bool = False  # tied at the last seat: reported, not decided
    write_in: bool = False


# Why a count elects nobody (《工会基层组织选举工作条例》, REFERENCE.md §6).
VALID = "valid"
NO_QUORUM = "no_quorum"  # too few of the electorate took part
VOID = "void"  # more ballots returned than people who voted


@dataclass(frozen=True)
class Rules:
    """When a count is valid and who is elected.

    Elections (the law's defaults, a union may only be stricter): more than two thirds of the
    electorate take part, and a candidate needs the votes of more than `majority_percent`% (at
    least half) of the ELECTORATE. Awards and simple polls keep their own rule: more than
    `majority_percent`% of the valid ballots, with a turnout only if the union sets one.
    """

    majority_percent: int = 50
    of_electorate: bool = False  # the majority is of the electorate (elections), else of valid ballots
    quorum_percent: int = 0  # more than this % of the electorate must take part (0: no such rule)
    two_thirds: bool = False  # the statutory "more than two thirds" (elections)

    def quorum_met(self, electorate: int, participants: int) -> bool:
        if self.two_thirds and not 3 * participants > 2 * electorate:
            return False
        return not self.quorum_percent or 100 * participants > self.quorum_percent * electorate


@dataclass
class CountResult:
    seats: int
    valid: int
    invalid: int
    electronic: int
    paper: int
    rows: list[Row]
    majority_percent: int
    decides: bool  # elections and awards elect; simple polls only count
    rules: Rules = field(default_factory=Rules)
    electorate: int | None = None  # 应到会有选举权人数 (None: not known, no turnout rule applied)
    participants: int | None = None  # who took part (实到), every channel
    outcome: str = VALID

    @property
    def total(self) -> int:
        return self.valid + self.invalid

    @property
    def is_valid(self) -> bool:
        return self.outcome == VALID

    @property
    def base(self) -> int:
        """What the majority is a share of: the electorate (elections) or the valid ballots."""
        if self.rules.of_electorate and self.electorate is not None:
            return self.electorate
        return self.valid

    @property
    def elected(self) -> list[Row]:
        return [row for row in self.rows if row.elected]

    @property
    def ties(self) -> list[Row]:
        return [row for row in self.rows if row.tie]

    @property
    def threshold(self) -> int:
        """The fewest votes that are "more than majority_percent of the base" (electorate or valid)."""
        return self.base * self.majority_percent // 100 + 1


def _norm(name: str) -> str:
    return "".join(str(name).split())


def count_choices(
    choices: Iterable[dict[str, Any]],
    options: Sequence[OptionInfo],
    *,
    seats: int,
    majority_percent: int = 50,
    decides: bool = True,
    paper: Iterable[tuple[int, int, dict[str, int]]] = (),
    rules: Rules | None = None,
    electorate: int | None = None,
    participants: int | None = None,
) -> CountResult:
    """Count ballots of an election, award or simple poll.

    `choices`: each ballot's {"selected": [option ids], "write_ins": [names]}.
    `paper`: (valid, invalid, {"o<id>" or "w<name>": votes}) per batch of paper ballots.
    `rules` (default: more than `majority_percent`% of the valid ballots, no turnout rule) with
    the `electorate` and the `participants` decide validity: a turnout below the rule, or more
    ballots returned than participants, elects nobody. Otherwise an option is elected with more
    than the majority and a place among the first `seats`; candidates tied for the last seat are
    marked `tie`, none of them elected (a further round among the tied decides).
    """
    rules = rules or Rules(majority_percent=majority_percent)
    votes: Counter[str] = Counter()
    names = {f"o{o.pk}": o.name for o in options}
    electronic = 0
    for choice in choices:
        electronic += 1
        for pk in choice.get("selected", []):
            votes[f"o{pk}"] += 1
        for name in choice.get("write_ins", []):
            if _norm(name):
                votes[f"w{_norm(name)}"] += 1
    paper_valid = paper_invalid = 0
    for valid, invalid, counts in paper:
        paper_valid += valid
        paper_invalid += invalid
        for key, n in counts.items():
            votes[key if key.startswith("o") else f"w{_norm(key[1:])}"] += n
    valid = electronic + paper_valid
    rows = [Row(key, names[key], votes.get(key, 0)) for key in names]
    rows += [Row(key, key[1:], n, write_in=True) for key, n in votes.items() if key.startswith("w")]
    for row in rows:
        row.percent = percent(row.votes, valid)
    rows.sort(key=lambda r: (-r.votes, r.write_in, r.name))
    result = CountResult(seats, valid, paper_invalid, electronic, paper_valid + paper_invalid, rows,
                         rules.majority_percent, decides, rules, electorate, participants)  # fmt: skip
    if electorate is not None and participants is not None:
        if result.total > participants:
            result.outcome = VOID
        elif not rules.quorum_met(electorate, participants):
            result.outcome = NO_QUORUM
    if decides and result.is_valid:
        _elect(result)
    return result


def _elect(result: CountResult) -> None:
    passing = [row for row in result.rows if row.votes >= result.threshold and row.votes > 0]
    if len(passing) <= result.seats:
        for row in passing:
            row.elected = True
        return
    boundary = passing[result.seats - 1].votes
    above = [row for row in passing if row.votes > boundary]
    at = [row for row in passing if row.votes == boundary]
    for row in above:
        row.elected = True
    if len(above) + len(at) <= result.seats:
        for row in at:
            row.elected = True
    else:
        for row in at:
            row.tie = True


# --- evaluations ------------------------------------------------------------------------------


@dataclass
class PersonResult:
    option: OptionInfo
    respondents: int
    shown: bool  # False below the poll's minimum: nothing else is filled in
    dimension_scores: dict[int, Decimal] = field(default_factory=dict)  # dimension id -> weighted mean
    total: Decimal | None = None
    grades: dict[str, int] = field(default_factory=dict)  # grade -> ballots
    grade_percent: dict[str, float | None] = field(default_factory=dict)
    good_rate: float | None = None  # 优秀 + 称职, percent of respondents

    @property
    def name(self) -> str:
        return self.option.name


TWO = Decimal("0.01")


def trimmed(values: list[Decimal], drop_extremes: bool) -> list[Decimal]:
    """Drop one highest and one lowest value (only when at least three remain to drop from)."""
    if drop_extremes and len(values) >= 3:
        return sorted(values)[1:-1]
    return values


def weighted_mean(
    by_group: dict[Any, list[Decimal]], weights: dict[Any, Decimal], drop_extremes: bool
) -> Decimal | None:
    """Mean of each rater group (after trimming), averaged with the groups' weights."""
    total = weight_sum = Decimal(0)
    for group, values in by_group.items():
        values = trimmed(values, drop_extremes)
        weight = weights.get(group, Decimal(1))
        if not values or weight <= 0:
            continue
        total += weight * sum(values, Decimal(0)) / len(values)
        weight_sum += weight
    if not weight_sum:
        return None
    return (total / weight_sum).quantize(TWO, ROUND_HALF_UP)


def evaluate(
    ballots: Iterable[tuple[int | None, dict[str, Any]]],
    options: Sequence[OptionInfo],
    *,
    dimensions: Sequence[int],
    weights: dict[Any, Decimal],
    min_respondents: int,
    drop_extremes: bool,
) -> list[PersonResult]:
    """Per person: respondents, and (only if respondents >= min_respondents) weighted means per
    dimension and in total, or the grade distribution, good rate and weighted grade points.

    `ballots`: (rater group id or None, choices) pairs.
    """
    scores: dict[int, dict[int, dict[Any, list[Decimal]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    points: dict[int, dict[Any, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    grades: dict[int, Counter[str]] = defaultdict(Counter)
    respondents: Counter[int] = Counter()
    for group, choice in ballots:
        for key, row in (choice.get("scores") or {}).items():
            person = int(key)
            respondents[person] += 1
            for dim, value in row.items():
                scores[person][int(dim)][group].append(Decimal(str(value)))
        for key, grade in (choice.get("grades") or {}).items():
            person = int(key)
            respondents[person] += 1
            grades[person][grade] += 1
            points[person][group].append(Decimal(GRADE_POINTS[grade]))
    results = []
    for option in options:
        n = respondents.get(option.pk, 0)
        result = PersonResult(option, n, shown=n >= max(min_respondents, 1))
        if result.shown:
            if dimensions:
                for dim in dimensions:
                    mean = weighted_mean(scores[option.pk][dim], weights, drop_extremes)
                    if mean is not None:
                        result.dimension_scores[dim] = mean
                result.total = sum(result.dimension_scores.values(), Decimal(0)).quantize(TWO)
            else:
                counted = grades[option.pk]
                result.grades = {g: counted.get(g, 0) for g in Grade.values}
                result.grade_percent = {g: percent(counted.get(g, 0), n) for g in Grade.values}
                result.good_rate = percent(
                    counted.get(Grade.EXCELLENT, 0) + counted.get(Grade.COMPETENT, 0), n
                )
                result.total = weighted_mean(points[option.pk], weights, drop_extremes)
        results.append(result)
    return results
