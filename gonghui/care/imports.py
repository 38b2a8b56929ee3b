"""Care's spreadsheet imports on the core framework (core.imports): assistance and student-aid
payouts (帮扶 · 助学) recorded as already approved and paid, and condolence visits (慰问) recorded
as approved and paid; donations live with the drives (care.donation_imports).

A union that starts mid-year enters the months before through these. A payout dated in a closed
past period (before the current month) is a fact of the past, not a request: it is recorded as
approved and paid with the importer as approver and payer, in one audited event, instead of
going through approval row by row. Money is Decimal, exact to the fen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import may
from gonghui.core.enums import OrgKind, Role
from gonghui.core.imports import kinds
from gonghui.core.imports.kinds import Context, ImportKind, Row
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.workbook import Column
from gonghui.core.models import Org
from gonghui.members.models import Member
from gonghui.members.privacy import lookup_hash

from . import occasions, rules
from .enums import (
    APPLICATION_CATEGORY,
    ApplicationKind,
    ApplicationState,
    LedgerKind,
    PaymentMethod,
    VisitState,
)
from .models import ZERO, AssistanceApplication, LedgerEntry, Visit, VisitMember
from .occasion_models import VisitOccasion

# Who may enter a past period's records in bulk: those who approve and pay them in the union, and
# the superior union's care officer (生活 portfolio), who enters a county's year.
IMPORT_HISTORY = rules.Capability(
    "import_history", rules.CHAIRS, {rules.WELFARE: rules.WELFARE_OFFICERS | {Role.SUPERIOR_ADMIN}}
)
METHODS = {str(label): value for value, label in PaymentMethod.choices}
IMPORT_NOTE = "批量导入的历史发放记录"


def period_start(today: dt.date) -> dt.date:
    """The first day of the open period: payouts dated before it belong to a closed period."""
    return today.replace(day=1)


# --- members by name (and ID number) ----------------------------------------------------------------


@dataclass(frozen=True)
class _Person:
    pk: int
    name: str
    id_hash: str
    org_id: int
    path: str


def load_people(ctx: Context, unions: list[Org]) -> None:
    """Every member of the importer's unions, by name: one query for the whole file."""
    by_name: dict[str, list[_Person]] = {}
    rows = Member.objects.filter(org__path__under=ctx.org.path).values_list(
        "pk", "name", "id_hash", "org_id", "org__path"
    )
    allowed = tuple(u.path for u in unions)
    for row in rows.iterator(chunk_size=5000):
        person = _Person(*row)
        if person.path.startswith(allowed):
            by_name.setdefault(person.name, []).append(person)
    ctx.state["people"] = by_name


def find_member(
    ctx: Context, row: Row, *, name_key: str = "name", id_key: str = "id_number"
) -> _Person | None:
    """The member of the row's union named in the row; the ID number (when given) decides
    between namesakes and must match."""
    name = row.text(name_key, required=True)
    if not name or row.union is None:
        return None
    union_path = row.union.path
    found = [p for p in ctx.state["people"].get(name, []) if p.path.startswith(union_path)]
    number = row.id_number(id_key) if id_key in row.positions else ""
    if number:
        found = [p for p in found if p.id_hash == lookup_hash(number)]
        if not found:
            row.error(id_key, _("%(union)s没有姓名为“%(name)s”、身份证号为所填号码的会员。")
                      % {"union": row.union.name, "name": name})  # fmt: skip
            return None
    if not found:
        row.error(
            name_key, _("%(union)s没有名为“%(name)s”的会员。") % {"union": row.union.name, "name": name}
        )
        return None
    if len(found) > 1:
        row.error(name_key, _("%(union)s有%(n)s名会员叫“%(name)s”，请填写身份证号区分。")
                  % {"union": row.union.name, "n": len(found), "name": name})  # fmt: skip
        return None
    return found[0]


# --- payouts (帮扶 · 助学) -----------------------------------------------------------------------------

KIND_LABELS = {str(label): value for value, label in ApplicationKind.choices}


@dataclass
class _Payout:
    union: Org
    member: _Person
    kind: str
    amount: Decimal
    paid_on: dt.date
    method: str
    reason: str
    child_name: str
    school: str
    grade: str
    note: str


