"""Row rules the activity models share (core.policy row_rule): who sees which rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q

from ..rules import ENTER_FOR_ROLES, PARTICIPANT_ROLES

if TYPE_CHECKING:
    from gonghui.core.access import Rows


def member_of(rows: Rows) -> list[int]:
    """Every org from the root down to one where the user holds a participant role: an activity
    organised by any of them is open to the user (a county's sports day reaches its schools)."""
    paths = [scope.path.strip("/").split("/") for scope in rows.scopes(PARTICIPANT_ROLES)]
    return sorted({int(part) for parts in paths for part in parts if part})


def units_q(rows: Rows, unit_lookup: str) -> Q | None:
    """Rows whose participating unit lies where the user is a unit officer (ENTER_FOR_ROLES)."""
    q: Q | None = None
    for scope in rows.scopes(ENTER_FOR_ROLES):
        one = Q(
            **{f"{unit_lookup}__path" if scope.this_org_only else f"{unit_lookup}__path__under": scope.path}
        )
        q = one if q is None else q | one
    return q


def either(*parts: Q | None) -> Q:
    """The OR of the parts that can match anything; no rows when none can."""
    q: Q | None = None
    for part in parts:
        if part is not None:
            q = part if q is None else q | part
    return q if q is not None else Q(pk__in=[])
