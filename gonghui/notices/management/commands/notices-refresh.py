"""`gonghui notices-refresh`: move notices whose 公示 period has ended on (run daily)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.notices.services import notices_refresh_due


class Command(BaseCommand):
    help = "Close public notices whose period has ended; final once every objection is resolved."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None, help="YYYY-MM-DD")

    def handle(self, *args: Any, **options: Any) -> None:
        moved = notices_refresh_due(today=options["today"])
        self.stdout.write(f"{moved} notices changed state.")
