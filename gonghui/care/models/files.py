"""Hardship files (困难职工档案), their yearly reviews and supporting documents."""

from __future__ import annotations

import posixpath
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine
from gonghui.members.models import Member

from ..enums import (
    FILE_TRANSITIONS,
    FileState,
    HardshipCause,
    HardshipLevel,
    ReviewOutcome,
)
from ._common import FILE_POLICY, ZERO


class HardshipFile(models.Model):
    """困难职工档案: one open file per member at a time, re-checked yearly (动态管理)."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="hardship_files", verbose_name=_("工会")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="hardship_files", verbose_name=_("会员")
    )
    cause = models.CharField(_("主要致困原因"), max_length=20, choices=HardshipCause.choices)
    level = models.CharField(_("困难等级"), max_length=10, choices=HardshipLevel.choices[1:])
    family_situation = models.TextField(_("家庭情况"), blank=True)
    household_size = models.PositiveSmallIntegerField(
        _("家庭人口"), default=1, validators=[MinValueValidator(1)]
    )
    income_per_head = models.DecimalField(
        _("家庭人均月收入(元)"),
        max_digits=10,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )
    cert_no = models.CharField(_("困难职工证号"), max_length=40, blank=True)
    cert_issued_on = models.DateField(_("发证日期"), null=True, blank=True)
    cert_expires_on = models.DateField(_("证件有效期至"), null=True, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=FileState.choices, default=FileState.OPEN)
    opened_on = models.DateField(_("建档日期"))
    next_review_on = models.DateField(_("下次复核日期"))
    closed_on = models.DateField(_("销档日期"), null=True, blank=True)
    close_reason = models.CharField(_("销档原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = FILE_POLICY

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=FileState,
        table=FILE_TRANSITIONS,
        action="care.file_state",
        refused=_("档案当前为“%(state)s”，不能变更为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("困难职工档案")
        verbose_name_plural = _("困难职工档案")
        ordering = ["next_review_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["member"], condition=Q(state="open"), name="care_one_open_file_per_member"
            )
        ]
        indexes = [models.Index(fields=["org", "state", "next_review_on"], name="care_file_org_review_idx")]

    def __str__(self) -> str:
        return f"{self.member.name}({self.get_level_display()})"

    def is_overdue(self, today: Any) -> bool:
        return self.state == FileState.OPEN and self.next_review_on < today


class HardshipReview(models.Model):
    """A yearly re-check (复核) of a hardship file."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField(_("复核日期"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("复核人"),
    )  # fmt: skip
    outcome = models.CharField(_("复核结论"), max_length=20, choices=ReviewOutcome.choices)
    level_before = models.CharField(max_length=10, choices=HardshipLevel.choices, blank=True)
    level_after = models.CharField(max_length=10, choices=HardshipLevel.choices, blank=True)
    notes = models.TextField(_("复核情况"), blank=True)

    class Meta:
        verbose_name = _("档案复核")
        verbose_name_plural = _("档案复核")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reviewed_on} {self.get_outcome_display()}"


class HardshipDocument(models.Model):
    """A supporting document (证明材料) of a file; served only through care:file_document."""

    file = models.ForeignKey(HardshipFile, on_delete=models.CASCADE, related_name="documents")
    document = models.FileField(_("证明材料"), upload_to="care/hardship/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name or posixpath.basename(self.document.name or "")
