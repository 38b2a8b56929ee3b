"""`gonghui import-prune [--days 7]`: delete old uploaded member spreadsheets (they hold full IDs)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.members.importer import prune_uploads


class Command(BaseCommand):
    help = "Delete uploaded import files older than --days (default 7)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"Deleted {prune_uploads(days=options['days'])} uploaded files.")
