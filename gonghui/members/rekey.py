"""Moving the members' ID numbers from one GONGHUI_FIELD_KEY to another (`manage.py rotate-keys`).

Each ID number is decrypted with the old key and encrypted again with the new one; its lookup
hash (duplicate checks, matching on re-import, search) is recomputed under the new key. Runs in
the caller's transaction: if one number does not open with the old key, `keys.WrongKey` is
raised after the whole table was checked, and the caller's rollback leaves every row as it was.
"""

from __future__ import annotations

from collections.abc import Iterator

from cryptography.fernet import InvalidToken
from django.db import connection

from gonghui.core import keys

from . import privacy
from .models import Member

CHUNK = 1000


def rekey_id_numbers(*, old: str, new: str) -> int:
    """Re-encrypt and re-hash every member's ID number; the number of members rewritten."""
    done = failed = total = 0
    sample = ""
    batch: list[Member] = []
    for pk, token in _pages():
        if not token:
            continue
        total += 1
        try:
            number = privacy.decrypt(token, secret=old)
        except InvalidToken:
            failed += 1
            sample = sample or token
            continue
        if failed:
            continue  # the rotation fails anyway: only count the rest
        member = Member(pk=pk)
        member.id_encrypted = privacy.encrypt(number, secret=new)
        member.id_hash = privacy.lookup_hash(number, secret=new)
        batch.append(member)
        if len(batch) >= CHUNK:
            done += _write(batch)
    if failed:
        raise keys.WrongKey("会员身份证号", failed=failed, total=total, new_opens=_opens(sample, new))
    return done + _write(batch)


def _pages() -> Iterator[tuple[int, str]]:
    """(pk, stored ID) of every member, a page at a time by primary key: no cursor stays open on the
    table while it is rewritten."""
    rows = Member._base_manager.order_by("pk").values_list("pk", "id_encrypted")
    last = 0
    while page := list(rows.filter(pk__gt=last)[:CHUNK]):
        yield from page
        last = page[-1][0]


def _write(batch: list[Member]) -> int:
    """One UPDATE per row through executemany. Django's bulk_update builds a CASE per column: on
    20,000 members it cost ~0.45 ms of CPU per member, this ~0.06 ms (crypto included)."""
    quote = connection.ops.quote_name
    sql = (
        f"UPDATE {quote(Member._meta.db_table)} SET {quote('id_encrypted')} = %s, {quote('id_hash')} = %s "
        f"WHERE {quote('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(m.id_encrypted, m.id_hash, m.pk) for m in batch])
    count = len(batch)
    batch.clear()
    return count


def _opens(token: str, secret: str) -> bool:
    try:
        privacy.decrypt(token, secret=secret)
    except InvalidToken:
        return False
    return True
