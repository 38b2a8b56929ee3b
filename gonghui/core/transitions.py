"""Explicit state machines: every app keeps its transition table in enums.py; this is the one
place a table is consulted, so a refused move reads the same everywhere and is never saved."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.functional import Promise

from .audit import audit
from .errors import DomainError


def check(
    table: Mapping[str, Any],
    current: str,
    to: str,
    *,
    choices: type[models.TextChoices],
    refused: str | Promise,
) -> None:
    """Raise DomainError(`refused`, with %(state)s and %(to)s filled) unless `table` allows it."""
    if to not in table[current]:
        raise DomainError(str(refused) % {"state": choices(current).label, "to": choices(to).label})


def move(
    obj: Any,
    *,
    to: str,
    table: Mapping[str, Any],
    choices: type[models.TextChoices],
    refused: str | Promise,
    action: str,
    actor: Any,
    org: Any,
    **after: Any,
) -> None:
    """Check the table, save the new `state` alone, audit before/after (with `after` extras)."""
    check(table, obj.state, to, choices=choices, refused=refused)
    before = obj.state
    obj.state = to
    obj.save(update_fields=["state"])
    audit(
        action=action, actor=actor, org=org, obj=obj, before={"state": before}, after={"state": to, **after}
    )
