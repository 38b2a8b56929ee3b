"""Condolence visits (慰问): standards per occasion, visits, the members visited, photos, 五必访 reports."""

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
    VISIT_TRANSITIONS,
    LifeEventKind,
    PaymentMethod,
    VisitState,
)
from ..occasion_models import occasion_name
from ._common import APPLICATION_POLICY, CENT, ZERO

# --- condolence visits (慰问) -------------------------------------------------------------------


VISIT_POLICY = APPLICATION_POLICY


class CondolenceStandard(models.Model):
    """A union's standard per occasion: cash per person and/or a gift, optional annual cap."""

    org = models.ForeignKey(
        Org, on_delete=models.CASCADE, related_name="condolence_standards", verbose_name=_("工会")
    )
    occasion = models.CharField(_("慰问事由"), max_length=20)  # a VisitOccasion code
    amount = models.DecimalField(
        _("慰问金标准(元/人)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO)],
    )  # fmt: skip
    gift = models.CharField(_("慰问品"), max_length=100, blank=True)
    gift_value = models.DecimalField(
        _("慰问品价值(元/人)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO)],
    )  # fmt: skip
    annual_cap = models.DecimalField(
        _("每人每年上限(元)"), max_digits=12, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(CENT)],
    )  # fmt: skip
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = VISIT_POLICY

    class Meta:
        verbose_name = _("慰问标准")
        verbose_name_plural = _("慰问标准")
        constraints = [
            models.UniqueConstraint(fields=["org", "occasion"], name="care_condolence_standard_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_occasion_display()} {self.amount or 0}元"

    def get_occasion_display(self) -> str:
        # A list annotates `occasion_name` (one query for every row); else one look-up.
        return getattr(self, "occasion_name", None) or occasion_name(self.occasion)


class Visit(models.Model):
    """慰问: one visit of one or many members (a group visit lists them in VisitMember).

    draft → approved → recorded (cash paid: one ledger entry per visited member); gifts without
    cash leave no ledger entry, their value is kept on the visit (gift_value per person)."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="care_visits", verbose_name=_("工会"))
    occasion = models.CharField(_("慰问事由"), max_length=20)  # a VisitOccasion code
    visited_on = models.DateField(_("慰问日期"))
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="care_visits_made", verbose_name=_("慰问人")
    )
    visitor_names = models.CharField(_("其他慰问人"), max_length=200, blank=True)
    gift = models.CharField(_("慰问品"), max_length=100, blank=True)
    gift_value = models.DecimalField(
        _("慰问品价值(元/人)"), max_digits=12, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO)],
    )  # fmt: skip
    notes = models.TextField(_("慰问情况"), blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=VisitState.choices, default=VisitState.DRAFT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("登记人"),
    )  # fmt: skip
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("审批人"),
    )  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    override = models.BooleanField(_("超标准特批"), default=False)
    override_reason = models.CharField(_("特批理由"), max_length=200, blank=True)
    paid_on = models.DateField(_("发放日期"), null=True, blank=True)
    method = models.CharField(_("发放方式"), max_length=10, choices=PaymentMethod.choices, blank=True)

    access: ClassVar[AccessPolicy] = VISIT_POLICY

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=VisitState,
        table=VISIT_TRANSITIONS,
        action="care.visit_state",
        stamps={VisitState.APPROVED: "approved_at"},
        refused=_("慰问当前为“%(state)s”，不能变更为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("慰问")
        verbose_name_plural = _("慰问")
        ordering = ["-visited_on", "-id"]
        indexes = [
            models.Index(fields=["org", "visited_on"], name="care_visit_org_date_idx"),
            models.Index(fields=["org", "state"], name="care_visit_org_state_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.get_occasion_display()}"

    def get_occasion_display(self) -> str:
        # A list annotates `occasion_name` (one query for every row); else one look-up.
        return getattr(self, "occasion_name", None) or occasion_name(self.occasion)


class VisitMember(models.Model):
    """A member visited in a visit, with the cash for that member (0 for a gift only)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="visit_members")
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="care_visits", verbose_name=_("慰问对象")
    )
    amount = models.DecimalField(
        _("慰问金(元)"), max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        verbose_name = _("慰问对象")
        verbose_name_plural = _("慰问对象")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["visit", "member"], name="care_visit_member_unique")]
        indexes = [models.Index(fields=["member", "visit"], name="care_visit_member_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.amount}元"


class VisitPhoto(models.Model):
    """A photo of a visit; served only through care:visit_photo (access-checked)."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    photo = models.FileField(_("照片"), upload_to="care/visits/")
    name = models.CharField(_("文件名"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name


class LifeEventReport(models.Model):
    """A "五必访" event (住院, 生育, 结婚, 丧事, 退休) reported, typically by the union group
    leader; due on the union's due-list until a visit is linked."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="care_life_events", verbose_name=_("工会")
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="care_life_events", verbose_name=_("会员")
    )
    kind = models.CharField(
        _("事由"), max_length=20, choices=LifeEventKind.choices, default=LifeEventKind.HOSPITAL
    )
    event_on = models.DateField(_("日期"))
    place = models.CharField(_("医院/地点"), max_length=100, blank=True)
    note = models.CharField(_("情况说明"), max_length=200, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("报告人"),
    )  # fmt: skip
    reported_at = models.DateTimeField(default=timezone.now)
    visit = models.ForeignKey(
        Visit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
        verbose_name=_("慰问"),
    )

    access: ClassVar[AccessPolicy] = VISIT_POLICY

    class Meta:
        verbose_name = _("五必访报告")
        verbose_name_plural = _("五必访报告")
        ordering = ["-event_on", "-id"]
        indexes = [models.Index(fields=["org", "visit", "event_on"], name="care_event_org_due_idx")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.get_kind_display()}"
