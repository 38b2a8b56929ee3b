"""Writes of the care app: keyword-only, atomic, audited (DESIGN.md §4).

The ledger API other care areas use:

    ledger_record(*, actor, org, kind, category, amount, method, paid_on, member=None,
                  payee_name="", source=None, note="") -> LedgerEntry
    ledger_reverse(*, actor, entry, reason, reversed_on=None) -> LedgerEntry

`source` is the record paid for (an AssistanceApplication today; a visit or a drive later): the
entry's FK to the source's model is found by type, so a new source area adds a nullable FK (and
its partial UNIQUE constraint) to LedgerEntry and calls ledger_record with `source=`.
Totals are sums of entries (`LedgerEntry.objects.filter(...).total()`, queries.py).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service
from gonghui.members import services as member_services
from gonghui.members.models import Member

from . import approvals, rules
from .dates import not_future
from .enums import (
    APPLICATION_CATEGORY,
    APPLICATION_TRANSITIONS,
    EDITABLE_STATES,
    ApplicationKind,
    ApplicationState,
    FileState,
    LedgerKind,
    PaymentMethod,
    ReviewOutcome,
    SpendingCategory,
)
from .models import (
    CENT,
    ZERO,
    AssistanceApplication,
    CareStandard,
    HardshipDocument,
    HardshipFile,
    HardshipReview,
    LedgerEntry,
    Visit,
    fen_sum,
    from_fen,
)

ENTRY_FIELDS = ["org", "kind", "category", "amount", "method", "paid_on", "member", "reverses"]


def _require(actor: User | None, capability: rules.Capability, org: Org, message: str) -> None:
    """`actor=None` is the system (demo, imports); a person needs the capability over `org`."""
    if actor is not None and not rules.may(actor, capability, org):
        raise DomainError(message)


def _money(value: Any) -> Decimal:
    amount = Decimal(str(value))
    if amount != amount.quantize(CENT):
        raise DomainError(_("金额最多保留两位小数(到分)。"))
    return amount.quantize(CENT)


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


# --- standards -------------------------------------------------------------------------------


def standard_for(org: Org, kind: str) -> CareStandard | None:
    return CareStandard.objects.filter(org=org, kind=kind).first()


@service
def standard_set(
    *, actor: User | None, org: Org, kind: str, amount: Decimal, annual_cap: Decimal
) -> CareStandard:
    """Set a union's standard (per payment) and annual cap per person for a kind of assistance."""
    _require(actor, rules.STANDARDS_CHANGE, org, _("只有工会主席可以设置帮扶标准。"))
    amount, annual_cap = _money(amount), _money(annual_cap)
    if amount <= ZERO or annual_cap <= ZERO:
        raise DomainError(_("标准和上限必须大于零。"))
    if annual_cap < amount:
        raise DomainError(_("每人每年上限不能低于每次标准。"))
    standard = CareStandard.objects.select_for_update().filter(org=org, kind=kind).first()
    before = snapshot(standard, ["amount", "annual_cap"]) if standard else {}
    if standard is None:
        standard = CareStandard(org=org, kind=kind, amount=amount, annual_cap=annual_cap)
    standard.amount, standard.annual_cap = amount, annual_cap
    standard.updated_by, standard.updated_at = actor, timezone.now()
    standard.full_clean()
    standard.save()
    audit(action="care.standard_set", actor=actor, org=org, obj=standard, before=before,
          after={"kind": kind, **snapshot(standard, ["amount", "annual_cap"])})  # fmt: skip
    return standard


# --- hardship files --------------------------------------------------------------------------

FILE_FIELDS = [
    "cause", "level", "family_situation", "household_size", "income_per_head", "cert_no", "cert_issued_on",
    "cert_expires_on", "next_review_on",
]  # fmt: skip
AUDITED_FILE_FIELDS = ["cause", "level", "household_size", "cert_no", "cert_issued_on", "cert_expires_on",
                       "next_review_on", "state"]  # fmt: skip


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _sync_member(actor: User | None, member: Member, *, level: str, cert_no: str) -> None:
    """Member.hardship_level mirrors the open file (members.services.member_update, audited)."""
    member = Member.objects.get(pk=member.pk)
    if member.hardship_level == level and member.hardship_cert_no == cert_no:
        return
    member_services.member_update(
        actor=actor,
        member=member,
        data={"name": member.name, "hardship_level": level, "hardship_cert_no": cert_no},
    )


def _check_file(file: HardshipFile) -> None:
    if file.cert_issued_on and file.cert_expires_on and file.cert_expires_on < file.cert_issued_on:
        raise DomainError(_("证件有效期不能早于发证日期。"))
    file.full_clean(exclude=["member", "org", "created_by"])


