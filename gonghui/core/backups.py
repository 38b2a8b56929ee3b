"""Backups of an installation: the database, the uploaded files and a manifest (`gonghui backup`,
`gonghui restore`).

A backup is one folder, `gonghui-<date>-<time>/`, readable by its owner only:

- `database.sqlite3` (SQLite, copied with sqlite3's online backup API) or `database.dump`
  (PostgreSQL, `pg_dump -Fc` inside the snapshot the row counts were taken in);
- `uploads.tar`: MEDIA_ROOT (photos, documents, attachments, import files);
- `manifest.json`: the time, the database vendor, every table's row count, the sha256 of each
  uploaded file and of the two archives, and the fingerprint of GONGHUI_FIELD_KEY (`keys.fingerprint`:
  12 hex digits of its sha256, never the key).

The key is NOT in the backup: without it the ID numbers and the ballots of open polls cannot be
read back, so it is kept apart from the backups (and backed up itself). A restore goes into an
empty database, checks that the key in use is the one the backup was made with, and verifies the
row counts and the files' checksums against the manifest.
"""

from __future__ import annotations

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from . import keys

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
POSTGRES_FILE = "database.dump"
UPLOADS_FILE = "uploads.tar"
VENDORS = {"sqlite": SQLITE_FILE, "postgresql": POSTGRES_FILE}
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is Chinese, then English."""


@dataclass
class Restored:
    folder: Path
    tables: int
    rows: int
    files: int
    problems: list[str] = field(default_factory=list)


# --- backup -------------------------------------------------------------------------------------


def backup(output: Path) -> tuple[Path, dict[str, Any]]:
    """Write a backup folder under `output`; (the folder, its manifest)."""
    vendor = connection.vendor
    if vendor not in VENDORS:
        raise BackupError(
            f"不支持备份此类数据库：{vendor}。Backups support SQLite and PostgreSQL only, not {vendor}."
        )
    fingerprint = keys.fingerprint()
    folder = _new_folder(output)
    database = folder / VENDORS[vendor]
    tables = _sqlite_backup(database) if vendor == "sqlite" else _pg_dump(database)
    uploads = folder / UPLOADS_FILE
    files = _tar_uploads(uploads)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.localtime().isoformat(timespec="seconds"),
        "database": {
            "vendor": vendor,
            "file": database.name,
            "sha256": sha256_of(database),
            "tables": tables,
        },
        "uploads": {"file": uploads.name, "sha256": sha256_of(uploads), "files": files},
        "key_fingerprint": fingerprint,
    }
    path = folder / MANIFEST
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    for written in (database, uploads, path):
        written.chmod(0o600)
    return folder, manifest


def _new_folder(output: Path) -> Path:
    output.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    for attempt in range(1, 100):
        folder = output / (f"gonghui-{stamp}" if attempt == 1 else f"gonghui-{stamp}-{attempt}")
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            continue
        return folder
    raise BackupError(f"无法在 {output} 中新建备份目录。Cannot create a backup folder in {output}.")


def _sqlite_backup(target: Path) -> dict[str, int]:
    connection.ensure_connection()
    source = connection.connection
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal/-shm beside it
    finally:
        copy.close()
    return sqlite_counts(target)


def _pg_dump(target: Path) -> dict[str, int]:
    """pg_dump in the snapshot of a REPEATABLE READ transaction, in which the rows are counted: the
    manifest's counts are exactly those of the dump, however busy the server is."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        tables = database_counts()
        _run(
            [pg_binary("pg_dump"), "--format=custom", f"--snapshot={snapshot}", f"--file={target}"], "pg_dump"
        )
    return tables


def _tar_uploads(target: Path) -> dict[str, str]:
    """MEDIA_ROOT as an uncompressed tar (photos are compressed already); sha256 of each file."""
    media = Path(settings.MEDIA_ROOT)
    files: dict[str, str] = {}
    with tarfile.open(target, "w") as archive:
        for path in uploaded_files(media):
            name = path.relative_to(media).as_posix()
            files[name] = sha256_of(path)
            archive.add(path, arcname=name, recursive=False)
    return files


# --- restore ------------------------------------------------------------------------------------


