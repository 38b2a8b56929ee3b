"""What the activity services share: who may act, locking, quotas, and filling places.

Places are never over-given: every write that gives or frees a place first locks the activity row
(and its quota rows) with SELECT … FOR UPDATE, so on PostgreSQL concurrent sign-ups for one
activity queue behind each other and each counts the places the one before it took. On SQLite
every write transaction is BEGIN IMMEDIATE (settings), which serialises them the same way.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Max
from django.utils import timezone

from gonghui.core.access import may
from gonghui.core.enums import OrgKind
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.policy import Grant

from ..enums import EntryState
from ..models import Activity, ActivityQuota, Entry


def _require(actor: User | None, grant: Grant, org: Org, message: str) -> None:
    """`actor=None` is the system (demo, imports); a person needs the grant over `org`."""
    if actor is not None and not may(actor, grant, org):
        raise DomainError(message)


def _locked(activity: Activity) -> Activity:
    """The activity row, locked until the transaction ends (see the module docstring)."""
    return Activity.objects.select_for_update(of=("self",)).select_related("org").get(pk=activity.pk)


def _quotas(activity: Activity) -> list[ActivityQuota]:
    """The activity's quota rows, locked after the activity (always in this order: no deadlock)."""
    return list(
        ActivityQuota.objects.select_for_update(of=("self",)).filter(activity=activity).select_related("unit")
    )


def union_of(org: Org) -> Org:
    """The union a member or group belongs to: a union group's parent union, else the org."""
    if org.kind == OrgKind.GROUP and org.parent_id is not None:
        return Org.objects.get(pk=org.parent_id)
    return org


def quota_for(path: str, quotas: list[ActivityQuota]) -> ActivityQuota | None:
    """The deepest quota whose unit contains `path` (a county's quota per school, a city's per county)."""
    matching = [q for q in quotas if path.startswith(q.unit.path)]
    return max(matching, key=lambda q: len(q.unit.path), default=None)


class Places:
    """The entered places of one locked activity: the whole, and under each quota's unit."""

    def __init__(self, activity: Activity, quotas: list[ActivityQuota]) -> None:
        self.activity = activity
        self.quotas = quotas
        # The unit path of every entered entry: a quota counts the entries at or below its unit,
        # so a quota set after some sign-ups still counts them.
        self.paths = list(
            Entry.objects.filter(activity=activity, state=EntryState.ENTERED).values_list(
                "unit__path", flat=True
            )
        )

    def full(self) -> bool:
        return self.activity.cap is not None and len(self.paths) >= self.activity.cap

    def fits(self, unit: Org) -> bool:
        if self.full():
            return False
        quota = quota_for(unit.path, self.quotas)
        return quota is None or self.taken_under(quota.unit) < quota.max_entries

    def taken_under(self, unit: Org) -> int:
        return sum(1 for path in self.paths if path.startswith(unit.path))

    def take(self, unit: Org) -> None:
        self.paths.append(unit.path)


def next_position(activity: Activity) -> int:
    top = Entry.objects.filter(activity=activity).aggregate(top=Max("position"))["top"]
    return (top or 0) + 1


def _fill(*, actor: User | None, activity: Activity) -> list[Entry]:
    """Move waiting entries up, first come first, while places are free (after a withdrawal, a
    larger quota or cap). The activity must already be locked by the caller."""
    places = Places(activity, _quotas(activity))
    moved: list[Entry] = []
    waiting = (
        Entry.objects.filter(activity=activity, state=EntryState.WAITING)
        .select_related("unit")
        .order_by("position", "id")
    )
    for entry in waiting:
        if places.full():
            break
        if not places.fits(entry.unit):
            continue
        Entry.states.move(
            entry,
            to=EntryState.ENTERED,
            actor=actor,
            org=activity.org,
            action="activities.entry_promote",
            fields={"position": None},
        )
        places.take(entry.unit)
        moved.append(entry)
    return moved


def initial_state(activity: Activity, unit: Org) -> dict[str, Any]:
    """A new entry's state: entered if a place is free for `unit`, else waiting at the end."""
    if Places(activity, _quotas(activity)).fits(unit):
        return {"state": EntryState.ENTERED, "entered_at": timezone.now()}
    return {"state": EntryState.WAITING, "position": next_position(activity)}


def refuse_unless(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message)
