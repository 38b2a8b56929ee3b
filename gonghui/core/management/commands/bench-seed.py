"""`python manage.py bench-seed --orgs N [--members N] [--reset]`: seed the synthetic benchmark data
(bench/seed.py)."""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser


def _bench_seed_module() -> Any:
    """Import bench.seed; the bench/ folder sits next to gonghui/ in the repository, not in the package."""
    root = str(settings.BASE_DIR)
    if root not in sys.path:
        sys.path.insert(0, root)
    from bench import seed

    return seed


class Command(BaseCommand):
    help = "Seed a synthetic organisation tree (Chinese names), bench users and members for the benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=100_000, help="organisations in the tree")
        parser.add_argument(
            "--members",
            type=int,
            default=0,
            help="members spread over the bench unions (replaces the bench members; 0 keeps them)",
        )
        parser.add_argument("--reset", action="store_true", help="delete earlier bench data first")
        parser.add_argument("--seed", type=int, default=None, help="random seed (same seed, same data)")

    def handle(self, *args: Any, **options: Any) -> None:
        bench_seed = _bench_seed_module()
        members: int = options["members"]
        if members < 0:
            raise CommandError("--members must be 0 or more")
        seed_value = options["seed"] if options["seed"] is not None else bench_seed.DEFAULT_SEED
        existing = bench_seed.bench_org_count()
        if existing and not options["reset"]:
            if existing != options["orgs"]:
                raise CommandError(
                    f"bench data exists ({existing} organisations); pass --reset to replace it"
                )
            self.stdout.write(f"bench tree already has {existing} organisations; kept")
            if members:
                self._report_members(bench_seed.seed_members(members, seed=seed_value))
            return
        try:
            report = bench_seed.seed(
                orgs=options["orgs"], seed=seed_value, reset=options["reset"], members=members
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(report.by_kind.items()))
        self.stdout.write(f"seeded {report.orgs} organisations in {report.seconds:.1f} s ({kinds})")
        self.stdout.write("users: " + ", ".join(report.users))
        if report.members is not None:
            self._report_members(report.members)

    def _report_members(self, report: Any) -> None:
        self.stdout.write(
            f"seeded {report.members} members in {report.seconds:.1f} s over {report.unions} unions "
            f"({report.in_groups} in union groups); the bench chair's union {report.chair_union} has "
            f"{report.chair_union_members}"
        )
