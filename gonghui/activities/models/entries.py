"""Sign-up (报名): teams a captain builds from their union's members, and entries, individual or
team, entered or on the waiting list (候补)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

from ..enums import ENTRY_TRANSITIONS, EntryState
from ..rules import ORGANISER_ROLES, VIEW_ROLES
from ._common import either, units_q
from .activities import Activity

if TYPE_CHECKING:
    from gonghui.core.access import Rows


def team_rows(rows: Rows) -> Q | None:
    """Officers over the organiser, the unit's officers, and the team's own members see a team."""
    if rows.action != "view":
        return None
    players = Q(pk__in=TeamMember.objects.filter(member__user=rows.user.pk).values("team_id"))
    return either(rows.within(), units_q(rows, "unit"), players)


class Team(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="teams")
    # The participating unit: every player comes from it (or its groups).
    unit = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("参加单位"))
    name = models.CharField(_("队名"), max_length=60)
    captain = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("队长")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="activity__org",
        view=VIEW_ROLES,
        change=ORGANISER_ROLES,
        owner_field="captain__user",
        row_rule=team_rows,
    )

    class Meta:
        verbose_name = _("参赛队")
        verbose_name_plural = _("参赛队")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


def team_member_rows(rows: Rows) -> Q | None:
    if rows.action != "view":
        return None
    return either(rows.within(), units_q(rows, "team__unit"), Q(team__captain__user=rows.user.pk))


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    member = models.ForeignKey(
        "members.Member", on_delete=models.PROTECT, related_name="+", verbose_name=_("队员")
    )
    substitute = models.BooleanField(_("替补"), default=False)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="team__activity__org",
        view=VIEW_ROLES,
        change=ORGANISER_ROLES,
        owner_field="member__user",
        row_rule=team_member_rows,
    )

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        ordering = ["substitute", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "member"], name="activities_team_member")]

    def __str__(self) -> str:
        return str(self.member)


def entry_rows(rows: Rows) -> Q | None:
    """Officers over the organiser and the entry's unit see it; a member their own entry, and a
    team's players their team's."""
    if rows.action != "view":
        return None
    players = Q(team__in=TeamMember.objects.filter(member__user=rows.user.pk).values("team_id"))
    return either(rows.within(), units_q(rows, "unit"), players)


class Entry(models.Model):
    """One place asked for: a member's own (individual mode) or a team's (team mode)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="entries")
    # The participating unit whose quota the entry counts against.
    unit = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("参加单位"))
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("会员"),
    )
    team = models.OneToOneField(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="entry", verbose_name=_("参赛队")
    )
    state = models.CharField(_("状态"), max_length=10, choices=EntryState.choices, default=EntryState.ENTERED)
    # Place on the waiting list (lower first); None once entered.
    position = models.PositiveIntegerField(_("候补顺序"), null=True, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    entered_at = models.DateTimeField(_("确认参加时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="activity__org",
        view=VIEW_ROLES,
        change=ORGANISER_ROLES,
        owner_field="member__user",
        row_rule=entry_rows,
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=EntryState,
        table=ENTRY_TRANSITIONS,
        action="activities.entry_state",
        stamps={EntryState.ENTERED: "entered_at", EntryState.WITHDRAWN: "withdrawn_at"},
        refused=_("报名当前为“%(state)s”，不能改为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["activity", "state", "unit"], name="activities_entry_state_idx"),
            models.Index(fields=["activity", "position"], name="activities_entry_waiting_idx"),
        ]
        constraints = [
            # One live entry per member and activity (after a withdrawal they may sign up again).
            models.UniqueConstraint(
                fields=["activity", "member"],
                condition=Q(member__isnull=False, state__in=["entered", "waiting"]),
                name="activities_entry_one_live",
            ),
            models.CheckConstraint(
                condition=Q(member__isnull=False, team__isnull=True)
                | Q(member__isnull=True, team__isnull=False),
                name="activities_entry_member_or_team",
            ),
        ]

    def __str__(self) -> str:
        return str(self.team or self.member)
