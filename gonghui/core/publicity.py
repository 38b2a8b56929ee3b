"""Public notice (公示) as a service any app can use without importing the notices app.

The notices app registers its board in `NoticesConfig.ready()`:

    publicity.register(publicity.Board(
        create=services.notice_create, publish=services.notice_publish, visible=queries.notices_for,
    ))

Another app then puts a record on notice and learns when the outcome stands:

    notice = publicity.publish(actor=chair, org=poll.org, subject=poll, kind="award",
                               title=..., body=..., days=5, people=winners)
    publicity.notice_finalized.connect(on_final, dispatch_uid="voting.award_final")

`notice_finalized(sender=<notice model>, notice=notice)` is sent by the notices app exactly once
per notice, inside the transaction that makes it final (so a receiver's writes commit or roll
back with it); `notices.signals` re-exports it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.dispatch import Signal
from django.utils.translation import gettext as _

from .errors import DomainError
from .models import Org
from .writes import service

notice_finalized = Signal()


@dataclass(frozen=True)
class Board:
    create: Callable[..., Any]  # create(*, actor, org, title, body, kind, subject, days, people) -> notice
    publish: Callable[..., Any]  # publish(*, actor, notice) -> the notice as published
    visible: Callable[[Any], Any]  # visible(user) -> queryset of the notices the user may open


_board: list[Board] = []  # at most one: the installed notices app


def register(board: Board) -> Board:
    _board[:] = [board]
    return board


@service
def publish(
    *,
    actor: Any,
    org: Org,
    subject: Any,
    kind: str,
    title: str,
    body: str,
    days: int,
    people: Iterable[Any] = (),
) -> Any:
    """Put `subject` on public notice in `org` for `days` working days, concerning `people`
    (members, told when it is published); the published notice. `actor` None is the system."""
    if not _board:
        raise DomainError(_("未启用公示功能，不能发布公示。"))
    board = _board[0]
    notice = board.create(
        actor=actor, org=org, title=title, body=body, kind=kind, subject=subject, days=days, people=people
    )
    return board.publish(actor=actor, notice=notice)


def may_see(user: Any, notice_id: int) -> bool:
    """Whether `user` may open the notice (drafts only for the union's panel)."""
    return bool(_board) and _board[0].visible(user).filter(pk=notice_id).exists()
