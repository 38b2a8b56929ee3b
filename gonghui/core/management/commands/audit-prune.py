"""`gonghui audit-prune`: delete audit events older than the retention period (min 184 days)."""

from typing import Any

from django.core.management.base import BaseCommand

from gonghui.core.audit import prune_expired, retention_days


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (never less than 184 days)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = prune_expired()
        self.stdout.write(f"Deleted {deleted} audit events older than {retention_days()} days.")
