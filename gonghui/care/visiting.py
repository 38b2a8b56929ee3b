"""Writes of condolence visits (慰问): standards, visits (single and group), approval, payment,
photos and "五必访" reports. Keyword-only, atomic, audited (DESIGN.md §4).

Kept beside services.py (which owns the ledger) so the areas of the care app can grow apart:

    condolence_standard_set(*, actor, org, occasion, amount, gift, gift_value, annual_cap)
    visit_create(*, actor, org, occasion, visited_on, members, amount_each, ...) -> Visit
    visit_approve(*, actor, visit, override_reason="") -> Visit
    visit_record(*, actor, visit, method, paid_on=None) -> list[LedgerEntry]
    visit_cancel(*, actor, visit, reason) -> Visit
    life_event_report(*, actor, member, kind, event_on, place="", note="") -> LifeEventReport

Cash is paid per visited member: one ledger entry each, its source the VisitMember row, so the
partial UNIQUE on the ledger refuses a second payment of the same member's money. A gift without
cash writes no ledger entry: its value stays on the visit (gift_value per person) and is reported
by the facts as 慰问品价值, apart from the cash totals that the ledger and budget compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, snapshot
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service
from gonghui.members import services as member_services
from gonghui.members.enums import CURRENT_STATUSES
from gonghui.members.models import Member

from . import approvals, occasions, rules
from .dates import not_future
from .enums import (
    OCCASION_CATEGORY,
    VISIT_TRANSITIONS,
    LedgerKind,
    LifeEventKind,
    SpendingCategory,
    VisitState,
)
from .models import (
    ZERO,
    CondolenceStandard,
    LedgerEntry,
    LifeEventReport,
    Visit,
    VisitMember,
    VisitPhoto,
    fen_sum,
    from_fen,
)
from .services import _money, _require, approval_record, ledger_record, posixpath_basename

STANDARD_FIELDS = ["amount", "gift", "gift_value", "annual_cap"]
# The most members one visit lists (a school's retirees fit many times over).
MAX_VISIT_MEMBERS = 2000


# --- standards -------------------------------------------------------------------------------


def condolence_standard_for(org: Org, occasion: str) -> CondolenceStandard | None:
    return CondolenceStandard.objects.filter(org=org, occasion=occasion).first()


def _optional_money(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    amount = _money(value)
    if amount < ZERO:
        raise DomainError(_("金额不能为负数。"))
    return amount


@service
def condolence_standard_set(
    *,
    actor: User | None,
    org: Org,
    occasion: str,
    amount: Any = None,
    gift: str = "",
    gift_value: Any = None,
    annual_cap: Any = None,
) -> CondolenceStandard:
    """Set a union's standard for an occasion (cash per person and/or a gift; optional cap)."""
    _require(actor, rules.STANDARDS_CHANGE, org, _("只有工会主席可以设置慰问标准。"))
    if not occasions.is_available(org, occasion):
        raise DomainError(_("请选择慰问事由。"))
    cash, value, cap = _optional_money(amount), _optional_money(gift_value), _optional_money(annual_cap)
    gift = (gift or "").strip()
    if not cash and not gift:
        raise DomainError(_("请填写慰问金标准或慰问品。"))
    if cap is not None and cash is not None and cap < cash:
        raise DomainError(_("每人每年上限不能低于每次标准。"))
    standard = CondolenceStandard.objects.select_for_update().filter(org=org, occasion=occasion).first()
    before = snapshot(standard, STANDARD_FIELDS) if standard else {}
    if standard is None:
        standard = CondolenceStandard(org=org, occasion=occasion)
    standard.amount, standard.gift, standard.gift_value, standard.annual_cap = cash, gift[:100], value, cap
    standard.updated_by, standard.updated_at = actor, timezone.now()
    standard.full_clean()
    standard.save()
    audit(action="care.condolence_standard_set", actor=actor, org=org, obj=standard, before=before,
          after={"occasion": occasion, **snapshot(standard, STANDARD_FIELDS)})  # fmt: skip
    return standard


