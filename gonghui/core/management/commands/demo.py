"""`gonghui demo`: load the demo (idempotent) and print the demo accounts."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from gonghui.core.demo import DEMO_PASSWORD, build_demo, demo_accounts
from gonghui.core.models import Org


class Command(BaseCommand):
    help = "Load the demo county education union and its accounts (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="only load when the database has no organisations"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Org.objects.exists():
            accounts = demo_accounts()
            if not accounts:
                self.stdout.write("Database already has organisations; demo not loaded.")
                return
        else:
            accounts = build_demo()
        self.stdout.write("")
        self.stdout.write(f"演示账号 Demo accounts (password / 密码: {DEMO_PASSWORD})")
        for account in accounts:
            self.stdout.write(f"  {account.username:<10} {account.mobile:<12} {account.role_label}")
        self.stdout.write("")
