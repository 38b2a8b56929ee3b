"""`gonghui import-prune [--days 7]`: delete old uploaded spreadsheets (they hold personal data in
clear text) of every core.imports kind, the member import's among them."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.core.imports import jobs


class Command(BaseCommand):
    help = "Delete uploaded import files older than --days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        removed = jobs.prune_uploads(days=options["days"])
        self.stdout.write(f"Deleted {removed} uploaded files.")