# --- visits ----------------------------------------------------------------------------------


@service
def visit_set_state(*, visit: Visit, actor: User | None, to: str, **after: Any) -> None:
    """The one place a visit's state changes: checks the table, audits before/after."""
    Visit.states.move(visit, to=to, actor=actor, org=visit.org, after=after)


def _locked(visit: Visit) -> Visit:
    return Visit.objects.select_for_update(of=("self",)).select_related("org").get(pk=visit.pk)


@service
def visit_create(
    *,
    actor: User | None,
    org: Org,
    occasion: str,
    visited_on: dt.date,
    members: Iterable[Member],
    amount_each: Any = ZERO,
    amounts: dict[int, Any] | None = None,
    gift: str = "",
    gift_value: Any = ZERO,
    visitors: Iterable[User] = (),
    visitor_names: str = "",
    notes: str = "",
    reports: Iterable[LifeEventReport] = (),
) -> Visit:
    """Record a visit of one or many members of `org` (a group visit is one call with a list).
    `amounts` overrides the cash for some members (member pk -> amount). Linked "五必访" reports
    leave the due-list."""
    _require(actor, rules.VISIT_CHANGE, org, _("您无权登记该工会的慰问。"))
    if not occasions.is_available(org, occasion):
        raise DomainError(_("请选择慰问事由。"))
    chosen = {m.pk: m for m in members}
    if not chosen:
        raise DomainError(_("请至少选择一名慰问对象。"))
    if len(chosen) > MAX_VISIT_MEMBERS:
        raise DomainError(_("一次慰问最多登记%(n)s人。") % {"n": MAX_VISIT_MEMBERS})
    current = Member.objects.filter(
        pk__in=chosen, org__path__under=org.path, status__in=CURRENT_STATUSES
    ).values_list("pk", flat=True)
    outside = set(chosen) - set(current)
    if outside:
        names = "、".join(sorted(chosen[pk].name for pk in outside)[:5])
        raise DomainError(_("这些会员不是本工会的在册会员：%(names)s") % {"names": names})
    each = _money(amount_each or 0)
    value = _money(gift_value or 0)
    if each < ZERO or value < ZERO:
        raise DomainError(_("金额不能为负数。"))
    gift = (gift or "").strip()
    per_member = {pk: _money((amounts or {}).get(pk, each)) for pk in chosen}
    if any(a < ZERO for a in per_member.values()):
        raise DomainError(_("金额不能为负数。"))
    if not gift and not any(per_member.values()):
        raise DomainError(_("请填写慰问金或慰问品。"))
    visit = Visit(
        org=org, occasion=occasion, visited_on=visited_on, visitor_names=visitor_names.strip()[:200],
        gift=gift[:100], gift_value=value, notes=notes, recorded_by=actor,
    )  # fmt: skip
    visit.full_clean(exclude=["org", "recorded_by", "approved_by"])
    visit.save()
    VisitMember.objects.bulk_create(
        [VisitMember(visit=visit, member_id=pk, amount=per_member[pk]) for pk in sorted(chosen)]
    )
    visitors = list(visitors)
    if visitors:
        visit.visitors.set(visitors)
    report_ids = [r.pk for r in reports]
    if report_ids:
        LifeEventReport.objects.filter(
            pk__in=report_ids, org__path__under=org.path, member_id__in=chosen, visit__isnull=True
        ).update(visit=visit)
    audit(action="care.visit_create", actor=actor, org=org, obj=visit,
          after={"occasion": occasion, "members": len(chosen), "cash": str(sum(per_member.values(), ZERO)),
                 "gift": gift, "gift_value": str(value), "reports": report_ids})  # fmt: skip
    return visit


def visit_total(visit: Visit) -> Decimal:
    return from_fen(visit.visit_members.aggregate(total=fen_sum())["total"])


