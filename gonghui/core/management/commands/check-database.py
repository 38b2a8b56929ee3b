"""`gonghui check-database`: can the server reach its database? Run by `make serve` before it
migrates and serves, so a wrong DATABASE_URL stops the start with a clear message instead of a
server that answers every page with a 500."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections

from gonghui.core.views.health import database_error


def describe(settings: dict[str, Any]) -> str:
    """ "postgresql 127.0.0.1:5432 gonghui": engine, server and database, never the password."""
    server = str(settings.get("HOST") or "")
    if server and settings.get("PORT"):
        server += f":{settings['PORT']}"
    parts = [str(settings.get("ENGINE", "")).rsplit(".", 1)[-1], server, str(settings.get("NAME") or "")]
    return " ".join(part for part in parts if part)


class Command(BaseCommand):
    help = "Check that the database answers (SELECT 1); wait up to --wait seconds for it."

    requires_system_checks: list[str] = []  # the checks run next, once the database is known to answer

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--wait", type=float, default=0, help="keep trying this many seconds (a database starting)"
        )
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        alias = options["database"]
        deadline = time.monotonic() + max(0.0, options["wait"])
        while True:
            problem = database_error(alias)
            if not problem:
                break
            if time.monotonic() >= deadline:
                where = describe(connections[alias].settings_dict)
                raise CommandError(
                    f"无法连接数据库（{where}），服务未启动。请检查 DATABASE_URL 和数据库服务器。\n"
                    f"Cannot connect to the database ({where}); the server was not started. "
                    f"Check DATABASE_URL and the database server.\n{problem}"
                )
            time.sleep(1)
        if options["verbosity"] > 0:
            self.stdout.write("数据库连接正常 / the database answers.")