class PayoutImport(ImportKind):
    key = "care-payouts"
    title = gettext_lazy("帮扶助学发放")
    sheet_name = "帮扶助学发放"
    audit_action = "care.payout_import"
    id_columns = ("id_number",)
    columns = (
        Column("name", "姓名", required=True, example="张三", note="受助会员姓名"),
        Column("id_number", "身份证号", text=True, note="重名时必填；请保持文本格式"),
        Column("kind", "类别", required=True, choices=tuple(KIND_LABELS), example="困难帮扶"),
        Column("amount", "金额(元)", required=True, example="1000.00", note="到分，如 1000 或 1000.50"),
        Column("paid_on", "发放日期", required=True, note="yyyy/MM/dd，须早于本月（已结束的期间）"),
        Column("method", "发放方式", choices=tuple(METHODS), example="转账", note="留空为转账"),
        Column("reason", "事由", required=True, example="患病住院，家庭困难"),
        Column("child_name", "子女姓名", note="金秋助学必填"),
        Column("school", "就读学校", note="金秋助学必填"),
        Column("grade", "年级"),
        Column("note", "备注"),
    )
    notes = (
        "5. 导入的是已结束期间（本月以前）的发放记录：按“已批准、已发放”登记，审批人和发放人记为导入人，"
        "不再逐条走审批；本月的帮扶请在系统中申请、审批、发放。",
        "6. 会员按姓名匹配所填工会的会员；重名时请填写身份证号。",
    )
    preview_headers = ("工会", "姓名", "类别", "金额(元)", "发放日期", "发放方式")

    def may_import(self, user: Any, org: Org | str) -> bool:
        return may(user, IMPORT_HISTORY, org)

    def list_url(self, job: ImportJob) -> str:
        return reverse("care:applications") + "?state=paid"

    def example(self, org: Org, options: dict[str, Any]) -> dict[str, Any]:
        today = timezone.localdate()
        return {"paid_on": (period_start(today) - dt.timedelta(days=20)).strftime("%Y/%m/%d")}

    def prepare(self, ctx: Context, unions: list[Org]) -> None:
        load_people(ctx, unions)
        ctx.state["before"] = period_start(ctx.today)

    def check_row(self, ctx: Context, row: Row) -> _Payout | None:
        member = find_member(ctx, row)
        kind = row.choice("kind", KIND_LABELS, required=True)
        amount = row.money("amount")
        paid_on = row.date("paid_on", required=True)
        before: dt.date = ctx.state["before"]
        if paid_on is not None and paid_on >= before:
            row.error("paid_on", _("只能导入已结束期间（%(day)s以前）的发放；本月的帮扶请在系统中申请审批。")
                      % {"day": before.strftime("%Y/%m/%d")})  # fmt: skip
        method = row.choice("method", METHODS, default=PaymentMethod.TRANSFER)
        reason = row.text("reason", required=True, max_length=500)
        child_name = row.text("child_name", max_length=40)
        school = row.text("school", max_length=100)
        if kind == ApplicationKind.STUDENT_AID:
            if not child_name:
                row.error("child_name", _("金秋助学须填写子女姓名。"))
            if not school:
                row.error("school", _("金秋助学须填写就读学校。"))
        grade = row.text("grade", max_length=40)
        note = row.text("note", max_length=200)
        if row.errors or member is None or amount is None or paid_on is None or row.union is None:
            return None
        return _Payout(union=row.union, member=member, kind=kind, amount=amount, paid_on=paid_on, method=method,
                       reason=reason, child_name=child_name, school=school, grade=grade, note=note)  # fmt: skip

    def preview_of(self, item: _Payout) -> list[str]:
        return [item.union.name, item.member.name, str(ApplicationKind(item.kind).label), f"{item.amount:.2f}",
                item.paid_on.strftime("%Y/%m/%d"), str(PaymentMethod(item.method).label)]  # fmt: skip

    def write(self, ctx: Context, items: list[_Payout]) -> int:
        """Applications in state PAID (approved and paid by the importer, dated the payout day)
        and their ledger entries."""
        tz = timezone.get_current_timezone()
        applications = []
        for item in items:
            moment = dt.datetime.combine(item.paid_on, dt.time(12), tzinfo=tz)
            applications.append(AssistanceApplication(
                org=item.union, member_id=item.member.pk, kind=item.kind, amount_requested=item.amount,
                reason=item.reason, child_name=item.child_name, school=item.school, grade=item.grade,
                applied_by=ctx.actor, state=ApplicationState.PAID, created_at=moment, submitted_at=moment,
                approved_by=ctx.actor, decided_at=moment, approved_amount=item.amount, decision_note=IMPORT_NOTE,
            ))  # fmt: skip
        AssistanceApplication.objects.bulk_create(applications, batch_size=1000)
        entries = []
        for item, application in zip(items, applications, strict=True):
            attributed = item.member.org_id if item.member.path.startswith(item.union.path) else item.union.pk
            entries.append(LedgerEntry(
                org=item.union, attributed_org_id=attributed, kind=item.kind, category=APPLICATION_CATEGORY[item.kind],
                amount=item.amount, method=item.method, paid_on=item.paid_on, payer=ctx.actor,
                member_id=item.member.pk, payee_name=item.member.name[:60], application=application,
                note=(item.note or IMPORT_NOTE)[:200],
            ))  # fmt: skip
        LedgerEntry.objects.bulk_create(entries, batch_size=1000)
        return len(applications)

    def audit_after(self, ctx: Context, items: list[_Payout]) -> dict[str, Any]:
        totals: dict[str, Decimal] = {}
        for item in items:
            totals[item.kind] = totals.get(item.kind, ZERO) + item.amount
        return {
            "recorded_as": "approved_and_paid",
            "approved_by": ctx.actor.pk if ctx.actor else None,
            "paid_before": ctx.state.get("before", period_start(ctx.today)).isoformat(),
            "total": str(sum(totals.values(), ZERO)),
            "by_kind": {k: str(v) for k, v in totals.items()},
        }


