"""Moving the ballot box from one GONGHUI_FIELD_KEY to another (`manage.py rotate-keys`).

- Sealed ballots (polls still open) are unsealed with the old key, sealed again with the new one,
  and their receipt tags recomputed: the poll still closes and counts under the new key.
- Paper ballot codes (随机码) cannot be moved: only their keyed hashes are stored, and a hash
  cannot be recomputed without the code printed on the slip. A code of a poll that is over is never
  checked again and a used code is refused anyway, so those stay as they are; but unused codes
  of a poll that is still in preparation or open would stop verifying. `unmovable_paper_codes`
  names those polls and the rotation refuses to run until they are closed (or the draft cancelled).
  Keeping a list of old keys to try instead would keep a retired (perhaps leaked) key in use.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django.db.models import Count, Q

from gonghui.core import keys

from . import sealing
from .enums import PollState
from .models import Ballot, Poll

CHUNK = 500
UNFINISHED = (PollState.DRAFT, PollState.OPEN)


def unmovable_paper_codes() -> list[tuple[Poll, int]]:
    """Polls in preparation or open with unused paper codes, and how many each has."""
    polls = (
        Poll.objects.filter(state__in=UNFINISHED)
        .annotate(unused=Count("paper_codes", filter=Q(paper_codes__used=False)))
        .filter(unused__gt=0)
        .order_by("pk")
    )
    return [(poll, poll.unused) for poll in polls]


def refusal() -> str:
    """Why the rotation must wait (polls with unused paper codes, named), or "" when it need not."""
    blocked = unmovable_paper_codes()
    if not blocked:
        return ""
    polls = "、".join(f"「{poll.title}」（{count}张）" for poll, count in blocked)
    return (
        f"未更换密钥：以下未结束的投票还有未使用的纸质随机码：{polls}。随机码只保存了哈希，"
        "更换密钥后将无法核验，也无法用新密钥重新计算。请在这些投票结束（或取消准备中的投票）后再更换密钥。"
        "\nKeys NOT rotated: polls in preparation or open still have unused paper ballot codes. Only "
        "their hashes are stored, so they cannot be re-hashed under the new key; rotate after these "
        "polls are closed (or the drafts cancelled)."
    )


def rekey_ballots(*, old: str, new: str) -> int:
    """Reseal every sealed ballot under the new key and recompute its receipt tag; the number of
    ballots rewritten. Raises keys.WrongKey (after checking them all) if the old key does not
    open one; the caller's transaction then rolls back."""
    done = failed = total = 0
    sample: tuple[int, dict[str, str]] | None = None
    batch: list[Ballot] = []
    for pk, poll_id, tag, stored in _pages():
        if not sealing.is_sealed(stored):
            continue
        total += 1
        try:
            choices, receipt = sealing.unseal(poll_id, stored, secret=old)
            if sealing.receipt_tag(poll_id, receipt, secret=old) != tag:
                raise sealing.SealError("the receipt tag was not made with this key")
        except sealing.SealError:
            failed += 1
            sample = sample or (poll_id, stored)
            continue
        if failed:
            continue
        ballot = Ballot(pk=pk, poll_id=poll_id)
        ballot.choices = sealing.seal(poll_id, choices, receipt, secret=new)
        ballot.receipt = sealing.receipt_tag(poll_id, receipt, secret=new)
        batch.append(ballot)
        if len(batch) >= CHUNK:
            done += _write(batch)
    if sample is not None:
        raise keys.WrongKey(
            "未结束投票的密封选票", failed=failed, total=total, new_opens=_opens(*sample, new)
        )
    return done + _write(batch)


def _pages() -> Iterator[tuple[uuid.UUID, int, str, Any]]:
    """The ballots of unfinished polls, a page at a time by primary key: no cursor stays open on
    the table while it is rewritten."""
    rows = Ballot.objects.filter(poll__state__in=UNFINISHED).order_by("pk")
    page = list(rows.values_list("pk", "poll_id", "receipt", "choices")[:CHUNK])
    while page:
        yield from page
        page = list(
            rows.filter(pk__gt=page[-1][0]).values_list("pk", "poll_id", "receipt", "choices")[:CHUNK]
        )


def _write(batch: list[Ballot]) -> int:
    Ballot.objects.bulk_update(batch, ["choices", "receipt"])
    count = len(batch)
    batch.clear()
    return count


def _opens(poll_id: int, stored: dict[str, str], secret: str) -> bool:
    try:
        sealing.unseal(poll_id, stored, secret=secret)
    except sealing.SealError:
        return False
    return True
