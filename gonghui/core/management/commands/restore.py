"""`gonghui restore DIR`: restore a backup folder made by `gonghui backup` (core.backups).

Into an empty database (a new PostgreSQL database, or a new SQLite file) and an empty MEDIA_ROOT,
unless --force; the key in use must be the one the backup was made with (its fingerprint is in
the manifest), unless --allow-key-mismatch. Every table's row count and every file's checksum
are then checked against the manifest. Stop the web server and the worker first; run
`gonghui migrate` afterwards when the backup comes from an older version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core import backups
from gonghui.core.audit import audit


class Command(BaseCommand):
    help = "Restore a backup folder (made by `backup`) into an empty database and MEDIA_ROOT, then verify it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder", type=Path, help="the backup folder (…/gonghui-<date>-<time>)")
        parser.add_argument(
            "--force", action="store_true", help="overwrite a database or MEDIA_ROOT that holds data"
        )
        parser.add_argument(
            "--allow-key-mismatch",
            action="store_true",
            help="restore even though the backup was made with another GONGHUI_FIELD_KEY",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        folder = options["folder"].resolve()
        try:
            restored = backups.restore(
                folder, force=options["force"], allow_key_mismatch=options["allow_key_mismatch"]
            )
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        if restored.problems:
            raise CommandError(
                "恢复后的数据与备份清单不符 / the restored data does not match the manifest:\n"
                + "\n".join(restored.problems)
            )
        audit(action="backup.restore", actor_label="命令行 restore",
              after={"folder": str(folder), "rows": restored.rows, "files": restored.files})  # fmt: skip
        self.stdout.write(
            f"已从 {folder} 恢复并核对：{restored.tables} 张表、{restored.rows} 行，上传文件 {restored.files} 个，"
            "行数和校验和都与备份清单一致。\n"
            f"Restored from {folder} and verified: {restored.tables} tables, {restored.rows} rows and "
            f"{restored.files} files match the manifest."
        )
