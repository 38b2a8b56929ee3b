"""The payout ledger: append-only entries, one per payout, each naming the record paid for."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.members.models import Member

from ..enums import (
    LedgerKind,
    PaymentMethod,
    SpendingCategory,
)
from ._common import fen_sum, from_fen

# The fields of LedgerEntry that name the record a payment is for.
SOURCE_FIELDS = ("application", "visit_member", "donation_use", "trip", "health_campaign")


def _source(model: str, label: Any) -> Any:
    return models.ForeignKey(
        model,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ledger_entries",
        verbose_name=label,
    )


def _paid_once(field: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(
        fields=[field],
        condition=Q(reverses__isnull=True, **{f"{field}__isnull": False}),
        name=f"care_ledger_one_payment_per_{field}",
    )


class LedgerQuerySet(models.QuerySet["LedgerEntry"]):
    """Entries are append-only: no bulk update or delete, ever."""

    def update(self, **kwargs: Any) -> int:
        raise PermissionError("ledger entries are append-only; correct with a reversing entry")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("ledger entries are append-only; correct with a reversing entry")

    def total(self) -> Decimal:
        """SUM(amount) of these entries; reversals net out."""
        return from_fen(self.aggregate(total=fen_sum())["total"])

    def payments(self) -> LedgerQuerySet:
        """Original payouts (not reversing entries)."""
        return self.filter(reverses__isnull=True)

    def standing(self) -> LedgerQuerySet:
        """Payouts that have not been reversed: what people actually received."""
        return self.filter(reverses__isnull=True, reversed_by__isnull=True)


class LedgerEntry(models.Model):
    # The union that paid (its budget is charged).
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="care_entries", verbose_name=_("工会")
    )
    # Where the payout is counted in roll-ups: the member's org (union group) at the time of
    # payment when it lies in the paying union's subtree, else the paying union.
    attributed_org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="+", verbose_name=_("归属组织")
    )
    kind = models.CharField(_("类别"), max_length=20, choices=LedgerKind.choices)
    category = models.CharField(_("支出科目"), max_length=20, choices=SpendingCategory.choices)
    amount = models.DecimalField(_("金额(元)"), max_digits=12, decimal_places=2)
    method = models.CharField(_("发放方式"), max_length=10, choices=PaymentMethod.choices)
    paid_on = models.DateField(_("发放日期"))
    payer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("经办人"),
    )
    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="care_entries",
        verbose_name=_("受助会员"),
    )
    payee_name = models.CharField(_("领取人"), max_length=60, blank=True)
    # Source records: one nullable FK per source kind, each with a partial UNIQUE (Meta) so the
    # database itself refuses a second payment for the same source.
    application = _source("AssistanceApplication", _("帮扶申请"))
    donation_use = _source("DonationUse", _("捐款使用"))
    trip = _source("RecuperationTrip", _("疗休养"))
    health_campaign = _source("HealthCampaign", _("体检/妇检"))
    visit_member = _source("VisitMember", _("慰问对象"))
    reverses = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
        verbose_name=_("冲正的记录"),
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("记账时间"), default=timezone.now)

    objects = LedgerQuerySet.as_manager()

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.AUDITOR})
    )

    class Meta:
        verbose_name = _("帮扶慰问发放记录")
        verbose_name_plural = _("帮扶慰问发放记录")
        ordering = ["-paid_on", "-id"]
        constraints = [
            # A payment is made exactly once per source record (application, visited member,
            # donation use, trip); a reversal of it does not count.
            *(_paid_once(source) for source in SOURCE_FIELDS),
            # A payout is positive; its reversal is negative.
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="care_ledger_amount_sign",
            ),
        ]
        indexes = [
            models.Index(fields=["org", "paid_on"], name="care_ledger_org_paid_idx"),
            models.Index(fields=["attributed_org", "paid_on"], name="care_ledger_attr_paid_idx"),
            models.Index(fields=["member", "kind", "paid_on"], name="care_ledger_member_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.paid_on} {self.payee_name} {self.amount}元"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("ledger entries are append-only; correct with a reversing entry")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("ledger entries are append-only; correct with a reversing entry")

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
