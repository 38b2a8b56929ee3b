"""Public notice (公示): what is announced, for how long, where, and the objections raised.

A notice may point at any record (`subject`, a generic relation), so award selections, election
results or finance items attach their 公示 without this app knowing about them. Other apps learn
that a notice became final through `signals.notice_finalized`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

from .enums import (
    NOTICE_TRANSITIONS,
    OBJECTION_TRANSITIONS,
    RESOLVED_STATES,
    RUNNING_STATES,
    NoticeKind,
    NoticeState,
    ObjectionState,
)

if TYPE_CHECKING:
    from gonghui.core.access import Rows

# The panel (公示 working group) of a union: its chair, vice-chairs and committee members. They
# draft, publish and withdraw notices, see who raised an anonymous objection and resolve it.
PANEL_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE})
# Everyone in the union sees its notice board, and officers of superior unions see it too.
# Handling departments (承办部门) are accounts of offices, not people: they have no board.
NOTICE_VIEW_ROLES = frozenset(Role) - {Role.DEPARTMENT}
# A user with any of these roles in a union's subtree is one of its members for 公示 purposes.
MEMBERSHIP_ROLES = NOTICE_VIEW_ROLES - {Role.SUPERIOR_ADMIN}
DEFAULT_DAYS = 5
MAX_DAYS = 60


def notice_rows(rows: Rows) -> Q | None:
    """Who sees a notice (DESIGN.md §3): officers over the union's subtree; the union's members,
    that is whoever holds a membership role in it or below it (a member of a union group sees the
    notices of its union and of every union above); a draft only the union's panel."""
    if rows.action != "view":
        return None
    q = rows.within()
    # Every org from the root down to one where the user holds a membership role.
    paths = [scope.path.strip("/").split("/") for scope in rows.scopes(MEMBERSHIP_ROLES)]
    member_of = sorted({int(part) for parts in paths for part in parts if part})
    if member_of:
        q = Q(org_id__in=member_of) if q is None else q | Q(org_id__in=member_of)
    if q is None:
        return Q(pk__in=[])
    panel = rows.within(PANEL_ROLES)
    shown = ~Q(state=NoticeState.DRAFT) if panel is None else ~Q(state=NoticeState.DRAFT) | panel
    return q & shown


class Notice(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="notices", verbose_name=_("工会"))
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("公示内容"))
    kind = models.CharField(_("类别"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    contact = models.CharField(_("联系人及电话"), max_length=120, blank=True)
    subject_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    subject_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示截止日期"))
    days = models.PositiveSmallIntegerField(
        _("公示期(工作日)"),
        default=DEFAULT_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DAYS)],
    )
    state = models.CharField(_("状态"), max_length=16, choices=NoticeState.choices, default=NoticeState.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdraw_reason = models.CharField(_("撤回原因"), max_length=300, blank=True)
    finalised_at = models.DateTimeField(_("生效时间"), null=True, blank=True)
    # Recorded when the notice becomes final: was any objection upheld (异议成立)?
    any_upheld = models.BooleanField(_("有异议成立"), default=False)
    # The people the notice concerns (on its list): each is told when it is published.
    people = models.ManyToManyField(
        "members.Member", blank=True, related_name="+", verbose_name=_("公示涉及人员")
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=NOTICE_VIEW_ROLES, change=PANEL_ROLES, row_rule=notice_rows
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=NoticeState,
        table=NOTICE_TRANSITIONS,
        action="notices.notice_state",
        refused=_("公示当前为“%(state)s”，不能改为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["-starts_on", "-id"]
        indexes = [
            models.Index(fields=["org", "starts_on"], name="notices_org_start_idx"),
            models.Index(fields=["state", "ends_on"], name="notices_state_end_idx"),
            models.Index(fields=["subject_type", "subject_id"], name="notices_subject_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="notices_period"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_final(self) -> bool:
        return self.state == NoticeState.FINAL

    def in_period(self, today: dt.date) -> bool:
        """Open for objections: published, and `today` lies within the period."""
        return self.state == NoticeState.PUBLISHED and self.starts_on <= today <= self.ends_on

    def is_due(self, today: dt.date) -> bool:
        """Running with its period over: `services.notice_refresh` has something to decide."""
        return self.state in RUNNING_STATES and today > self.ends_on


class Objection(models.Model):
    """An objection (异议) of a member to a notice, named or anonymous to the public.

    An anonymous objection shows "匿名" on the board; the panel always sees who raised it.
    """

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="objections")
    # None for one received on paper (`offline`): see `objector_name`.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notice_objections",
    )
    anonymous = models.BooleanField(_("匿名"), default=False)
    text = models.TextField(_("异议内容"))
    submitted_at = models.DateTimeField(_("提出时间"), default=timezone.now)
    # The day the union received it, which the figures count by: today for one raised online, the
    # day on the paper for one received offline and entered later (补录).
    received_on = models.DateField(_("收到日期"), default=timezone.localdate)
    # Entered by the panel from paper (补录线下异议): the objector may have no account, so their
    # name is free text (blank: anonymous).
    offline = models.BooleanField(_("线下收到"), default=False)
    objector_name = models.CharField(_("异议人"), max_length=60, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=ObjectionState.choices, default=ObjectionState.SUBMITTED
    )
    resolution = models.TextField(_("处理意见"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="notice__org", view=PANEL_ROLES, change=PANEL_ROLES, owner_field="submitted_by"
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=ObjectionState,
        table=OBJECTION_TRANSITIONS,
        action="notices.objection_state",
        refused=_("异议当前为“%(state)s”，不能处理为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        ordering = ["received_on", "submitted_at", "id"]
        indexes = [models.Index(fields=["notice", "state"], name="notices_objection_state_idx")]

    def __str__(self) -> str:
        return self.text[:40]

    @property
    def is_resolved(self) -> bool:
        return self.state in RESOLVED_STATES
