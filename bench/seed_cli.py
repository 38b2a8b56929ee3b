"""Seed the synthetic benchmark data into the configured database:
`python -m bench.seed_cli --orgs N [--members N] [--reset] [--seed N]` (bench/README.md).

Seeds the database the project is configured for (DATABASE_URL), unlike `python -m bench.run`,
which keeps its own. The bench lives beside gonghui/, not in it: gonghui never imports bench, so
this is not a management command.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, TextIO

ROOT = Path(__file__).resolve().parent.parent


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.seed_cli",
        description="Seed a synthetic organisation tree (Chinese names), bench users and members "
        "for the benchmarks, into the database of DATABASE_URL.",
    )
    parser.add_argument("--orgs", type=int, default=100_000, help="organisations in the tree")
    parser.add_argument(
        "--members",
        type=int,
        default=0,
        help="members spread over the bench unions (replaces the bench members; 0 keeps them)",
    )
    parser.add_argument("--reset", action="store_true", help="delete earlier bench data first")
    parser.add_argument("--seed", type=int, default=None, help="random seed (same seed, same data)")
    return parser


def setup_django() -> None:
    """Set Django up as manage.py would, unless it already is (the tests)."""
    from django.apps import apps

    if apps.ready:
        return
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.config.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    arguments = build_parser()
    options = arguments.parse_args(argv)
    if options.members < 0:
        arguments.error("--members must be 0 or more")
    setup_django()
    from bench import seed as bench_seed

    seed_value = options.seed if options.seed is not None else bench_seed.DEFAULT_SEED
    existing = bench_seed.bench_org_count()
    if existing and not options.reset:
        if existing != options.orgs:
            arguments.error(f"bench data exists ({existing} organisations); pass --reset to replace it")
        print(f"bench tree already has {existing} organisations; kept", file=out)
        if options.members:
            _report_members(bench_seed.seed_members(options.members, seed=seed_value), out)
        return 0
    try:
        report = bench_seed.seed(
            orgs=options.orgs, seed=seed_value, reset=options.reset, members=options.members
        )
    except ValueError as exc:
        arguments.error(str(exc))
    kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(report.by_kind.items()))
    print(f"seeded {report.orgs} organisations in {report.seconds:.1f} s ({kinds})", file=out)
    print("users: " + ", ".join(report.users), file=out)
    if report.members is not None:
        _report_members(report.members, out)
    return 0


def _report_members(report: Any, out: TextIO) -> None:
    print(
        f"seeded {report.members} members in {report.seconds:.1f} s over {report.unions} unions "
        f"({report.in_groups} in union groups); the bench chair's union {report.chair_union} has "
        f"{report.chair_union_members}",
        file=out,
    )


if __name__ == "__main__":
    sys.exit(main())
