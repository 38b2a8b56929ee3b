"""`gonghui rotate-keys`: move the data keyed on GONGHUI_FIELD_KEY from an old key to a new one.

    # the new key is already in the environment; the old one is typed on stdin (not in history)
    GONGHUI_FIELD_KEY=<new> gonghui rotate-keys --old-key -
    # or: the environment still holds the old key; set GONGHUI_FIELD_KEY=<new> afterwards
    gonghui rotate-keys --new-key -

In one transaction, every app's registered re-keyer (`core.rekeying`) moves its data: members'
ID numbers are re-encrypted and their lookup hashes recomputed, the sealed ballots of open polls
are resealed with their receipt tags recomputed. A re-keyer may refuse first: paper ballot codes
cannot be re-hashed (only hashes are stored), so the command refuses while a poll in preparation
or open has unused codes (see `voting.rekey`). If the old key does not open the data, nothing is
changed. Stop the web server and the worker first: a process still running with the
old key would write new data under it.
"""

from __future__ import annotations

import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gonghui.core import keys, rekeying
from gonghui.core.audit import audit


class Command(BaseCommand):
    help = (
        "Re-encrypt ID numbers and reseal open ballots under a new GONGHUI_FIELD_KEY "
        "(new key = GONGHUI_FIELD_KEY unless --new-key is given)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--old-key", help="the key the data is under now ('-' reads it from stdin)")
        parser.add_argument("--new-key", help="the key to move to ('-' reads it from stdin)")

    def handle(self, *args: Any, **options: Any) -> None:
        old, new = self._keys(options["old_key"], options["new_key"])
        rekeyers = rekeying.rekeyers()
        refusals = [reason for r in rekeyers if r.refusal is not None and (reason := r.refusal())]
        if refusals:
            raise CommandError("\n".join(refusals))
        try:
            with transaction.atomic():
                counts = {r.key: r.rekey(old=old, new=new) for r in rekeyers}
                audit(
                    action="keys.rotate",
                    actor_label="命令行 rotate-keys",
                    after={**counts, "old_key": keys.fingerprint(old), "new_key": keys.fingerprint(new)},
                )
        except keys.WrongKey as error:
            raise CommandError(_wrong_key_message(error)) from error
        done = "，".join(r.done.format(count=counts[r.key]) for r in rekeyers)
        done_en = ", ".join(r.done_en.format(count=counts[r.key]) for r in rekeyers)
        self.stdout.write(
            f"已更换密钥（新密钥指纹 {keys.fingerprint(new)}）：{done}。\n"
            f"Keys rotated (new key fingerprint {keys.fingerprint(new)}): {done_en}."
        )
        if new != keys.configured_key():
            self.stdout.write(
                self.style.WARNING(
                    "现在请把 GONGHUI_FIELD_KEY 设为新密钥，再启动服务，并备份新密钥。"
                    "Now set GONGHUI_FIELD_KEY to the new key before starting the server, and back the new key up."
                )
            )

    def _keys(self, old: str | None, new: str | None) -> tuple[str, str]:
        if old is None and new is None:
            raise CommandError(
                "请用 --old-key 给出旧密钥（新密钥取 GONGHUI_FIELD_KEY），或用 --new-key 给出新密钥。"
                "Give the old key with --old-key (the new one is GONGHUI_FIELD_KEY), or the new key with --new-key."
            )
        old = _read(old, "old") if old is not None else keys.field_key()
        new = _read(new, "new") if new is not None else keys.field_key()
        if not old or not new:
            raise CommandError("密钥不能为空。A key must not be empty.")
        if old == new:
            raise CommandError(
                "新旧密钥相同，无需更换（新密钥取自 GONGHUI_FIELD_KEY，除非给出 --new-key）。"
                "The old and the new key are the same (the new key is GONGHUI_FIELD_KEY unless --new-key is given)."
            )
        if new == keys.DEV_KEY and not settings.DEBUG:
            raise CommandError(
                "新密钥不能是公开的开发密钥。The new key must not be the published development key."
            )
        if len(new) < keys.MIN_LENGTH:
            raise CommandError(
                f"新密钥太短（少于{keys.MIN_LENGTH}个字符）。The new key is shorter than {keys.MIN_LENGTH} characters."
            )
        return old, new


def _read(value: str, which: str) -> str:
    if value != "-":
        return value
    if sys.stdin.isatty():
        sys.stderr.write(f"{which} key: ")
        sys.stderr.flush()
    return sys.stdin.readline().strip()


def _wrong_key_message(error: keys.WrongKey) -> str:
    if error.new_opens:
        return (
            f"未更换密钥：{error.what}已经是新密钥加密的（{error.failed}/{error.total}），可能已经更换过。未做任何修改。"
            f"\nKeys NOT rotated: the data ({error.failed} of {error.total} rows) is already under the new key. "
            "Nothing was changed."
        )
    return (
        f"未更换密钥：给出的旧密钥打不开{error.failed}/{error.total}条{error.what}，请核对旧密钥。未做任何修改。"
        f"\nKeys NOT rotated: the old key does not open {error.failed} of {error.total} rows. Check the old key. "
        "Nothing was changed."
    )