PAYOUTS = kinds.register(PayoutImport())


# --- condolence visits (慰问) ---------------------------------------------------------------------


def occasion_table(unions: list[Org]) -> dict[int, dict[str, VisitOccasion]]:
    """Each union's 慰问事由 by name (care.occasions: the system's, its own and its superior
    unions'), for a whole file in one query."""
    occasions.ensure_system_occasions()
    path_ids = {u.pk: {int(part) for part in u.path.strip("/").split("/") if part} for u in unions}
    every_id = set().union(*path_ids.values()) if path_ids else set()
    rows = list(VisitOccasion.objects.filter(Q(org__isnull=True) | Q(org_id__in=every_id), active=True)
                .order_by("order", "pk"))  # fmt: skip
    return {
        u.pk: {row.name: row for row in rows if row.org_id is None or row.org_id in path_ids[u.pk]}
        for u in unions
    }


@dataclass
class _Visit:
    union: Org
    member: _Person
    occasion: VisitOccasion
    visited_on: dt.date
    amount: Decimal
    gift: str
    gift_value: Decimal
    visitor_names: str
    method: str
    notes: str


class VisitImport(ImportKind):
    key = "care-visits"
    title = gettext_lazy("慰问记录")
    sheet_name = "慰问记录"
    audit_action = "care.visit_import"
    id_columns = ("id_number",)
    columns = (
        Column("name", "姓名", required=True, example="张三", note="慰问对象（会员）姓名"),
        Column("id_number", "身份证号", text=True, note="重名时必填；请保持文本格式"),
        Column(
            "occasion", "慰问事由", required=True, example="住院", note="从下拉列表中选择本工会的慰问事由"
        ),
        Column("visited_on", "慰问日期", required=True, note="yyyy/MM/dd，须早于本月（已结束的期间）"),
        Column("amount", "慰问金(元)", example="500", note="到分；只送慰问品时填 0 或留空"),
        Column("gift", "慰问品", example="水果、牛奶"),
        Column("gift_value", "慰问品价值(元)", example="200"),
        Column("visitor_names", "慰问人", example="王主席、李委员"),
        Column("method", "发放方式", choices=tuple(METHODS), note="留空为现金"),
        Column("notes", "慰问情况"),
    )
    notes = (
        "5. 一行登记一名慰问对象。导入的是已结束期间（本月以前）的慰问：按“已批准、已发放登记”登记，"
        "审批人记为导入人，慰问金记入帮扶慰问台账；本月的慰问请在系统中登记、审批。",
        "6. 慰问金和慰问品至少填一项。会员按姓名匹配所填工会的会员；重名时请填写身份证号。",
    )
    preview_headers = ("工会", "姓名", "慰问事由", "慰问日期", "慰问金(元)", "慰问品")

    def may_import(self, user: Any, org: Org | str) -> bool:
        return may(user, IMPORT_HISTORY, org)

    def list_url(self, job: ImportJob) -> str:
        return reverse("care:visits")

    def lists(self, org: Org, options: dict[str, Any]) -> dict[str, list[str]]:
        """The occasions of the union and of the unions below it (each row is checked against
        its own union's list)."""
        unions = list(Org.objects.filter(path__under=org.path).exclude(kind=OrgKind.GROUP))
        return {"occasion": list(dict.fromkeys(name for _code, name in occasions.choices_for(unions)))}

    def example(self, org: Org, options: dict[str, Any]) -> dict[str, Any]:
        return {
            "visited_on": (period_start(timezone.localdate()) - dt.timedelta(days=20)).strftime("%Y/%m/%d")
        }

    def prepare(self, ctx: Context, unions: list[Org]) -> None:
        load_people(ctx, unions)
        ctx.state["before"] = period_start(ctx.today)
        ctx.state["occasions"] = occasion_table(unions)

    def check_row(self, ctx: Context, row: Row) -> _Visit | None:
        assert row.union is not None
        member = find_member(ctx, row)
        available: dict[str, VisitOccasion] = ctx.state["occasions"].get(row.union.pk, {})
        occasion_name = row.text("occasion", required=True)
        occasion = available.get(occasion_name)
        if occasion_name and occasion is None:
            row.error("occasion", _("“%(value)s”不是%(union)s的慰问事由，请从下拉列表中选择。")
                      % {"value": occasion_name[:40], "union": row.union.name})  # fmt: skip
        visited_on = row.date("visited_on", required=True)
        before: dt.date = ctx.state["before"]
        if visited_on is not None and visited_on >= before:
            row.error("visited_on", _("只能导入已结束期间（%(day)s以前）的慰问；本月的慰问请在系统中登记审批。")
                      % {"day": before.strftime("%Y/%m/%d")})  # fmt: skip
        errors_before = len(row.errors)
        amount = row.money("amount", required=False, allow_zero=True) or ZERO
        amount_unreadable = len(row.errors) > errors_before
        gift = row.text("gift", max_length=100)
        gift_value = row.money("gift_value", required=False, allow_zero=True) or ZERO
        if not amount and not gift and not amount_unreadable:
            row.error("amount", _("请填写慰问金或慰问品。"))
        visitor_names = row.text("visitor_names", max_length=200)
        method = row.choice("method", METHODS, default=PaymentMethod.CASH)
        notes = row.text("notes", max_length=2000)
        if row.errors or member is None or visited_on is None or occasion is None:
            return None
        return _Visit(union=row.union, member=member, occasion=occasion, visited_on=visited_on, amount=amount,
                      gift=gift, gift_value=gift_value, visitor_names=visitor_names, method=method, notes=notes)  # fmt: skip

    def preview_of(self, item: _Visit) -> list[str]:
        return [item.union.name, item.member.name, item.occasion.name,
                item.visited_on.strftime("%Y/%m/%d"), f"{item.amount:.2f}", item.gift]  # fmt: skip

    def write(self, ctx: Context, items: list[_Visit]) -> int:
        """Visits in state RECORDED (approved by the importer, paid on the visit day), one visited
        member each, and a ledger entry for each member's cash."""
        now = timezone.now()
        visits = [
            Visit(org=item.union, occasion=item.occasion.code, visited_on=item.visited_on, visitor_names=item.visitor_names,
                  gift=item.gift, gift_value=item.gift_value, notes=item.notes, state=VisitState.RECORDED,
                  recorded_by=ctx.actor, created_at=now, approved_by=ctx.actor, approved_at=now,
                  paid_on=item.visited_on, method=item.method)
            for item in items
        ]  # fmt: skip
        Visit.objects.bulk_create(visits, batch_size=1000)
        rows = [VisitMember(visit=visit, member_id=item.member.pk, amount=item.amount)
                for item, visit in zip(items, visits, strict=True)]  # fmt: skip
        VisitMember.objects.bulk_create(rows, batch_size=1000)
        entries = []
        for item, visited in zip(items, rows, strict=True):
            if item.amount <= ZERO:
                continue
            attributed = item.member.org_id if item.member.path.startswith(item.union.path) else item.union.pk
            entries.append(LedgerEntry(
                org=item.union, attributed_org_id=attributed, kind=LedgerKind.CONDOLENCE,
                category=item.occasion.category, amount=item.amount, method=item.method,
                paid_on=item.visited_on, payer=ctx.actor, member_id=item.member.pk,
                payee_name=item.member.name[:60], visit_member=visited, note=item.occasion.name,
            ))  # fmt: skip
        LedgerEntry.objects.bulk_create(entries, batch_size=1000)
        return len(visits)

    def audit_after(self, ctx: Context, items: list[_Visit]) -> dict[str, Any]:
        return {
            "recorded_as": "approved_and_recorded",
            "approved_by": ctx.actor.pk if ctx.actor else None,
            "cash": str(sum((item.amount for item in items), ZERO)),
            "gift_value": str(sum((item.gift_value for item in items), ZERO)),
        }


VISITS = kinds.register(VisitImport())
