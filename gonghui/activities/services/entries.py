"""Writes of sign-up: individual entries, team entries, withdrawal (and the waiting list).

Each locks the activity row first (see `_common`): quotas and caps are counted and the new entry
written while no other sign-up of the same activity can, so none is ever exceeded.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import may
from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members.enums import MemberStatus
from gonghui.members.models import Member

from ..enums import LIVE_ENTRY_STATES, RUNNING_STATES, ActivityState, Eligibility, EntryMode, EntryState
from ..models import Activity, Entry, Team, TeamMember
from ..rules import ENTER_FOR_ROLES, ORGANISER_ROLES
from ._common import _fill, _locked, initial_state, refuse_unless, union_of


def _may_take_part(activity: Activity, member: Member) -> None:
    """The member is active and within who may take part."""
    refuse_unless(
        member.status == MemberStatus.ACTIVE,
        _("%(name)s当前不是正常会籍，不能报名。") % {"name": member.name},
    )
    path = member.org.path
    if activity.eligibility == Eligibility.GROUP and activity.group is not None:
        allowed = path.startswith(activity.group.path)
    elif activity.eligibility == Eligibility.LIST:
        allowed = activity.invited.filter(pk=member.pk).exists()
    else:
        allowed = path.startswith(activity.org.path)
    refuse_unless(allowed, _("%(name)s不在本活动的参加范围内。") % {"name": member.name})


def _signup_open(activity: Activity) -> None:
    refuse_unless(activity.state == ActivityState.OPEN, _("活动当前不在报名中。"))
    refuse_unless(timezone.now() <= activity.signup_deadline, _("报名已截止。"))


def _busy(activity: Activity, members: Iterable[Member]) -> list[Member]:
    """Of `members`, those already holding or waiting for a place (alone or in a live team)."""
    ids = [m.pk for m in members]
    alone = Entry.objects.filter(activity=activity, member__in=ids, state__in=LIVE_ENTRY_STATES)
    teamed = TeamMember.objects.filter(
        team__activity=activity, team__entry__state__in=LIVE_ENTRY_STATES, member__in=ids
    )
    busy = set(alone.values_list("member_id", flat=True)) | set(teamed.values_list("member_id", flat=True))
    return [m for m in members if m.pk in busy]


@service
def entry_sign_up(*, actor: User | None, activity: Activity, member: Member | None = None) -> Entry:
    """A member signs up for themselves (`member` None: the actor's own member record), or a unit's
    officer signs up a member of their unit. Entered while a place is free for the member's
    union (cap, quota), else on the waiting list."""
    if member is None:
        own = Member.objects.select_related("org").filter(user=actor).first() if actor is not None else None
        if own is None:
            raise DomainError(_("您的账号没有关联会员信息，请联系本单位工会。"))
        member = own
    if actor is not None and member.user_id != actor.pk and not may(actor, ENTER_FOR_ROLES, member.org):
        raise DomainError(_("只能为本单位的会员报名。"))
    activity = _locked(activity)
    refuse_unless(
        activity.entry_mode == EntryMode.INDIVIDUAL, _("本活动为组队报名，请由队长或单位组队报名。")
    )
    _signup_open(activity)
    _may_take_part(activity, member)
    refuse_unless(not _busy(activity, [member]), _("%(name)s已经报名了本活动。") % {"name": member.name})
    unit = union_of(member.org)
    entry = Entry.objects.create(
        activity=activity, unit=unit, member=member, entered_by=actor, **initial_state(activity, unit)
    )
    audit(
        action="activities.entry_sign_up", actor=actor, org=activity.org, obj=entry,
        after={"activity": activity.pk, "member": member.pk, "unit": unit.pk, "state": entry.state,
               "position": entry.position},
    )  # fmt: skip
    return entry


@service
def team_enter(
    *,
    actor: User | None,
    activity: Activity,
    name: str,
    captain: Member,
    players: Iterable[Member],
    substitutes: Iterable[Member] = (),
) -> Entry:
    """The captain (or an officer of the captain's union) enters a team of that union's members;
    the team takes one place (cap, quota) or waits for one."""
    players, substitutes = list(players), list(substitutes)
    unit = union_of(captain.org)
    if actor is not None and captain.user_id != actor.pk and not may(actor, ENTER_FOR_ROLES, unit):
        raise DomainError(_("只能为本单位组队报名。"))
    activity = _locked(activity)
    refuse_unless(activity.entry_mode == EntryMode.TEAM, _("本活动为个人报名，不能组队报名。"))
    _signup_open(activity)
    name = name.strip()
    refuse_unless(bool(name), _("请填写队名。"))
    refuse_unless(captain in players, _("队长须是上场队员。"))
    everyone = players + substitutes
    refuse_unless(len({m.pk for m in everyone}) == len(everyone), _("同一人不能在队中出现两次。"))
    if activity.team_size is not None:
        refuse_unless(
            len(players) == activity.team_size, _("每队上场%(n)d人，当前为%(m)d人。") % {"n": activity.team_size,
                                                                                    "m": len(players)}
        )  # fmt: skip
    for member in everyone:
        refuse_unless(
            member.org.path.startswith(unit.path), _("%(name)s不是本单位的会员。") % {"name": member.name}
        )
        _may_take_part(activity, member)
    busy = _busy(activity, everyone)
    refuse_unless(not busy, _("%(names)s已经报名了本活动。") % {"names": "、".join(m.name for m in busy)})
    team = Team.objects.create(activity=activity, unit=unit, name=name, captain=captain, created_by=actor)
    TeamMember.objects.bulk_create(
        [TeamMember(team=team, member=m) for m in players]
        + [TeamMember(team=team, member=m, substitute=True) for m in substitutes]
    )
    entry = Entry.objects.create(activity=activity, unit=unit, team=team, entered_by=actor,
                                 **initial_state(activity, unit))  # fmt: skip
    audit(
        action="activities.team_enter", actor=actor, org=activity.org, obj=entry,
        after={"activity": activity.pk, "team_name": name, "unit": unit.pk, "captain": captain.pk,
               "players": [m.pk for m in players], "substitutes": [m.pk for m in substitutes],
               "state": entry.state, "position": entry.position},
    )  # fmt: skip
    return entry


def _may_withdraw(actor: User, entry: Entry) -> bool:
    if entry.member is not None and entry.member.user_id == actor.pk:
        return True
    if entry.team is not None and entry.team.captain.user_id == actor.pk:
        return True
    return may(actor, ENTER_FOR_ROLES, entry.unit) or may(actor, ORGANISER_ROLES, entry.activity.org)


@service
def entry_withdraw(*, actor: User | None, entry: Entry) -> Entry:
    """Withdraw an entry (the member, the captain, their unit's officer or the organiser); the
    place it held goes to the first waiting entry it fits (same unit's quota, the cap)."""
    activity = _locked(entry.activity)
    entry = (
        Entry.objects.select_for_update(of=("self",))
        .select_related("member", "team__captain", "unit")
        .get(pk=entry.pk)
    )
    entry.activity = activity
    if actor is not None and not _may_withdraw(actor, entry):
        raise DomainError(_("只能退出自己或本单位的报名。"))
    refuse_unless(activity.state in RUNNING_STATES, _("活动已举办或已取消，不能再退出报名。"))
    refuse_unless(timezone.now() < activity.starts_at, _("活动已经开始，不能再退出报名。"))
    held_place = entry.state == EntryState.ENTERED
    Entry.states.move(
        entry, to=EntryState.WITHDRAWN, actor=actor, org=activity.org, fields={"position": None},
        refused=_("该报名已经退出。"),
    )  # fmt: skip
    if held_place:
        _fill(actor=actor, activity=activity)
    return entry
