"""Checks and locks shared by the voting services: the state a poll must be in, and the ballot
box lock (casting shares it, closing takes it alone)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

from gonghui.core.errors import DomainError

from ..enums import (
    PollState,
)
from ..models import (
    Poll,
)


def _require_state(poll: Poll, *states: str, message: str | None = None) -> None:
    if poll.state not in states:
        raise DomainError(
            message or _("投票当前为“%(state)s”，不能进行此操作。") % {"state": poll.get_state_display()}
        )


def _require_draft(poll: Poll) -> None:
    _require_state(
        poll, PollState.DRAFT, message=_("投票已开始，候选人、评议设置和选民名单均已冻结，不能再修改。")
    )


# --- the ballot box ---------------------------------------------------------------------------


# Advisory lock namespace of the ballot box (first key of PostgreSQL's two-key advisory locks).
BALLOT_BOX_LOCK = 0x766F7465  # "vote"


def _lock_poll_shared(poll: Poll) -> str | None:
    """Take the poll's ballot-box lock in SHARE mode and read its state (PostgreSQL).

    Casters share the lock, so they never wait for one another; closing takes it exclusively
    (`_lock_poll_exclusive`), so it waits for casts in flight and casts arriving meanwhile wait
    for it, then see the poll closed. An advisory lock rather than a row lock (SELECT … FOR
    SHARE): the lock manager queues a new sharer behind a waiting closer, whereas row-level
    sharers can keep a closer waiting for as long as votes keep arriving. The state is read after
    the lock is granted, so under READ COMMITTED it is the closer's committed state.
    SQLite serialises writers anyway (transaction_mode IMMEDIATE): a plain read there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [BALLOT_BOX_LOCK, poll.pk])
        cursor.execute(f"SELECT state FROM {Poll._meta.db_table} WHERE id = %s", [poll.pk])
        row = cursor.fetchone()
    return row[0] if row else None


def _lock_poll_exclusive(poll: Poll) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BALLOT_BOX_LOCK, poll.pk])


def _require_released(poll: Poll) -> None:
    if poll.state != PollState.RELEASED:
        raise DomainError(_("投票结束并公布结果之前，任何人（包括管理员）都不能查看结果。"))
