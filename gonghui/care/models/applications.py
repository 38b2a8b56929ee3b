"""Assistance applications (帮扶, 金秋助学) and the union's standards they are decided against."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine
from gonghui.members.models import Member

from ..enums import (
    APPLICATION_TRANSITIONS,
    ApplicationKind,
    ApplicationState,
)
from ._common import APPLICATION_POLICY, CENT


class CareStandard(models.Model):
    """A union's standard per kind of assistance: amount per payment and cap per person per year."""

    org = models.ForeignKey(
        Org, on_delete=models.CASCADE, related_name="care_standards", verbose_name=_("工会")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ApplicationKind.choices)
    amount = models.DecimalField(
        _("每次标准(元)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    annual_cap = models.DecimalField(
        _("每人每年上限(元)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = APPLICATION_POLICY

    class Meta:
        verbose_name = _("帮扶标准")
        verbose_name_plural = _("帮扶标准")
        constraints = [models.UniqueConstraint(fields=["org", "kind"], name="care_standard_unique")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}元/次, {self.annual_cap}元/年"


class AssistanceApplication(models.Model):
    """帮扶 or 金秋助学 application: draft → submitted → approved/rejected → paid (→ reversed)."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="care_applications", verbose_name=_("工会")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="care_applications", verbose_name=_("受助会员")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=ApplicationKind.choices)
    amount_requested = models.DecimalField(
        _("申请金额(元)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    reason = models.TextField(_("申请理由"))
    # Student aid (金秋助学): the child.
    child_name = models.CharField(_("子女姓名"), max_length=40, blank=True)
    school = models.CharField(_("就读学校"), max_length=100, blank=True)
    grade = models.CharField(_("年级"), max_length=40, blank=True)
    admission_year = models.PositiveSmallIntegerField(_("入学年份"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("申请人/经办人"),
    )  # fmt: skip
    state = models.CharField(
        _("状态"), max_length=12, choices=ApplicationState.choices, default=ApplicationState.DRAFT
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("审批人"),
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    approved_amount = models.DecimalField(
        _("批准金额(元)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    override = models.BooleanField(_("超标准特批"), default=False)
    override_reason = models.CharField(_("特批理由"), max_length=200, blank=True)

    access: ClassVar[AccessPolicy] = APPLICATION_POLICY

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=ApplicationState,
        table=APPLICATION_TRANSITIONS,
        action="care.application_state",
        stamps={ApplicationState.APPROVED: "decided_at", ApplicationState.REJECTED: "decided_at"},
        refused=_("申请当前为“%(state)s”，不能变更为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("帮扶申请")
        verbose_name_plural = _("帮扶申请")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["org", "state"], name="care_app_org_state_idx"),
            models.Index(fields=["member", "kind", "state"], name="care_app_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.member.name} {self.get_kind_display()}"
