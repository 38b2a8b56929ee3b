"""`python manage.py bench-seed --orgs N [--reset]`: seed the synthetic benchmark data (bench/seed.py)."""

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
    help = "Seed a synthetic organisation tree (Chinese names) and bench users for the benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--orgs", type=int, default=100_000, help="organisations in the tree")
        parser.add_argument(
            "--members",
            type=int,
            default=0,
            help="members to create (accepted for `make bench`; not generated yet, ignored for now)",
        )
        parser.add_argument("--reset", action="store_true", help="delete earlier bench data first")
        parser.add_argument("--seed", type=int, default=None, help="random seed (same seed, same tree)")

    def handle(self, *args: Any, **options: Any) -> None:
        bench_seed = _bench_seed_module()
        if options["members"]:
            self.stderr.write("note: --members is not generated yet and was ignored")
        existing = bench_seed.bench_org_count()
        if existing and not options["reset"]:
            if existing == options["orgs"]:
                self.stdout.write(f"bench tree already has {existing} organisations; nothing to do")
                return
            raise CommandError(f"bench data exists ({existing} organisations); pass --reset to replace it")
        seed_value = options["seed"] if options["seed"] is not None else bench_seed.DEFAULT_SEED
        try:
            report = bench_seed.seed(orgs=options["orgs"], seed=seed_value, reset=options["reset"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(report.by_kind.items()))
        self.stdout.write(f"seeded {report.orgs} organisations in {report.seconds:.1f} s ({kinds})")
        self.stdout.write("users: " + ", ".join(report.users))