def _cash_this_year(member_ids: list[int], occasion: str, year: int, *, exclude: int) -> dict[int, Decimal]:
    """Cash of the same occasion already approved or paid to each member this year (one query)."""
    rows = (
        VisitMember.objects.filter(
            member_id__in=member_ids,
            visit__occasion=occasion,
            visit__visited_on__year=year,
            visit__state__in=[VisitState.APPROVED, VisitState.RECORDED],
        )
        .exclude(visit_id=exclude)
        .order_by()
        .values("member_id")
        .annotate(total=fen_sum())
    )
    return {row["member_id"]: from_fen(row["total"]) for row in rows}


def visit_problems(visit: Visit) -> list[str]:
    """Why the visit is outside the union's standard (empty: within it). Each problem names
    the real excess: what is paid beyond the standard, never "超过标准0元"."""
    standard = condolence_standard_for(visit.org, visit.occasion)
    if standard is None:
        return [_("本工会尚未设置“%(occasion)s”的慰问标准。") % {"occasion": visit.get_occasion_display()}]
    problems: list[str] = []
    rows = list(visit.visit_members.select_related("member").order_by("pk"))
    limit = standard.amount or ZERO
    over = [r for r in rows if r.amount > limit]
    if over:
        names = "、".join(r.member.name for r in over[:3])
        excess = sum((r.amount - limit for r in over), ZERO)
        if standard.amount is None:
            problems.append(
                _("该事由的慰问标准不含慰问金，%(names)s等%(n)s人的慰问金共%(excess)s元超出标准。")
                % {"names": names, "n": len(over), "excess": excess}
            )
        else:
            problems.append(
                _("%(names)s等%(n)s人的慰问金超过标准（每人%(standard)s元），共超出%(excess)s元。")
                % {"names": names, "n": len(over), "standard": standard.amount, "excess": excess}
            )
    # A standard that names a gift without a value sets no limit on the gift's value.
    if visit.gift and standard.gift_value is not None and visit.gift_value > standard.gift_value:
        problems.append(
            _("慰问品价值每人%(value)s元，超过标准（每人%(standard)s元）%(excess)s元。")
            % {"value": visit.gift_value, "standard": standard.gift_value,
               "excess": visit.gift_value - standard.gift_value}
        )  # fmt: skip
    if standard.annual_cap is not None:
        so_far = _cash_this_year(
            [r.member_id for r in rows], visit.occasion, visit.visited_on.year, exclude=visit.pk
        )
        cap = standard.annual_cap
        capped = [r for r in rows if r.amount and so_far.get(r.member_id, ZERO) + r.amount > cap]
        if capped:
            excess = sum((so_far.get(r.member_id, ZERO) + r.amount - cap for r in capped), ZERO)
            problems.append(
                _("%(names)s等%(n)s人本年度该事由慰问金将超过每人每年上限%(cap)s元，共超出%(excess)s元。")
                % {"names": "、".join(r.member.name for r in capped[:3]), "n": len(capped),
                   "cap": cap, "excess": excess}
            )  # fmt: skip
    return problems


@service
def visit_approve(*, actor: User, visit: Visit, override_reason: str = "") -> Visit:
    """Approval by the chair, a vice-chair or the 生活委员 — never the one who recorded the visit
    nor a visited member. Within the standard, or beyond it only the chair with a reason (audited)."""
    visit = _locked(visit)
    refusal = approvals.visit_refusal(actor, visit)
    if refusal is not None:
        raise DomainError(refusal)
    if VisitState.APPROVED not in VISIT_TRANSITIONS[visit.state]:
        raise DomainError(_("慰问当前为“%(state)s”，不能审批。") % {"state": visit.get_state_display()})
    approval_record(
        obj=visit, to=VisitState.APPROVED, actor=actor, problems=visit_problems(visit),
        override_reason=override_reason, override_action="care.visit_override", fields={}, after={},
    )  # fmt: skip
    return visit


