"""Donation drives (捐款): the drive, the gifts and how the money was used."""

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
from gonghui.core.transitions import StateMachine
from gonghui.members.models import Member

from ..enums import (
    CAMPAIGN_TRANSITIONS,
    CampaignKind,
    CampaignState,
)
from ._common import CAMPAIGN_POLICY, CENT

# --- donation drives (捐款) --------------------------------------------------------------------


class DonationCampaign(models.Model):
    """A donation drive (博爱一日捐, 爱心捐款 for a named member): draft → open → closed.

    The members asked are frozen when the drive opens (all current members of the union, or of
    one of its groups), so the participation rate does not move when the registry does."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="donation_campaigns", verbose_name=_("工会")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=CampaignKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    beneficiary = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("受捐会员")
    )
    asked_org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("倡议范围"),
        help_text=_("本工会全体会员，或其中一个工会小组。"),
    )  # fmt: skip
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("截止日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT
    )
    asked = models.ManyToManyField(Member, related_name="+", blank=True, verbose_name=_("倡议对象"))
    asked_count = models.PositiveIntegerField(_("倡议人数"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    access: ClassVar[AccessPolicy] = CAMPAIGN_POLICY

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=CampaignState,
        table=CAMPAIGN_TRANSITIONS,
        action="care.campaign_state",
        refused=_("捐款活动当前为“%(state)s”，不能变更为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("捐款活动")
        verbose_name_plural = _("捐款活动")
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["org", "starts_on"], name="care_campaign_org_start_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="care_campaign_dates"),
        ]

    def __str__(self) -> str:
        return self.title


class Donation(models.Model):
    """One gift to a drive: by a member (at most once per drive) or by a named outsider."""

    campaign = models.ForeignKey(
        DonationCampaign, on_delete=models.PROTECT, related_name="donations", verbose_name=_("捐款活动")
    )
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="donations",
        verbose_name=_("捐款会员"),
    )
    donor_name = models.CharField(_("捐款人"), max_length=60)
    # Was the donor among the members asked (frozen at entry): the participation rate counts these.
    was_asked = models.BooleanField(default=False)
    amount = models.DecimalField(
        _("金额(元)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    donated_on = models.DateField(_("捐款日期"))
    import_batch = models.UUIDField(null=True, blank=True, editable=False)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("捐款")
        verbose_name_plural = _("捐款")
        ordering = ["-donated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "member"],
                condition=Q(member__isnull=False),
                name="care_one_donation_per_member",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="care_donation_positive"),
        ]
        indexes = [models.Index(fields=["import_batch"], name="care_donation_batch_idx")]

    def __str__(self) -> str:
        return f"{self.donor_name} {self.amount}元"


class DonationUse(models.Model):
    """How the money of a drive was used and to whom. A payout to a member is also a ledger
    entry (LedgerEntry.donation_use, paid once)."""

    campaign = models.ForeignKey(
        DonationCampaign, on_delete=models.PROTECT, related_name="uses", verbose_name=_("捐款活动")
    )
    used_on = models.DateField(_("使用日期"))
    purpose = models.CharField(_("用途"), max_length=200)
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("受助会员")
    )
    payee_name = models.CharField(_("接收方"), max_length=100)
    amount = models.DecimalField(
        _("金额(元)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("捐款使用")
        verbose_name_plural = _("捐款使用")
        ordering = ["used_on", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="care_donation_use_positive")]

    def __str__(self) -> str:
        return f"{self.used_on} {self.payee_name} {self.amount}元"
