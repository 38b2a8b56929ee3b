"""`gonghui backup` / `gonghui restore` (issue 13, "Backups"): a backup restored into a fresh
database gives back every table's rows and every uploaded file, bit for bit.

Runs on the suite's database vendor: SQLite (a new database file) or PostgreSQL (a new database
created on the same server). The backup runs in the test process (its connection is the one to
the test database); the restore runs as `manage.py restore` in a subprocess with its own
DATABASE_URL and GONGHUI_VAR_DIR, the way an administrator runs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from gonghui.core import backups, keys
from gonghui.members import privacy
from gonghui.members.models import Member
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
PHOTO = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40
OTHER_KEY = "a-key-the-backup-was-not-made-with-0123456789abcdef"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def fresh_database(tmp_path) -> Iterator[str]:
    """The DATABASE_URL of a new, empty database of the suite's vendor."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"gonghui_restore_{secrets.token_hex(4)}"
    params = connection.settings_dict
    server = {"host": params["HOST"] or None, "port": params["PORT"] or None, "user": params["USER"] or None,
              "password": params["PASSWORD"] or None}  # fmt: skip
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = quote(params["USER"] or "") + (f":{quote(params['PASSWORD'])}" if params["PASSWORD"] else "")
    yield f"postgres://{user}@{params['HOST'] or 'localhost'}:{params['PORT'] or 5432}/{name}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def restore(folder: Path, database_url: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "GONGHUI_VAR_DIR": str(var_dir), "DEBUG": "0"}
    env["GONGHUI_FIELD_KEY"] = django_settings.GONGHUI_FIELD_KEY
    return subprocess.run(
        [sys.executable, "manage.py", "restore", str(folder), *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def counts_of(database_url: str) -> dict[str, int]:
    """Every table's row count in the restored database, read without Django."""
    if database_url.startswith("sqlite:///"):
        path = Path(database_url.removeprefix("sqlite:///"))
        return backups.sqlite_counts(path) if path.exists() else {}
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as database:
        tables = [row[0] for row in database.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]  # fmt: skip
        return {t: database.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # type: ignore[index]


def stored_id_numbers(database_url: str) -> set[str]:
    """The encrypted ID numbers of the restored database, as stored."""
    query = "SELECT id_encrypted FROM members_member"
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as database:
            return {row[0] for row in database.execute(query)}
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as database:
        return {row[0] for row in database.execute(query)}


def checksums(media: Path) -> dict[str, str]:
    return {
        path.relative_to(media).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in media.rglob("*")
        if path.is_file()
    }


def make_backup(output: Path) -> tuple[Path, str]:
    out = StringIO()
    call_command("backup", output=output, stdout=out)
    (folder,) = output.iterdir()
    return folder, out.getvalue()


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_upload_and_not_over_it_again(
    tree, chair, media, fresh_database, tmp_path
):
    MemberFactory.create_batch(3, union=tree.school1, actor=chair)
    default_storage.save("care/visits/慰问照片.jpg", ContentFile(PHOTO))
    default_storage.save("congress/items/提案附件.pdf", ContentFile(b"%PDF-1.4 \xe4\xb8\xad"))
    before = backups.database_counts()
    originals = checksums(media)

    folder, printed = make_backup(tmp_path / "backups")
    result = restore(folder, fresh_database, tmp_path / "restored")

    assert "备份中不含加密密钥 GONGHUI_FIELD_KEY" in printed
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["database"]["tables"] == before
    assert manifest["key_fingerprint"] == keys.fingerprint()
    assert django_settings.GONGHUI_FIELD_KEY not in (folder / "manifest.json").read_text(encoding="utf-8")
    assert result.returncode == 0, result.stderr
    assert "行数和校验和都与备份清单一致" in result.stdout
    assert counts_of(fresh_database) == {**before, "core_auditevent": before["core_auditevent"] + 1}  # + 恢复
    assert checksums(tmp_path / "restored" / "media") == originals and len(originals) == 2
    assert {privacy.decrypt(token) for token in stored_id_numbers(fresh_database)} == {
        privacy.decrypt(token) for token in Member.objects.values_list("id_encrypted", flat=True)
    }

    again = restore(folder, fresh_database, tmp_path / "restored")

    assert again.returncode == 1
    assert "当前数据库已有数据" in again.stderr
    assert counts_of(fresh_database)["core_auditevent"] == before["core_auditevent"] + 1


def test_a_backup_made_with_another_key_is_refused_before_anything_changes(settings, tree, media, tmp_path):
    MemberFactory(union=tree.school1)
    folder, _printed = make_backup(tmp_path / "backups")
    made_with = keys.fingerprint()
    settings.GONGHUI_FIELD_KEY = OTHER_KEY
    settings.MEDIA_ROOT = tmp_path / "elsewhere"

    with pytest.raises(backups.BackupError) as refused:
        backups.restore(folder, force=True)

    assert (
        f"备份时的加密密钥（指纹 {made_with}）与当前 GONGHUI_FIELD_KEY（指纹 {keys.fingerprint()}）不同"
        in str(refused.value)
    )
    assert Member.objects.count() == 1
    assert not (tmp_path / "elsewhere").exists()


def test_a_damaged_backup_is_refused_before_anything_changes(tree, media, tmp_path):
    default_storage.save("care/visits/照片.jpg", ContentFile(PHOTO))
    folder, _printed = make_backup(tmp_path / "backups")
    with (folder / "uploads.tar").open("r+b") as archive:
        archive.seek(600)
        archive.write(b"X")
    members = Member.objects.count()

    with pytest.raises(backups.BackupError, match=r"uploads\.tar 缺失或已损坏"):
        backups.restore(folder, force=True)

    assert Member.objects.count() == members
