"""Timing helpers shared by the scenarios: warm-up, alternating samples, medians."""

from __future__ import annotations

import gc
import os
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

Timed = Callable[[], object]
Result = dict[str, Any]

# Samples per measurement (median taken) and untimed warm-up calls; BENCH_REPEAT scales runs.
REPEAT = int(os.environ.get("BENCH_REPEAT", "100"))
WARMUP = int(os.environ.get("BENCH_WARMUP", "10"))


@dataclass(frozen=True)
class Pair:
    """Median milliseconds of the thing measured and of its reference, from the same run."""

    value_ms: float
    reference_ms: float

    @property
    def ratio(self) -> float:
        return self.value_ms / self.reference_ms if self.reference_ms else float("nan")


def _sample_ms(fn: Timed, inner: int) -> float:
    """Milliseconds per call of `fn`, timed over `inner` back-to-back calls."""
    started = time.perf_counter()
    for _ in range(inner):
        fn()
    return (time.perf_counter() - started) * 1000 / inner


def compare(
    subject: Timed,
    reference: Timed,
    *,
    repeat: int = REPEAT,
    inner: int = 1,
    reference_inner: int = 1,
    warmup: int = WARMUP,
) -> Pair:
    """Median time of `subject` and of `reference`.

    Samples alternate between the two, so drift on a shared machine affects both alike. `inner`
    batches very fast calls (microseconds) so that one sample is well above the timer resolution.
    """
    for _ in range(warmup):
        subject()
        reference()
    gc.collect()
    subject_ms: list[float] = []
    reference_ms: list[float] = []
    for _ in range(repeat):
        subject_ms.append(_sample_ms(subject, inner))
        reference_ms.append(_sample_ms(reference, reference_inner))
    return Pair(statistics.median(subject_ms), statistics.median(reference_ms))


def repeats_within(budget_s: float, *calls: Timed, cap: int = REPEAT, floor: int = 5) -> int:
    """How many alternating samples of `calls` fit in about `budget_s` seconds (one trial call
    each decides), between `floor` and `cap`: slow references (a changelist counting a million
    rows) get fewer samples instead of minutes of run time."""
    started = time.perf_counter()
    for call in calls:
        call()
    once = time.perf_counter() - started
    return max(floor, min(cap, int(budget_s / once) if once else cap))


def result(scenario: str, figure: str, label: str, pair: Pair, rows: int, **extra: Any) -> Result:
    """One benchmark line (printed as JSON by bench.run); `extra` adds scenario-specific keys."""
    return {
        "scenario": scenario,
        "figure": figure,
        "value_ms": round(pair.value_ms, 5),
        "reference_ms": round(pair.reference_ms, 5),
        "ratio": round(pair.ratio, 4),
        "rows": rows,
        "db": connection.vendor,
        "label": label,
        **extra,
    }


def fetch_all(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    """Run raw SQL through Django's connection (the reference side of a comparison)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
