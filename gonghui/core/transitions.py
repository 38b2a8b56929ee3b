"""Explicit state machines: the one way any state-like field changes.

A model declares its machine next to itself, as a class attribute:

    class Poll(models.Model):
        state = models.CharField(choices=PollState.choices, default=PollState.DRAFT, ...)
        states: ClassVar[StateMachine] = StateMachine(
            field="state", choices=PollState, table=POLL_TRANSITIONS,
            stamps={PollState.CLOSED: "closed_at"}, action="voting.poll_state",
            refused=_("投票当前为“%(state)s”，不能改为“%(to)s”。"),
        )

and services move it with `Poll.states.move(poll, to=..., actor=..., org=...)`: the table is
consulted, the timestamp of the new state is set, the row is saved and the move audited, so a
refused move reads the same everywhere and is never saved. A background step that must win a race
(a worker claiming a queued job) uses `move_rows`, a compare-and-set UPDATE that moves only rows
whose current state allows the move. tests/test_house_rules.py forbids writing a declared field
anywhere else (a row may still be created in its initial state)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .audit import audit
from .errors import DomainError

REFUSED = _("当前为“%(state)s”，不能改为“%(to)s”。")


@dataclasses.dataclass(frozen=True, eq=False)
class StateMachine:
    """The transition table of one field of one model.

    `table` maps each state to the states it may move to; `stamps` maps a state to the datetime
    field set when a row enters it; `action` is the audit action of a move (None only for
    machines whose moves are audited elsewhere by design: `audited_elsewhere` says where);
    `refused` is the Chinese refusal, with %(state)s and %(to)s filled."""

    field: str
    choices: type[models.TextChoices]
    table: Mapping[str, Iterable[str]]
    refused: str | Promise = REFUSED
    stamps: Mapping[str, str] = dataclasses.field(default_factory=dict)
    action: str | None = None
    audited_elsewhere: str = ""

    def __post_init__(self) -> None:
        if self.action is None and not self.audited_elsewhere:
            raise ValueError("a state machine without an audit action must say where its moves are audited")

    # --- questions ----------------------------------------------------------------------------

    def allows(self, current: str, to: str) -> bool:
        return to in self.table.get(current, ())

    def check(self, current: str, to: str, *, refused: str | Promise | None = None) -> None:
        """Raise DomainError (the machine's refusal, or `refused`) unless current → to is allowed."""
        if to not in self.choices.values:
            raise DomainError(str(refused or self.refused) % {"state": self._label(current), "to": to})
        if not self.allows(current, to):
            message = str(refused or self.refused)
            raise DomainError(message % {"state": self._label(current), "to": self._label(to)})

    def sources(self, to: str) -> list[str]:
        """The states a row may move to `to` from."""
        return [state for state, targets in self.table.items() if to in targets]

    # --- moves --------------------------------------------------------------------------------

    def move(
        self,
        obj: models.Model,
        *,
        to: str,
        actor: Any = None,
        org: Any = None,
        action: str | None = None,
        refused: str | Promise | None = None,
        fields: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        audit_fields: bool = False,
    ) -> None:
        """Check the table, set the field (and the new state's timestamp, and `fields` along with
        it), save only those, and audit before/after. `before`/`after` add to the audit record
        (`audit_fields=True` records `fields` in `after` too)."""
        current = getattr(obj, self.field)
        self.check(current, to, refused=refused)
        changes: dict[str, Any] = {self.field: to}
        stamp = self.stamps.get(to)
        if stamp and not (fields and stamp in fields):
            changes[stamp] = timezone.now()
        changes |= dict(fields or {})
        for name, value in changes.items():
            setattr(obj, name, value)
        update_fields = list(changes)
        # A row's own "last changed" stamp moves with its state.
        update_fields += [
            f.name
            for f in obj._meta.concrete_fields
            if getattr(f, "auto_now", False) and f.name not in changes
        ]
        obj.save(update_fields=update_fields)
        action = action or self.action
        if action is None:
            return  # audited elsewhere by design (see `audited_elsewhere`)
        recorded_after: dict[str, Any] = {self.field: to}
        if audit_fields:
            recorded_after |= {k: v for k, v in (fields or {}).items() if k != self.field}
        recorded_after |= dict(after or {})
        audit(
            action=action,
            actor=actor,
            org=org,
            obj=obj,
            before={self.field: current, **(before or {})},
            after=recorded_after,
        )

    def move_rows(
        self, queryset: models.QuerySet[Any], *, to: str, from_: Iterable[str] | None = None, **fields: Any
    ) -> int:
        """Compare-and-set: move the rows of `queryset` that are in one of `from_` (default: every
        state the table allows to move to `to`) in one UPDATE, with `fields` and the timestamp;
        the number of rows moved (0 when another worker got there first). Not audited: only
        machines audited elsewhere by design (background jobs) may move rows in bulk."""
        if self.action is not None:
            raise TypeError("an audited state machine moves one row at a time (move)")
        sources = list(from_) if from_ is not None else self.sources(to)
        for source in sources:
            if not self.allows(source, to):
                raise ValueError(f"{self.choices.__name__}: {source} → {to} is not in the table")
        stamp = self.stamps.get(to)
        if stamp and stamp not in fields:
            fields[stamp] = timezone.now()
        return int(queryset.filter(**{f"{self.field}__in": sources}).update(**{self.field: to}, **fields))

    def _label(self, state: str) -> str:
        try:
            return str(self.choices(state).label)
        except ValueError:
            return str(state)


def machines() -> list[tuple[type[models.Model], StateMachine]]:
    """Every declared machine, with its model (for the house-rules test and docs)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        for value in vars(model).values():
            if isinstance(value, StateMachine):
                found.append((model, value))
    return found