def read_manifest(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupError(
            f"{folder} 不是备份目录（没有 {MANIFEST}）。{folder} is not a backup folder (no {MANIFEST})."
        )
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不认识的备份格式：{manifest.get('format')}。Unknown backup format.")
    return manifest


def restore(folder: Path, *, force: bool = False, allow_key_mismatch: bool = False) -> Restored:
    """Restore the backup in `folder` into the configured database and MEDIA_ROOT, then verify
    every table's row count and every file's checksum. Raises BackupError before changing anything
    when the backup is damaged, made on another database vendor or with another key, or when the
    database or MEDIA_ROOT already hold data (unless `force`)."""
    manifest = read_manifest(folder)
    database = folder / manifest["database"]["file"]
    uploads = folder / manifest["uploads"]["file"]
    for part, entry in ((database, manifest["database"]), (uploads, manifest["uploads"])):
        if not part.is_file() or sha256_of(part) != entry["sha256"]:
            raise BackupError(
                f"备份文件 {part.name} 缺失或已损坏（校验和不符），未做任何修改。"
                f"The backup file {part.name} is missing or damaged (checksum mismatch); nothing was changed."
            )
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        raise BackupError(
            f"这是 {vendor} 数据库的备份，当前数据库是 {connection.vendor}，未做任何修改。"
            f"This is a backup of a {vendor} database, the configured one is {connection.vendor}; nothing was changed."
        )
    current = keys.fingerprint()
    if manifest["key_fingerprint"] != current and not allow_key_mismatch:
        raise BackupError(
            f"备份时的加密密钥（指纹 {manifest['key_fingerprint']}）与当前 GONGHUI_FIELD_KEY（指纹 {current}）"
            "不同：用当前密钥读不出备份中的身份证号和未结束投票的选票。请把 GONGHUI_FIELD_KEY 设为备份时的密钥再恢复；"
            "确需恢复请加 --allow-key-mismatch。未做任何修改。"
            f"\nThe backup was made with another GONGHUI_FIELD_KEY (fingerprint {manifest['key_fingerprint']}, "
            f"the current one is {current}): its ID numbers and open ballots would not open. Set the key the backup "
            "was made with and restore again, or pass --allow-key-mismatch. Nothing was changed."
        )
    media = Path(settings.MEDIA_ROOT)
    if not force:
        if database_holds_data():
            raise BackupError(
                "当前数据库已有数据（组织或账号），未做任何修改。请恢复到新建的空数据库，或加 --force 覆盖。"
                "\nThe database already holds data (organisations or accounts); nothing was changed. Restore into "
                "a new, empty database, or pass --force to overwrite it."
            )
        if any(True for _ in uploaded_files(media)):
            raise BackupError(
                f"上传文件目录 {media} 不是空的，未做任何修改。请换一个空目录，或加 --force 覆盖同名文件。"
                f"\nThe upload folder {media} is not empty; nothing was changed. Use an empty one, or pass --force "
                "to overwrite files of the same name."
            )
    if vendor == "sqlite":
        _sqlite_restore(database)
    else:
        _pg_restore(database)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(uploads) as archive:
        archive.extractall(media, filter="data")
    return _verify(folder, manifest, media)


def _sqlite_restore(database: Path) -> None:
    target = str(connection.settings_dict["NAME"])
    if not target or target == ":memory:" or target.startswith("file:"):
        raise BackupError("只能恢复到 SQLite 数据库文件。A SQLite restore needs a database file.")
    connection.close()
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()


def _pg_restore(database: Path) -> None:
    connection.close()
    command = [pg_binary("pg_restore"), "--no-owner", "--no-privileges", "--clean", "--if-exists",
               "--single-transaction", "--exit-on-error", f"--dbname={connection.settings_dict['NAME']}",
               str(database)]  # fmt: skip
    _run(command, "pg_restore")


def _verify(folder: Path, manifest: dict[str, Any], media: Path) -> Restored:
    expected: dict[str, int] = manifest["database"]["tables"]
    found = database_counts()
    problems = [
        f"表 {table}：备份 {count} 行，恢复后 {found.get(table, '无此表')}。"
        f"Table {table}: {count} rows in the backup, {found.get(table, 'missing')} restored."
        for table, count in sorted(expected.items())
        if found.get(table) != count
    ]
    files: dict[str, str] = manifest["uploads"]["files"]
    for name, digest in sorted(files.items()):
        path = media / name
        if not path.is_file() or sha256_of(path) != digest:
            problems.append(f"文件 {name} 缺失或校验和不符。File {name} is missing or its checksum differs.")
    return Restored(
        folder, tables=len(expected), rows=sum(expected.values()), files=len(files), problems=problems
    )


# --- shared -------------------------------------------------------------------------------------


def database_counts() -> dict[str, int]:
    """Every table's row count, through Django's connection (in its current transaction)."""
    with connection.cursor() as cursor:
        # SQLite's own tables (sqlite_stat1, left by ANALYZE / PRAGMA optimize) are not data.
        tables = [t for t in connection.introspection.table_names(cursor) if not t.startswith("sqlite_")]
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def sqlite_counts(path: Path) -> dict[str, int]:
    """Every table's row count in a SQLite file (the same tables Django's introspection lists)."""
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            row[0]
            for row in database.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' "
                "ORDER BY name"
            )
        ]
        return {name: database.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in names}
    finally:
        database.close()


def database_holds_data() -> bool:
    """Whether the configured database is in use: it has organisations or accounts (a database
    that was only migrated holds seed rows, but no organisation and no account)."""
    from .models import Org, User

    with connection.cursor() as cursor:
        tables = set(connection.introspection.table_names(cursor))
        for table in (Org._meta.db_table, User._meta.db_table):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return True
    return False


def uploaded_files(media: Path) -> Iterator[Path]:
    """The regular files under MEDIA_ROOT, in a stable order (symbolic links are left out)."""
    if not media.is_dir():
        return
    for root, dirs, names in os.walk(media):
        dirs.sort()
        for name in sorted(names):
            path = Path(root) / name
            if path.is_file() and not path.is_symlink():
                yield path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def pg_binary(name: str) -> str:
    """pg_dump / pg_restore: on PATH, else the newest in Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version_of)
    if not candidates:
        raise BackupError(
            f"找不到 {name}：请安装 PostgreSQL 客户端（Debian: apt install postgresql-client）。"
            f"{name} not found: install the PostgreSQL client tools (Debian: apt install postgresql-client)."
        )
    return candidates[-1]


def _version_of(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) for part in version.split(".") if part.isdigit())


def _pg_environment() -> dict[str, str]:
    """libpq's environment for the configured database (the password never on a command line)."""
    settings_dict = connection.settings_dict
    env = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = str(settings_dict["NAME"])
    for option in ("sslmode", "sslrootcert", "sslcert", "sslkey"):
        value = (settings_dict.get("OPTIONS") or {}).get(option)
        if value:
            env[f"PG{option.upper()}"] = str(value)
    return env


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, env=_pg_environment(), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{what} 失败 / failed ({result.returncode}):\n{result.stderr.strip()[-2000:]}")
