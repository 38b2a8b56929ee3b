"""Writes of activities: kinds, the activity, its quotas and its lifecycle."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service
from gonghui.members.models import Member

from ..enums import ActivityState, Eligibility, EntryMode, SpendingCategory
from ..models import Activity, ActivityKind, ActivityQuota
from ..rules import ORGANISER_ROLES
from ._common import _fill, _locked, _require, refuse_unless

NOT_ORGANISER = _("只有主办工会的负责人可以管理该活动。")
# What activity_update may change; the organiser and the entry mode are fixed once created.
EDITABLE = (
    "kind", "title", "description", "starts_at", "ends_at", "place", "eligibility", "group", "cap",
    "team_size", "signup_deadline", "budget_fen", "cost_fen", "spending",
)  # fmt: skip


@service
def kind_create(*, actor: User | None, org: Org, name: str, code: str = "") -> ActivityKind:
    """A union adds a kind of its own, seen in its subtree beside the seeded ones."""
    _require(actor, ORGANISER_ROLES, org, _("只有工会负责人可以维护活动类别。"))
    name = name.strip()
    refuse_unless(bool(name), _("请填写类别名称。"))
    taken = (
        ActivityKind.objects.filter(name=name, org__isnull=True).exists()
        or ActivityKind.objects.filter(name=name, org=org).exists()
    )
    refuse_unless(not taken, _("已有名为“%(name)s”的活动类别。") % {"name": name})
    kind = ActivityKind.objects.create(org=org, name=name, code=code.strip() or name)
    audit(action="activities.kind_create", actor=actor, org=org, obj=kind, after={"name": name})
    return kind


def _check(activity: Activity, invited: Iterable[Member] = ()) -> None:
    """The rules an activity's fields obey, with the Chinese reason for each."""
    org = activity.org
    refuse_unless(bool(activity.title.strip()), _("请填写活动名称。"))
    kind_org = activity.kind.org
    refuse_unless(kind_org is None or org.path.startswith(kind_org.path), _("该活动类别不属于本工会。"))
    refuse_unless(activity.ends_at >= activity.starts_at, _("结束时间不能早于开始时间。"))
    refuse_unless(activity.signup_deadline <= activity.starts_at, _("报名截止时间不能晚于活动开始时间。"))
    if activity.eligibility == Eligibility.GROUP:
        group = activity.group
        refuse_unless(group is not None, _("请选择参加的工会或工会小组。"))
        assert group is not None
        refuse_unless(group.path.startswith(org.path), _("参加的工会(小组)须在主办工会之下。"))
    invited = list(invited)
    refuse_unless(activity.eligibility != Eligibility.LIST or bool(invited), _("请填写参加名单。"))
    for member in invited:
        refuse_unless(
            member.org.path.startswith(org.path),
            _("名单中的%(name)s不是本工会的会员。") % {"name": member.name},
        )
    refuse_unless(activity.entry_mode in EntryMode.values, _("报名方式无效。"))
    refuse_unless(activity.spending in SpendingCategory.values, _("支出科目无效。"))
    for money in (activity.budget_fen, activity.cost_fen):
        refuse_unless(isinstance(money, int) and money >= 0, _("金额须为不小于零的整数(分)。"))
    refuse_unless(activity.cap is None or activity.cap >= 1, _("名额上限至少为1。"))
    refuse_unless(activity.team_size is None or activity.team_size >= 1, _("每队上场人数至少为1。"))


@service
def activity_create(
    *,
    actor: User | None,
    org: Org,
    kind: ActivityKind,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    signup_deadline: dt.datetime,
    place: str = "",
    description: str = "",
    eligibility: str = Eligibility.SUBTREE,
    group: Org | None = None,
    invited: Iterable[Member] = (),
    entry_mode: str = EntryMode.INDIVIDUAL,
    cap: int | None = None,
    team_size: int | None = None,
    budget_fen: int = 0,
    cost_fen: int = 0,
    spending: str = SpendingCategory.CULTURE_SPORTS,
) -> Activity:
    """A draft activity of `org`; sign-up starts with activity_open."""
    _require(actor, ORGANISER_ROLES, org, NOT_ORGANISER)
    invited = list(invited)
    activity = Activity(
        org=org, kind=kind, title=title.strip(), description=description, starts_at=starts_at, ends_at=ends_at,
        signup_deadline=signup_deadline, place=place, eligibility=eligibility,
        group=group if eligibility == Eligibility.GROUP else None, entry_mode=entry_mode, cap=cap,
        team_size=team_size if entry_mode == EntryMode.TEAM else None, budget_fen=budget_fen,
        cost_fen=cost_fen, spending=spending, created_by=actor,
    )  # fmt: skip
    _check(activity, invited)
    activity.save()
    if eligibility == Eligibility.LIST:
        activity.invited.set(invited)
    audit(
        action="activities.activity_create", actor=actor, org=org, obj=activity,
        after={"title": activity.title, "kind": kind.pk, "cap": cap, "entry_mode": entry_mode,
               "eligibility": eligibility, "invited": [m.pk for m in invited]},
    )  # fmt: skip
    return activity


