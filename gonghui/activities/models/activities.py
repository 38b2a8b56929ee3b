"""Activities (文体活动): the kinds a union keeps, the activity itself, and per-unit quotas."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

from ..enums import ACTIVITY_TRANSITIONS, ActivityState, Eligibility, EntryMode, SpendingCategory
from ..rules import ENTER_FOR_ROLES, ORGANISER_ROLES, PARTICIPANT_ROLES, VIEW_ROLES
from ._common import either, member_of, units_q

if TYPE_CHECKING:
    from gonghui.core.access import Rows


def kind_rows(rows: Rows) -> Q | None:
    """The seeded kinds (no org) are everyone's; a union's own kinds are seen in and below it."""
    if rows.action != "view":
        return None
    return either(Q(org__isnull=True), Q(org_id__in=member_of(rows)), rows.within())


class ActivityKind(models.Model):
    """A kind of activity (球类, 拔河, 读书…): a code table each union may extend."""

    # None: seeded for every union; else the union that added it (seen in its subtree).
    org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("工会")
    )
    code = models.CharField(_("代码"), max_length=30)
    name = models.CharField(_("名称"), max_length=30)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=PARTICIPANT_ROLES, change=ORGANISER_ROLES, row_rule=kind_rows
    )

    class Meta:
        verbose_name = _("活动类别")
        verbose_name_plural = _("活动类别")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="activities_kind_org_name"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(org__isnull=True), name="activities_kind_seeded_name"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def activity_rows(rows: Rows) -> Q | None:
    """Who sees an activity: officers over the organiser's subtree and every member in or below
    it once it is open; a draft only the organiser's officers; a participant their own entries'
    activities wherever they are now."""
    if rows.action != "view":
        return None
    from .entries import Entry, TeamMember

    user = rows.user.pk
    shown = either(rows.within(VIEW_ROLES), Q(org_id__in=member_of(rows))) & ~Q(state=ActivityState.DRAFT)
    mine = Q(pk__in=Entry.objects.filter(member__user=user).values("activity_id")) | Q(
        pk__in=TeamMember.objects.filter(member__user=user).values("team__activity_id")
    )
    return either(shown, rows.within(ORGANISER_ROLES), mine)


class Activity(models.Model):
    # The organiser, at any level: the activity is open to its whole subtree (see `eligibility`).
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="activities", verbose_name=_("主办工会")
    )
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="+", verbose_name=_("类别"))
    title = models.CharField(_("活动名称"), max_length=120)
    description = models.TextField(_("活动说明"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    eligibility = models.CharField(
        _("参加范围"), max_length=10, choices=Eligibility.choices, default=Eligibility.SUBTREE
    )
    # Eligibility.GROUP: the union or union group (in the organiser's subtree) whose members take part.
    group = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("参加工会(小组)"),
    )
    # Eligibility.LIST: the members invited by name.
    invited = models.ManyToManyField(
        "members.Member", blank=True, related_name="+", verbose_name=_("参加名单")
    )
    entry_mode = models.CharField(
        _("报名方式"), max_length=10, choices=EntryMode.choices, default=EntryMode.INDIVIDUAL
    )
    # Places for the whole activity (people, or teams in team mode); blank: no limit.
    cap = models.PositiveIntegerField(_("名额上限"), null=True, blank=True, validators=[MinValueValidator(1)])
    # Team mode: players per team (substitutes apart); blank: any number.
    team_size = models.PositiveSmallIntegerField(
        _("每队上场人数"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    signup_deadline = models.DateTimeField(_("报名截止时间"))
    # Money as whole fen, exact on every backend (care's ledger sums the same way).
    budget_fen = models.PositiveBigIntegerField(_("预算(分)"), default=0)
    cost_fen = models.PositiveBigIntegerField(_("实际支出(分)"), default=0)
    spending = models.CharField(
        _("支出科目"),
        max_length=20,
        choices=SpendingCategory.choices,
        default=SpendingCategory.CULTURE_SPORTS,
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=ActivityState.choices, default=ActivityState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(_("开始报名时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("报名结束时间"), null=True, blank=True)
    done_at = models.DateTimeField(_("举办完成时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=300, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=VIEW_ROLES, change=ORGANISER_ROLES, row_rule=activity_rows
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=ActivityState,
        table=ACTIVITY_TRANSITIONS,
        action="activities.activity_state",
        stamps={
            ActivityState.OPEN: "opened_at",
            ActivityState.CLOSED: "closed_at",
            ActivityState.DONE: "done_at",
            ActivityState.CANCELLED: "cancelled_at",
        },
        refused=_("活动当前为“%(state)s”，不能改为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_at"], name="activities_org_start_idx"),
            models.Index(fields=["state", "starts_at"], name="activities_state_start_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gte=models.F("starts_at")), name="activities_period"),
        ]

    def __str__(self) -> str:
        return self.title


def quota_rows(rows: Rows) -> Q | None:
    """The organiser's officers see every quota; a unit's officers see their unit's."""
    if rows.action != "view":
        return None
    return either(rows.within(), units_q(rows, "unit"))


class ActivityQuota(models.Model):
    """At most `max_entries` entered (people, or teams) from one participating unit and below."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="quotas")
    unit = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("参加单位"))
    max_entries = models.PositiveIntegerField(_("名额"))

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="activity__org",
        view=VIEW_ROLES | ENTER_FOR_ROLES,
        change=ORGANISER_ROLES,
        row_rule=quota_rows,
    )

    class Meta:
        verbose_name = _("单位名额")
        verbose_name_plural = _("单位名额")
        constraints = [models.UniqueConstraint(fields=["activity", "unit"], name="activities_quota_unit")]

    def __str__(self) -> str:
        return f"{self.unit} {self.max_entries}"
