"""Run the benchmarks: `python -m bench.run [scenario ...]`.

Uses its own database (var/bench.sqlite3, or BENCH_DATABASE_URL), migrates it, seeds a tree of
BENCH_ORGS organisations when the bench tree has a different size and BENCH_MEMBERS members when
the bench unions hold a different number, runs every module in bench/scenarios (or those named),
prints one JSON line per figure and then a table.
Progress goes to stderr, so `python -m bench.run | grep '^{'` keeps only the JSON.
"""

from __future__ import annotations

import importlib
import json
import math
import os
import pkgutil
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from bench import BENCH_FIELD_KEY

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ORGS = 100_000
DEFAULT_MEMBERS = 200_000


def configure_environment() -> str:
    """Point Django at the bench database before setup; return its URL."""
    default = f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"
    url = os.environ.get("BENCH_DATABASE_URL") or default
    if url == default:
        (ROOT / "var").mkdir(exist_ok=True)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.config.settings")
    # With DEBUG on, Django logs every query, and that bookkeeping would be timed too.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("GONGHUI_FIELD_KEY", BENCH_FIELD_KEY)
    # Django's admin changelist is a reference for the member list (scenario members).
    os.environ["GONGHUI_ADMIN"] = "1"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    return url


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def prepare_database(target_orgs: int, target_members: int) -> None:
    """Migrate, then (re)seed what differs: the tree unless it has exactly `target_orgs` orgs,
    the members unless the bench unions hold exactly `target_members`."""
    from django.core.management import call_command

    from bench.seed import bench_member_count, bench_org_count, bench_ready, seed, seed_members

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    log(f"migrate: {time.perf_counter() - started:.1f} s")
    existing = bench_org_count()
    if bench_ready(target_orgs):
        log(f"bench tree: {existing} organisations (kept)")
    else:
        log(f"bench tree: {existing} organisations, seeding {target_orgs} ...")
        report = seed(orgs=target_orgs, reset=True)
        log(f"seeded {report.orgs} organisations in {report.seconds:.1f} s")
    members = bench_member_count()
    if members == target_members:
        log(f"bench members: {members} (kept)")
        return
    log(f"bench members: {members}, seeding {target_members} ...")
    member_report = seed_members(target_members)
    log(
        f"seeded {member_report.members} members in {member_report.seconds:.1f} s over "
        f"{member_report.unions} unions ({member_report.in_groups} in groups); "
        f"the bench chair's union has {member_report.chair_union_members}"
    )


def scenario_modules(names: list[str]) -> list[ModuleType]:
    import bench.scenarios as package

    found = [info.name for info in pkgutil.iter_modules(package.__path__) if not info.name.startswith("_")]
    unknown = set(names) - set(found)
    if unknown:
        raise SystemExit(f"unknown scenario(s): {', '.join(sorted(unknown))}; known: {', '.join(found)}")
    return [
        importlib.import_module(f"bench.scenarios.{name}") for name in found if not names or name in names
    ]


def _number(value: float) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "-"
    return f"{value:.4f}" if value < 1 else f"{value:.2f}"


def table(results: list[dict[str, Any]]) -> str:
    """The results as a plain-text table (ratio = value / reference, both medians)."""
    header = ("figure", "what", "value ms", "reference ms", "ratio", "rows")
    lines = [
        (
            r["figure"],
            r.get("label", ""),
            _number(r["value_ms"]),
            _number(r["reference_ms"]),
            _number(r["ratio"]),
            str(r["rows"]),
        )
        for r in results
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    render = [
        "  ".join(
            cell.ljust(w) if i < 2 else cell.rjust(w)
            for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        )
        for row in [header, *lines]
    ]
    return "\n".join([render[0], "-" * len(render[0]), *render[1:]])


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    url = configure_environment()
    import django

    django.setup()
    from django.db import connection

    target = int(os.environ.get("BENCH_ORGS", DEFAULT_ORGS))
    members = int(os.environ.get("BENCH_MEMBERS", DEFAULT_MEMBERS))
    log(f"database: {connection.vendor} ({url.split('@')[-1]})")
    prepare_database(target, members)
    results: list[dict[str, Any]] = []
    for module in scenario_modules(argv):
        log(f"scenario {module.__name__.rsplit('.', 1)[-1]} ...")
        scenario_started = time.perf_counter()
        for row in module.run():
            print(json.dumps({**row, "orgs": target, "members": members}, ensure_ascii=False), flush=True)
            results.append(row)
        log(f"scenario {module.__name__.rsplit('.', 1)[-1]}: {time.perf_counter() - scenario_started:.1f} s")
    print()
    print(
        f"{connection.vendor}, {target} organisations, {members} members; "
        "ratio = value / reference (raw SQL, bare file read or admin changelist), medians"
    )
    print(table(results))
    print(f"total {time.perf_counter() - started:.1f} s (setup, migrate, seed, scenarios)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
