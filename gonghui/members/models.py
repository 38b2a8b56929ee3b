"""The member registry (会员): members, their status history, transfers (imports: core.imports)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.functions import ExtractMonth, Right
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

from .enums import (
    ETHNICITY_CHOICES,
    STATUS_TRANSITIONS,
    TRANSFER_TRANSITIONS,
    ChangeType,
    Education,
    Employment,
    HardshipLevel,
    MemberStatus,
    ModelWorkerLevel,
    Political,
    Sex,
    TransferState,
)
from .privacy import mask_mobile

# Union officers of the member's own union (and its groups) see members. A superior union's
# officer does NOT: they see aggregates, and member-level data only with a role in that union.
MEMBER_VIEW_ROLES = frozenset(
    {Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.AUDITOR, Role.WOMEN, Role.GROUP_LEADER}
)
MEMBER_CHANGE_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE})
MEMBER_REVEAL_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR})
MEMBER_EXPORT_LARGE_ROLES = frozenset({Role.CHAIR})


class Member(models.Model):
    # The most specific org: the union group when the member is in one, else the union itself.
    # A union's members are then simply its subtree, and a group leader sees their group only.
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="members", verbose_name=_("所属组织"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="member",
        verbose_name=_("登录账号"),
    )
    name = models.CharField(_("姓名"), max_length=40)
    # The sort key: syllables separated by a space ("li xiao ming"), so names sort character by
    # character (李 before 刘); see pinyin.py.
    name_pinyin = models.CharField(max_length=200, db_index=True, editable=False, default="")
    name_initials = models.CharField(max_length=20, db_index=True, editable=False, default="")
    sex = models.CharField(_("性别"), max_length=1, choices=Sex.choices)
    ethnicity = models.CharField(_("民族"), max_length=2, choices=ETHNICITY_CHOICES, default="01")
    birth_date = models.DateField(_("出生日期"))
    id_encrypted = models.TextField(editable=False)
    id_hash = models.CharField(max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("身份证号"), max_length=18, editable=False)
    mobile = models.CharField(_("手机号"), max_length=11, blank=True, db_index=True)
    # The last four digits, kept by the database itself and indexed: a search by phone tail
    # over a whole county (a million members) is an index lookup, not a scan of every mobile.
    mobile_tail = models.GeneratedField(
        expression=Right("mobile", 4), output_field=models.CharField(max_length=4), db_persist=True
    )
    # The birth month, kept and indexed by the database: the care app's birthday due-list
    # (生日慰问) over a county's members is an index range, not a scan of every birth date.
    birth_month = models.GeneratedField(
        expression=ExtractMonth("birth_date"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    political = models.CharField(
        _("政治面貌"), max_length=2, choices=Political.choices, default=Political.MASSES
    )
    education = models.CharField(_("学历"), max_length=12, choices=Education.choices, blank=True)
    position = models.CharField(_("工作岗位/职务"), max_length=60, blank=True)
    join_date = models.DateField(_("入会日期"), null=True, blank=True)
    card_number = models.CharField(_("会员证号"), max_length=30, blank=True, db_index=True)
    employment = models.CharField(
        _("用工类别"), max_length=20, choices=Employment.choices, default=Employment.ESTABLISHED
    )
    hardship_level = models.CharField(_("困难职工"), max_length=10, choices=HardshipLevel.choices, blank=True)
    hardship_cert_no = models.CharField(_("困难职工证号"), max_length=40, blank=True)
    single_parent = models.BooleanField(_("单亲"), default=False)
    model_worker_level = models.CharField(
        _("劳模"), max_length=12, choices=ModelWorkerLevel.choices, blank=True
    )
    status = models.CharField(
        _("会籍状态"), max_length=20, choices=MemberStatus.choices, default=MemberStatus.ACTIVE
    )
    status_date = models.DateField(_("状态日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org",
        view=MEMBER_VIEW_ROLES,
        change=MEMBER_CHANGE_ROLES,
        extra={"reveal": MEMBER_REVEAL_ROLES, "export_large": MEMBER_EXPORT_LARGE_ROLES},
        owner_field="user",
    )

    # The one way `status` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="status",
        choices=MemberStatus,
        table=STATUS_TRANSITIONS,
        action="member.status",
        refused=_("会员当前状态为“%(state)s”，不能改为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("会员")
        verbose_name_plural = _("会员")
        indexes = [
            models.Index(fields=["org", "status", "name_pinyin", "id"], name="members_org_status_py_idx"),
            models.Index(fields=["name_pinyin", "id"], name="members_pinyin_id_idx"),
            models.Index(fields=["join_date"], name="members_join_idx"),
            models.Index(fields=["mobile_tail"], name="members_mobile_tail_idx"),
            models.Index(fields=["org", "birth_month", "status"], name="members_org_birth_month_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def mobile_masked(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def is_female(self) -> bool:
        return self.sex == Sex.FEMALE

    @property
    def is_hardship(self) -> bool:
        return bool(self.hardship_level)

    @property
    def is_model_worker(self) -> bool:
        return bool(self.model_worker_level)

    def age_on(self, day: Any) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class MembershipChange(models.Model):
    """One line of a member's membership history (会籍变化: type, date, reason)."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="changes")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("组织"))
    change_type = models.CharField(_("会籍变化类型"), max_length=20, choices=ChangeType.choices)
    date = models.DateField(_("会籍变化日期"))
    reason = models.CharField(_("会籍变化原因"), max_length=200, blank=True)
    status_before = models.CharField(max_length=20, choices=MemberStatus.choices, blank=True)
    status_after = models.CharField(max_length=20, choices=MemberStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = AccessPolicy(org_field="member__org", view=MEMBER_VIEW_ROLES)

    class Meta:
        verbose_name = _("会籍变化")
        verbose_name_plural = _("会籍变化")
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"{self.member} {self.get_change_type_display()} {self.date}"


class Transfer(models.Model):
    """会员关系转接: out of one union into another (same tree) or out of the system."""

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="transfers", verbose_name=_("会员")
    )
    from_org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("转出组织"))
    to_org = models.ForeignKey(
        Org,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incoming_transfers",
        verbose_name=_("转入组织"),
    )
    destination = models.CharField(_("去向(系统外)"), max_length=120, blank=True)
    reason = models.CharField(_("转接原因"), max_length=200, blank=True)
    state = models.CharField(
        _("状态"), max_length=12, choices=TransferState.choices, default=TransferState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)

    # The sending union sees its transfers through from_org; the receiving union through the
    # incoming list (queries.incoming_transfers), which filters on to_org.
    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="from_org", view=MEMBER_VIEW_ROLES, change=MEMBER_CHANGE_ROLES
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=TransferState,
        table=TRANSFER_TRANSITIONS,
        action="member.transfer",
        stamps={s: "decided_at" for s in TransferState if s != TransferState.REQUESTED},
        refused=_("该转接当前为“%(state)s”，不能再办理。"),
    )

    class Meta:
        verbose_name = _("会员关系转接")
        verbose_name_plural = _("会员关系转接")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # At most one open transfer per member.
            models.UniqueConstraint(
                fields=["member"], condition=models.Q(state="requested"), name="members_one_open_transfer"
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.to_org or self.destination}"
