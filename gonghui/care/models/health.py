"""Health (体检 · 妇检 · 疗休养): check-up campaigns, attendance, recuperation trips."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.members.models import Member

from ..enums import (
    HealthKind,
)
from ._common import CAMPAIGN_POLICY, CENT, ZERO

# --- health (体检 · 妇检 · 疗休养) -----------------------------------------------------------------


class HealthCampaign(models.Model):
    """An annual check-up (体检) or women's screening (妇检). The eligible list is frozen at
    creation (current members; female members for 妇检), so the screening rate is stable."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="health_campaigns", verbose_name=_("工会")
    )
    kind = models.CharField(_("类别"), max_length=10, choices=HealthKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    title = models.CharField(_("名称"), max_length=100)
    provider = models.CharField(_("体检机构"), max_length=100, blank=True)
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    eligible = models.ManyToManyField(Member, related_name="+", blank=True, verbose_name=_("应检人员"))
    eligible_count = models.PositiveIntegerField(_("应检人数"), default=0)
    # Paid to the provider through the ledger (LedgerEntry.health_campaign, paid once), as a trip.
    cost = models.DecimalField(
        _("费用(元)"), max_digits=12, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = CAMPAIGN_POLICY

    class Meta:
        verbose_name = _("体检/妇检")
        verbose_name_plural = _("体检/妇检")
        ordering = ["-year", "-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "year"], name="care_health_org_year_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="care_health_dates"),
        ]

    def __str__(self) -> str:
        return self.title


class HealthAttendance(models.Model):
    campaign = models.ForeignKey(HealthCampaign, on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="+", verbose_name=_("会员"))
    attended_on = models.DateField(_("参检日期"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("参检记录")
        verbose_name_plural = _("参检记录")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "member"], name="care_health_attend_once"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} {self.attended_on}"


class RecuperationTrip(models.Model):
    """疗休养: a trip with its participants; its cost is paid to the provider through the ledger
    (LedgerEntry.trip, paid once), so the year totals include it."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="recuperation_trips", verbose_name=_("工会")
    )
    title = models.CharField(_("名称"), max_length=100)
    place = models.CharField(_("地点"), max_length=100)
    provider = models.CharField(_("承办机构"), max_length=100)
    starts_on = models.DateField(_("出发日期"))
    ends_on = models.DateField(_("返回日期"))
    participants = models.ManyToManyField(Member, related_name="+", verbose_name=_("参加人员"))
    participant_count = models.PositiveIntegerField(_("参加人数"), default=0)
    cost = models.DecimalField(
        _("费用(元)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = CAMPAIGN_POLICY

    class Meta:
        verbose_name = _("疗休养")
        verbose_name_plural = _("疗休养")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "starts_on"], name="care_trip_org_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="care_trip_dates"),
        ]

    def __str__(self) -> str:
        return self.title
