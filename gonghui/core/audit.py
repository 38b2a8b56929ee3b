"""The append-only audit log: who did what, where, from which address, with what outcome."""

from __future__ import annotations

import contextvars
import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from .enums import Outcome

MIN_RETENTION_DAYS = 184

# Set by middleware for the duration of a request, so services can audit the source address
# without every service taking the request as an argument.
current_ip: contextvars.ContextVar[str | None] = contextvars.ContextVar("gonghui_current_ip", default=None)

# How many events this context has recorded: `core.writes.service` reads it to prove that a write
# was audited (a counter, not a flag, so nested services each see their own events).
recorded: contextvars.ContextVar[int] = contextvars.ContextVar("gonghui_audit_recorded", default=0)


def client_ip(request: Any) -> str | None:
    """The address the request came from. Behind a reverse proxy (GONGHUI_PROXY=1) every request
    comes from the proxy, which appends the client's address to X-Forwarded-For: its last entry is
    the one to trust (earlier entries are whatever the client sent). Without a proxy the header is
    ignored, since anyone can set it (and so dodge the per-address login limit)."""
    if getattr(settings, "GONGHUI_PROXY", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded[:45]
    return request.META.get("REMOTE_ADDR") or None


def audit(
    *,
    action: str,
    actor: Any = None,
    org: Any = None,  # an Org or its id
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: str = Outcome.SUCCESS,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    detail: str = "",
    ip: str | None = None,
    actor_label: str = "",
) -> Any:
    from .models import AuditEvent

    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    if org is not None and not isinstance(org, int):
        org = org.pk
    recorded.set(recorded.get() + 1)
    return AuditEvent.objects.create(
        actor=actor,
        actor_label=(actor_label or (actor.get_username() if actor is not None else ""))[:150],
        org_id=org,
        action=action,
        # Ids can come from a request (a refused `?union=…`): cut them to the columns' length.
        object_type=object_type[:60],
        object_id=str(object_id)[:40],
        object_repr=str(obj)[:200] if obj is not None else "",
        outcome=outcome,
        ip=ip or current_ip.get(),
        before=before,
        after=after,
        detail=detail[:300],
    )


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(obj: models.Model, fields: list[str]) -> dict[str, Any]:
    """A JSON-safe picture of `fields` of `obj`, for before/after in the audit log."""
    return {name: _json_value(getattr(obj, name)) for name in fields}


def changed(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


def retention_days() -> int:
    """The configured retention, never below the legal minimum of 184 days."""
    return max(int(getattr(settings, "GONGHUI_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS)), MIN_RETENTION_DAYS)


def prune_expired(*, now: dt.datetime | None = None) -> int:
    """Delete events older than the retention period; the only way rows ever leave the log."""
    from .models import AuditEvent

    cutoff = (now or timezone.now()) - dt.timedelta(days=retention_days())
    queryset = AuditEvent.objects.filter(at__lt=cutoff)
    return int(queryset._raw_delete(queryset.db))