@service
def hardship_file_open(
    *, actor: User | None, member: Member, opened_on: dt.date | None = None, **data: Any
) -> HardshipFile:
    """Open a 困难职工档案 for a member (one open file per member); next re-check in a year."""
    union = member_services.union_of(member.org)
    _require(actor, rules.FILE_CHANGE, union, _("您无权为该会员建立困难职工档案。"))
    if HardshipFile.objects.filter(member=member, state=FileState.OPEN).exists():
        raise DomainError(_("该会员已有在档的困难职工档案。"))
    opened_on = not_future(opened_on or timezone.localdate(), _("建档日期"))
    unknown = set(data) - set(FILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown hardship file fields: {sorted(unknown)}")
    file = HardshipFile(member=member, org=union, opened_on=opened_on, created_by=actor, state=FileState.OPEN)
    for key, value in data.items():
        setattr(file, key, value if value is not None or key.endswith("_on") else "")
    if not file.next_review_on:
        file.next_review_on = one_year_after(opened_on)
    _check_file(file)
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError as error:
        raise DomainError(_("该会员已有在档的困难职工档案。")) from error
    audit(
        action="care.file_open", actor=actor, org=union, obj=file, after=snapshot(file, AUDITED_FILE_FIELDS)
    )
    _sync_member(actor, member, level=file.level, cert_no=file.cert_no)
    return file


@service
def hardship_file_update(*, actor: User | None, file: HardshipFile, data: dict[str, Any]) -> HardshipFile:
    """Edit an open file (a level change is mirrored onto the member)."""
    file = HardshipFile.objects.select_for_update().select_related("member").get(pk=file.pk)
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权修改该档案。"))
    if file.state != FileState.OPEN:
        raise DomainError(_("档案已销档，不能修改。"))
    unknown = set(data) - set(FILE_FIELDS)
    if unknown:
        raise DomainError(_("这些内容不能在此修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    before = snapshot(file, AUDITED_FILE_FIELDS)
    for key, value in data.items():
        setattr(file, key, value if value is not None or key.endswith("_on") else "")
    _check_file(file)
    old, new = changed(before, snapshot(file, AUDITED_FILE_FIELDS))
    if new or data:
        file.save()
        audit(action="care.file_update", actor=actor, org=file.org, obj=file, before=old, after=new)
    _sync_member(actor, file.member, level=file.level, cert_no=file.cert_no)
    return file


@service
def hardship_file_set_state(*, file: HardshipFile, actor: User | None, to: str, **after: Any) -> None:
    HardshipFile.states.move(file, to=to, actor=actor, org=file.org, after=after)


@service
def hardship_file_close(
    *, actor: User | None, file: HardshipFile, reason: str, closed_on: dt.date | None = None
) -> HardshipFile:
    """销档 with a reason; the member's hardship flag is cleared."""
    file = HardshipFile.objects.select_for_update().select_related("member").get(pk=file.pk)
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权销档。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写销档原因。"))
    hardship_file_set_state(file=file, actor=actor, to=FileState.CLOSED, reason=reason)
    file.closed_on, file.close_reason = closed_on or timezone.localdate(), reason[:200]
    file.save(update_fields=["closed_on", "close_reason"])
    _sync_member(actor, file.member, level="", cert_no="")
    return file


@service
def hardship_review(
    *,
    actor: User | None,
    file: HardshipFile,
    outcome: str,
    reviewed_on: dt.date | None = None,
    level: str = "",
    notes: str = "",
) -> HardshipReview:
    """The yearly re-check (复核): continue, change the level, or close the file."""
    file = HardshipFile.objects.select_for_update().select_related("member").get(pk=file.pk)
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权复核该档案。"))
    if file.state != FileState.OPEN:
        raise DomainError(_("档案已销档，不能复核。"))
    reviewed_on = reviewed_on or timezone.localdate()
    level_before = file.level
    if outcome == ReviewOutcome.CHANGE_LEVEL:
        if not level or level == file.level:
            raise DomainError(_("调整困难等级时请选择新的等级。"))
        file.level = level
    elif outcome not in (ReviewOutcome.CONTINUE, ReviewOutcome.CLOSE):
        raise DomainError(_("请选择复核结论。"))
    review = HardshipReview.objects.create(
        file=file, reviewed_on=reviewed_on, by=actor, outcome=outcome, level_before=level_before,
        level_after=file.level if outcome != ReviewOutcome.CLOSE else "", notes=notes,
    )  # fmt: skip
    audit(action="care.file_review", actor=actor, org=file.org, obj=file,
          before={"level": level_before, "next_review_on": file.next_review_on.isoformat()},
          after={"outcome": outcome, "level": review.level_after})  # fmt: skip
    if outcome == ReviewOutcome.CLOSE:
        hardship_file_close(actor=actor, file=file, reason=notes or str(ReviewOutcome.CLOSE.label),
                            closed_on=reviewed_on)  # fmt: skip
        return review
    file.next_review_on = one_year_after(reviewed_on)
    file.save(update_fields=["level", "next_review_on"])
    _sync_member(actor, file.member, level=file.level, cert_no=file.cert_no)
    return review


@service
def hardship_document_add(*, actor: User | None, file: HardshipFile, upload: Any) -> HardshipDocument:
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权上传证明材料。"))
    name = posixpath_basename(getattr(upload, "name", "") or "document")
    document = HardshipDocument.objects.create(file=file, document=upload, name=name[:200], uploaded_by=actor)
    audit(action="care.file_document_add", actor=actor, org=file.org, obj=file, after={"document": name})
    return document


def posixpath_basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]


# --- assistance applications -----------------------------------------------------------------

APPLICATION_FIELDS = ["amount_requested", "reason", "child_name", "school", "grade", "admission_year"]


@service
def application_set_state(
    *, application: AssistanceApplication, actor: User | None, to: str, **after: Any
) -> None:
    """The one place an application's state changes: checks the table, audits before/after."""
    AssistanceApplication.states.move(
        application, to=to, actor=actor, org=application.org, after={k: _plain(v) for k, v in after.items()}
    )


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _locked(application: AssistanceApplication) -> AssistanceApplication:
    return (
        AssistanceApplication.objects.select_for_update(of=("self",))
        .select_related("org", "member")
        .get(pk=application.pk)
    )


def _check_content(application: AssistanceApplication) -> None:
    if application.kind == ApplicationKind.STUDENT_AID and not (
        application.child_name and application.school
    ):
        raise DomainError(_("金秋助学请填写子女姓名和就读学校。"))
    if not (application.reason or "").strip():
        raise DomainError(_("请填写申请理由。"))
    application.amount_requested = _money(application.amount_requested)
    if application.amount_requested <= ZERO:
        raise DomainError(_("申请金额必须大于零。"))
    application.full_clean(exclude=["member", "org", "applied_by", "approved_by"])


@service
def application_create(
    *,
    actor: User | None,
    member: Member,
    kind: str,
    amount_requested: Decimal,
    reason: str,
    child_name: str = "",
    school: str = "",
    grade: str = "",
    admission_year: int | None = None,
    submit: bool = False,
) -> AssistanceApplication:
    """An application by the member (actor is the member's account) or by an officer on their behalf."""
    union = member_services.union_of(member.org)
    on_own_behalf = actor is not None and member.user_id == actor.pk
    if not on_own_behalf:
        _require(actor, rules.APP_CHANGE, union, _("您无权为该会员提交帮扶申请。"))
    if kind not in ApplicationKind.values:
        raise DomainError(_("请选择申请类别。"))
    application = AssistanceApplication(
        org=union, member=member, kind=kind, amount_requested=amount_requested, reason=reason,
        child_name=child_name, school=school, grade=grade, admission_year=admission_year, applied_by=actor,
    )  # fmt: skip
    _check_content(application)
    application.save()
    audit(action="care.application_create", actor=actor, org=union, obj=application,
          after={"kind": kind, "amount_requested": str(application.amount_requested), "member": member.pk})  # fmt: skip
    if submit:
        application_submit(actor=actor, application=application)
    return application


@service
def application_update(
    *, actor: User | None, application: AssistanceApplication, data: dict[str, Any]
) -> AssistanceApplication:
    """Change the content of a draft or submitted application; never after the decision.
    The member, the union and the kind are fixed once the application exists."""
    application = _locked(application)
    if application.state not in EDITABLE_STATES:
        raise DomainError(_("申请已审批，不能再修改；如需更正请冲正后重新申请。"))
    if not (actor is not None and application.member.user_id == actor.pk):
        _require(actor, rules.APP_CHANGE, application.org, _("您无权修改该申请。"))
    fixed = set(data) - set(APPLICATION_FIELDS)
    if fixed:
        raise DomainError(_("这些内容不能修改：%(fields)s") % {"fields": "、".join(sorted(fixed))})
    before = snapshot(application, APPLICATION_FIELDS)
    for key, value in data.items():
        setattr(application, key, value if value is not None or key == "admission_year" else "")
    _check_content(application)
    application.save()
    old, new = changed(before, snapshot(application, APPLICATION_FIELDS))
    audit(
        action="care.application_update",
        actor=actor,
        org=application.org,
        obj=application,
        before=old,
        after=new,
    )
    return application


@service
def application_submit(*, actor: User | None, application: AssistanceApplication) -> AssistanceApplication:
    application = _locked(application)
    application_set_state(application=application, actor=actor, to=ApplicationState.SUBMITTED)
    application.submitted_at = timezone.now()
    application.save(update_fields=["submitted_at"])
    return application


def year_to_date(member: Member, kind: str, year: int, *, exclude: int | None = None) -> Decimal:
    """What the member has received this year for `kind` (ledger, reversals netted) plus what
    is approved and not yet paid (committed), so two approvals cannot both fit under the cap."""
    paid = LedgerEntry.objects.filter(member=member, kind=kind, paid_on__year=year).total()
    committed = (
        AssistanceApplication.objects.filter(
            member=member, kind=kind, state=ApplicationState.APPROVED, decided_at__year=year
        )
        .exclude(pk=exclude or 0)
        .aggregate(total=fen_sum("approved_amount"))["total"]
    )
    return paid + from_fen(committed)


def approval_problems(application: AssistanceApplication, amount: Decimal, *, year: int) -> list[str]:
    """Why `amount` is outside the union's rules (empty list: within the standard and the cap)."""
    standard = standard_for(application.org, application.kind)
    if standard is None:
        return [_("本工会尚未设置“%(kind)s”的帮扶标准。") % {"kind": application.get_kind_display()}]
    problems = []
    if amount > standard.amount:
        problems.append(
            _("批准金额%(amount)s元超过标准%(standard)s元。")
            % {"amount": amount, "standard": standard.amount}
        )
    so_far = year_to_date(application.member, application.kind, year, exclude=application.pk)
    if so_far + amount > standard.annual_cap:
        problems.append(
            _("该会员本年度已获%(so_far)s元，加上本次%(amount)s元将超过每人每年上限%(cap)s元。")
            % {"so_far": so_far, "amount": amount, "cap": standard.annual_cap}
        )
    return problems


@service
def application_approve(
    *,
    actor: User,
    application: AssistanceApplication,
    amount: Decimal,
    note: str = "",
    override_reason: str = "",
) -> AssistanceApplication:
    """Committee approval. The approver is the chair, a vice-chair or the 生活委员 of the union,
    neither the applicant nor the member helped. Within the standard and the annual cap, or,
    beyond them, only the chair with a written override reason (audited with the reason)."""
    application = _locked(application)
    # Serialise approvals for the same member, so the annual cap holds under concurrency.
    Member.objects.select_for_update().filter(pk=application.member_id).first()
    refusal = approvals.application_refusal(actor, application)
    if refusal is not None:
        raise DomainError(refusal)
    if ApplicationState.APPROVED not in APPLICATION_TRANSITIONS[application.state]:
        raise DomainError(_("申请当前为“%(state)s”，不能审批。") % {"state": application.get_state_display()})
    amount = _money(amount)
    if amount <= ZERO:
        raise DomainError(_("批准金额必须大于零。"))
    approval_record(
        obj=application, to=ApplicationState.APPROVED, actor=actor,
        problems=approval_problems(application, amount, year=timezone.localdate().year),
        override_reason=override_reason, override_action="care.application_override",
        fields={"approved_amount": amount, "decision_note": note[:200]}, after={"approved_amount": str(amount)},
    )  # fmt: skip
    return application


@service
def approval_record(
    *,
    obj: AssistanceApplication | Visit,
    to: str,
    actor: User,
    problems: list[str],
    override_reason: str,
    override_action: str,
    fields: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """The approval (批准) of an application or a visit: within the union's standard, or beyond
    it (`problems` says how) only by the chair with a written reason. The approval is one audited
    state move; an override is audited again with its reason and the problems it overrode."""
    override_reason = (override_reason or "").strip()
    override = bool(problems)
    if override:
        if not rules.may(actor, rules.OVERRIDE, obj.org):
            raise DomainError(" ".join([*problems, _("超出标准须由工会主席特批。")]))
        if not override_reason:
            raise DomainError(" ".join([*problems, _("特批须填写理由。")]))
    type(obj).states.move(
        obj, to=to, actor=actor, org=obj.org, after={**after, "override": override},
        fields={**fields, "approved_by": actor, "override": override,
                "override_reason": override_reason[:200] if override else ""},
    )  # fmt: skip
    if override:
        audit(action=override_action, actor=actor, org=obj.org, obj=obj,
              after={**after, "reason": override_reason, "problems": problems})  # fmt: skip


@service
def application_reject(
    *, actor: User, application: AssistanceApplication, reason: str
) -> AssistanceApplication:
    application = _locked(application)
    refusal = approvals.application_refusal(actor, application)
    if refusal is not None:
        raise DomainError(refusal)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写不予批准的理由。"))
    application_set_state(application=application, actor=actor, to=ApplicationState.REJECTED, reason=reason)
    application.approved_by, application.decided_at, application.decision_note = (
        actor,
        timezone.now(),
        reason[:200],
    )
    application.save(update_fields=["approved_by", "decided_at", "decision_note"])
    return application


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