@service
def visit_record(
    *, actor: User | None, visit: Visit, method: str, paid_on: dt.date | None = None
) -> list[LedgerEntry]:
    """Record the payment of an approved visit: one ledger entry per member with cash (source:
    the VisitMember row). The row lock serialises a double click; the partial UNIQUE on the
    ledger refuses a member's second payment in any case. Gift-only members get no entry."""
    visit = _locked(visit)
    _require(actor, rules.VISIT_CHANGE, visit.org, _("您无权登记发放。"))
    if visit.state == VisitState.RECORDED:
        raise DomainError(_("该慰问已经发放登记，不能重复发放。"))
    if visit.state != VisitState.APPROVED:
        raise DomainError(_("慰问尚未批准，不能发放。"))
    # A visit recorded as made has happened: its day (which the figures count) is not ahead.
    not_future(visit.visited_on, _("慰问日期"))
    paid_on = paid_on or timezone.localdate()
    # The budget line and name come from the occasion's row (the union's own occasions too).
    occasion = occasions.get(visit.occasion)
    category = (
        occasion.category
        if occasion is not None
        else OCCASION_CATEGORY.get(visit.occasion, SpendingCategory.CONDOLENCE)
    )
    note = occasion.name if occasion is not None else visit.occasion
    entries = []
    for row in visit.visit_members.select_related("member__org").filter(amount__gt=0).order_by("pk"):
        entries.append(
            ledger_record(
                actor=actor,
                org=visit.org,
                kind=LedgerKind.CONDOLENCE,
                category=category,
                amount=row.amount,
                method=method,
                paid_on=paid_on,
                member=row.member,
                source=row,
                note=note,
            )
        )
    visit.paid_on, visit.method = paid_on, method
    visit.save(update_fields=["paid_on", "method"])
    visit_set_state(visit=visit, actor=actor, to=VisitState.RECORDED, entries=len(entries))
    return entries


@service
def visit_cancel(*, actor: User | None, visit: Visit, reason: str) -> Visit:
    """Cancel a visit not yet paid; its "五必访" reports are due again."""
    visit = _locked(visit)
    _require(actor, rules.VISIT_CHANGE, visit.org, _("您无权取消该慰问。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写取消原因。"))
    visit_set_state(visit=visit, actor=actor, to=VisitState.CANCELLED, reason=reason[:200])
    LifeEventReport.objects.filter(visit=visit).update(visit=None)
    return visit


@service
def visit_photo_add(*, actor: User | None, visit: Visit, upload: Any) -> VisitPhoto:
    _require(actor, rules.VISIT_CHANGE, visit.org, _("您无权上传慰问照片。"))
    name = posixpath_basename(getattr(upload, "name", "") or "photo")
    photo = VisitPhoto.objects.create(visit=visit, photo=upload, name=name[:200], uploaded_by=actor)
    audit(action="care.visit_photo_add", actor=actor, org=visit.org, obj=visit, after={"photo": name})
    return photo


# --- "五必访" reports ---------------------------------------------------------------------------


@service
def life_event_report(
    *,
    actor: User | None,
    member: Member,
    kind: str = LifeEventKind.HOSPITAL,
    event_on: dt.date | None = None,
    place: str = "",
    note: str = "",
) -> LifeEventReport:
    """A group leader (or an officer) reports a member in hospital or another "五必访" event."""
    _require(actor, rules.REPORT_FILE, member.org, _("您无权为该会员报告。"))
    if kind not in LifeEventKind.values:
        raise DomainError(_("请选择事由。"))
    report = LifeEventReport(
        org=member_services.union_of(member.org), member=member, kind=kind,
        event_on=not_future(event_on or timezone.localdate(), _("日期")), place=place.strip()[:100], note=note.strip()[:200],
        reported_by=actor,
    )  # fmt: skip
    report.save()
    audit(action="care.life_event_report", actor=actor, org=report.org, obj=report,
          after={"member": member.pk, "kind": kind, "event_on": report.event_on.isoformat()})  # fmt: skip
    return report
