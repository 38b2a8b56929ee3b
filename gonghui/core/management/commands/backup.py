"""`gonghui backup [--output DIR]`: back up the database and the uploaded files (core.backups).

Writes DIR/gonghui-<date>-<time>/ (database, uploads.tar, manifest.json) and reminds that the
key GONGHUI_FIELD_KEY is not in it. Example cron line (every night at 02:30, keep 30 days):

    30 2 * * * cd /srv/gonghui && .venv/bin/gonghui backup --output /srv/backups && \
        find /srv/backups -maxdepth 1 -name 'gonghui-*' -mtime +30 -exec rm -rf {} +
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from gonghui.core import backups
from gonghui.core.audit import audit


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files to a new folder under --output (default: var/backups)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            type=Path,
            default=None,
            help="where to put the backup folder (default: <GONGHUI_VAR_DIR>/backups)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"] or Path(settings.VAR_DIR) / "backups"
        try:
            folder, manifest = backups.backup(output.resolve())
        except backups.BackupError as error:
            raise CommandError(str(error)) from error
        tables = manifest["database"]["tables"]
        files = manifest["uploads"]["files"]
        rows = sum(tables.values())
        audit(action="backup.create", actor_label="命令行 backup",
              after={"folder": str(folder), "rows": rows, "files": len(files), "key": manifest["key_fingerprint"]})  # fmt: skip
        self.stdout.write(
            f"已备份到 {folder}：数据库（{manifest['database']['vendor']}）{len(tables)} 张表、{rows} 行，"
            f"上传文件 {len(files)} 个。\nBacked up to {folder}: {len(tables)} tables, {rows} rows, {len(files)} files."
        )
        self.stdout.write(
            self.style.WARNING(
                f"提醒：备份中不含加密密钥 GONGHUI_FIELD_KEY（指纹 {manifest['key_fingerprint']}）。没有它，备份里的"
                "身份证号和未结束投票的选票都无法恢复。请另行妥善保存密钥，不要和备份放在一起。\n"
                "Reminder: GONGHUI_FIELD_KEY is NOT in the backup. Without it the ID numbers and the ballots of open "
                "polls cannot be restored: keep the key safe, apart from the backups."
            )
        )
