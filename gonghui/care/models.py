"""Care (帮扶 · 慰问 · 助学): the payout ledger, hardship files, assistance applications, standards.

The ledger is the one record of care money. Every payout of every care area (assistance,
student aid, and later condolence visits and donation payouts) is one `LedgerEntry`; entries
are append-only, and a correction is a reversing entry with the negated amount. A source record
(the application, later the visit or the drive) is an explicit nullable foreign key on the
entry, each with a partial UNIQUE constraint so the database itself refuses a second payment.
"""

from __future__ import annotations

import posixpath
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Cast, Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine
from gonghui.members.models import Member

from .enums import (
    APPLICATION_TRANSITIONS,
    CAMPAIGN_TRANSITIONS,
    FILE_TRANSITIONS,
    VISIT_TRANSITIONS,
    ApplicationKind,
    ApplicationState,
    CampaignKind,
    CampaignState,
    FileState,
    HardshipCause,
    HardshipLevel,
    HealthKind,
    LedgerKind,
    LifeEventKind,
    PaymentMethod,
    ReviewOutcome,
    SpendingCategory,
    VisitState,
)
from .occasion_models import VisitOccasion, occasion_name  # noqa: F401  (VisitOccasion: registered with the app here)

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Portfolio-free roles only: the 生活委员 and the superior care officer are added by the care
# app's own queries (rules.care_q), which core.access cannot express.
FILE_POLICY = AccessPolicy(org_field="org", view=frozenset({Role.CHAIR}), change=frozenset({Role.CHAIR}))
APPLICATION_POLICY = AccessPolicy(
    org_field="org",
    view=frozenset({Role.CHAIR, Role.VICE_CHAIR}),
    change=frozenset({Role.CHAIR, Role.VICE_CHAIR}),
)


def fen_sum(field: str = "amount", **extra: Any) -> Sum:
    """SUM of a money column, exact on every backend: summed as whole fen (BIGINT).

    SQLite keeps DecimalField values as REAL and sums them in floating point (0.52 - 0.52 + …
    came back as -4.4e-16); rounding each value to fen before adding keeps the total exact.
    """
    return Sum(Cast(Round(F(field) * 100), models.BigIntegerField()), **extra)


def from_fen(value: Any) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


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


# --- donation drives (捐款) --------------------------------------------------------------------

CAMPAIGN_POLICY = AccessPolicy(org_field="org", view=frozenset({Role.CHAIR, Role.VICE_CHAIR}))


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
