"""Writes of the activities app: keyword-only, atomic, audited (docs/architecture.md, "Writes").

One module per entity: `activities` (kinds, the activity, quotas, its lifecycle) and `entries`
(sign-up, teams, withdrawal and the waiting list). Every public name is re-exported here: callers
write `services.entry_sign_up(...)`.
"""

from __future__ import annotations

from .activities import (
    EDITABLE,
    activity_cancel,
    activity_close,
    activity_create,
    activity_finish,
    activity_open,
    activity_update,
    kind_create,
    quota_set,
)
from .entries import entry_sign_up, entry_withdraw, team_enter

__all__ = [
    "EDITABLE",
    "activity_cancel",
    "activity_close",
    "activity_create",
    "activity_finish",
    "activity_open",
    "activity_update",
    "entry_sign_up",
    "entry_withdraw",
    "kind_create",
    "quota_set",
    "team_enter",
]