@service
def activity_update(*, actor: User | None, activity: Activity, changes: Mapping[str, Any]) -> Activity:
    """Change the fields in `changes` (of EDITABLE); a larger cap lets the waiting list move up."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"activity_update cannot change {sorted(unknown)}")
    activity = _locked(activity)
    _require(actor, ORGANISER_ROLES, activity.org, NOT_ORGANISER)
    refuse_unless(
        activity.state not in (ActivityState.DONE, ActivityState.CANCELLED),
        _("活动已举办或已取消，不能再修改。"),
    )
    before = {name: getattr(activity, name) for name in changes}
    for name, value in changes.items():
        setattr(activity, name, value)
    changed = {name: value for name, value in changes.items() if before[name] != value}
    if not changed:
        return activity
    _check(activity, activity.invited.select_related("org"))
    activity.save(update_fields=list(changed))
    audit(
        action="activities.activity_update", actor=actor, org=activity.org, obj=activity,
        before={name: _plain(before[name]) for name in changed},
        after={name: _plain(value) for name, value in changed.items()},
    )  # fmt: skip
    if "cap" in changed:
        _fill(actor=actor, activity=activity)
    return activity


def _plain(value: Any) -> Any:
    """An audit-friendly value: a row by its id, a time in ISO form (shown as a Chinese date)."""
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value.pk if hasattr(value, "pk") else value


@service
def quota_set(
    *, actor: User | None, activity: Activity, unit: Org, max_entries: int | None
) -> ActivityQuota | None:
    """Set (or, with None, remove) the places of one participating unit; a larger quota lets the
    unit's waiting entries move up."""
    activity = _locked(activity)
    _require(actor, ORGANISER_ROLES, activity.org, NOT_ORGANISER)
    refuse_unless(
        unit.path.startswith(activity.org.path) and unit.pk != activity.org_id,
        _("名额只能分配给主办工会下属的单位。"),
    )
    refuse_unless(max_entries is None or max_entries >= 0, _("名额不能为负数。"))
    quota = ActivityQuota.objects.select_for_update().filter(activity=activity, unit=unit).first()
    before = quota.max_entries if quota is not None else None
    if before == max_entries:
        return quota
    if max_entries is None:
        assert quota is not None
        quota.delete()
        quota = None
    elif quota is None:
        quota = ActivityQuota.objects.create(activity=activity, unit=unit, max_entries=max_entries)
    else:
        quota.max_entries = max_entries
        quota.save(update_fields=["max_entries"])
    audit(
        action="activities.quota_set", actor=actor, org=activity.org, obj=activity,
        before={"unit": unit.pk, "max_entries": before}, after={"unit": unit.pk, "max_entries": max_entries},
    )  # fmt: skip
    _fill(actor=actor, activity=activity)
    return quota


def _move(actor: User | None, activity: Activity, to: str, **fields: Any) -> Activity:
    activity = _locked(activity)
    _require(actor, ORGANISER_ROLES, activity.org, NOT_ORGANISER)
    Activity.states.move(activity, to=to, actor=actor, org=activity.org, fields=fields, audit_fields=True)
    return activity


@service
def activity_open(*, actor: User | None, activity: Activity) -> Activity:
    """Start sign-up (a closed activity may be reopened before it is held)."""
    return _move(actor, activity, ActivityState.OPEN)


@service
def activity_close(*, actor: User | None, activity: Activity) -> Activity:
    """End sign-up early; the deadline ends it anyway."""
    return _move(actor, activity, ActivityState.CLOSED)


@service
def activity_finish(*, actor: User | None, activity: Activity) -> Activity:
    """Record that a closed activity was held (what the figures count)."""
    return _move(actor, activity, ActivityState.DONE)


@service
def activity_cancel(*, actor: User | None, activity: Activity, reason: str) -> Activity:
    reason = reason.strip()
    if not reason:
        raise DomainError(_("请填写取消原因。"))
    return _move(actor, activity, ActivityState.CANCELLED, cancel_reason=reason)
