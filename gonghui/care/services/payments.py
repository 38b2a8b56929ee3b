"""The ledger (发放台账): recording and reversing payouts, and paying an approved application."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, snapshot
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service
from gonghui.members.models import Member

from .. import rules
from ..dates import not_future
from ..enums import (
    APPLICATION_CATEGORY,
    ApplicationState,
    LedgerKind,
    PaymentMethod,
    SpendingCategory,
)
from ..models import (
    ZERO,
    AssistanceApplication,
    LedgerEntry,
)
from ._common import _locked, _money, _require
from .applications import application_set_state

ENTRY_FIELDS = ["org", "kind", "category", "amount", "method", "paid_on", "member", "reverses"]


# --- the ledger ------------------------------------------------------------------------------


def _source_field(source: models.Model) -> str:
    for field in LedgerEntry._meta.get_fields():
        if (
            isinstance(field, models.ForeignKey)
            and field.name not in ("reverses",)
            and field.related_model is type(source)
            and field.name not in ("org", "attributed_org", "member", "payer")
        ):
            return field.name
    raise TypeError(f"LedgerEntry has no source field for {type(source).__name__}")


def _attributed_org(org: Org, member: Member | None) -> Org:
    if member is not None and member.org.path.startswith(org.path):
        return member.org
    return org


@service
def ledger_record(
    *,
    actor: User | None,
    org: Org,
    kind: str,
    category: str,
    amount: Decimal,
    method: str,
    paid_on: dt.date,
    member: Member | None = None,
    payee_name: str = "",
    source: models.Model | None = None,
    note: str = "",
) -> LedgerEntry:
    """Record one payout (positive amount). A second payout for the same source is refused by
    the database (partial UNIQUE per source FK) and reported as a DomainError."""
    amount = _money(amount)
    if amount <= ZERO:
        raise DomainError(_("发放金额必须大于零。"))
    if kind not in LedgerKind.values or category not in SpendingCategory.values:
        raise DomainError(_("类别或支出科目无效。"))
    if method not in PaymentMethod.values:
        raise DomainError(_("请选择发放方式。"))
    not_future(paid_on, _("发放日期"))
    entry = LedgerEntry(
        org=org,
        attributed_org=_attributed_org(org, member),
        kind=kind,
        category=category,
        amount=amount,
        method=method,
        paid_on=paid_on,
        payer=actor,
        member=member,
        payee_name=(payee_name or (member.name if member else ""))[:60],
        note=note[:200],
    )
    if source is not None:
        setattr(entry, _source_field(source), source)
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError as error:
        raise DomainError(_("该事项已经发放过，不能重复发放。")) from error
    audit(action="care.ledger_record", actor=actor, org=org, obj=entry, after=snapshot(entry, ENTRY_FIELDS))
    return entry


@service
def ledger_reverse(
    *, actor: User | None, entry: LedgerEntry, reason: str, reversed_on: dt.date | None = None
) -> LedgerEntry:
    """Correct a payout with a reversing entry (冲正): the negated amount, same category and
    member. Refuses to reverse a reversal or to reverse an entry twice. A reversed payment's
    application moves to REVERSED."""
    entry = LedgerEntry.objects.select_for_update().select_related("org").get(pk=entry.pk)
    _require(actor, rules.REVERSE, entry.org, _("只有工会主席可以冲正发放记录。"))
    if entry.reverses_id is not None:
        raise DomainError(_("这是一条冲正记录，不能再冲正。"))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("该发放记录已经冲正过。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写冲正原因。"))
    reversal = LedgerEntry(
        org=entry.org,
        attributed_org_id=entry.attributed_org_id,
        kind=entry.kind,
        category=entry.category,
        amount=-entry.amount,
        method=entry.method,
        paid_on=reversed_on or timezone.localdate(),
        payer=actor,
        member_id=entry.member_id,
        payee_name=entry.payee_name,
        application_id=entry.application_id,
        visit_member_id=entry.visit_member_id,
        reverses=entry,
        note=reason[:200],
    )
    try:
        with transaction.atomic():
            reversal.save(force_insert=True)
    except IntegrityError as error:
        raise DomainError(_("该发放记录已经冲正过。")) from error
    audit(action="care.ledger_reverse", actor=actor, org=entry.org, obj=reversal,
          before={"entry": entry.pk, "amount": str(entry.amount)},
          after={"amount": str(reversal.amount), "reason": reason})  # fmt: skip
    if entry.application_id is not None:
        application = AssistanceApplication.objects.select_for_update().get(pk=entry.application_id)
        application_set_state(
            application=application, actor=actor, to=ApplicationState.REVERSED, reason=reason
        )
    return reversal


@service
def assistance_pay(
    *,
    actor: User | None,
    application: AssistanceApplication,
    method: str,
    paid_on: dt.date | None = None,
    note: str = "",
) -> LedgerEntry:
    """Pay an approved application: exactly one ledger entry, ever. The row lock serialises
    concurrent requests (the later ones then see PAID and are refused); the partial UNIQUE on
    the ledger is the backstop."""
    application = _locked(application)
    _require(actor, rules.PAY, application.org, _("您无权登记发放。"))
    if application.state in (ApplicationState.PAID, ApplicationState.REVERSED):
        raise DomainError(_("该申请已经发放，不能重复发放。"))
    if application.state != ApplicationState.APPROVED:
        raise DomainError(_("申请尚未批准，不能发放。"))
    assert application.approved_amount is not None
    entry = ledger_record(
        actor=actor,
        org=application.org,
        kind=application.kind,
        category=APPLICATION_CATEGORY[application.kind],
        amount=application.approved_amount,
        method=method,
        paid_on=paid_on or timezone.localdate(),
        member=application.member,
        source=application,
        note=note,
    )
    application_set_state(application=application, actor=actor, to=ApplicationState.PAID, entry=entry.pk)
    return entry
