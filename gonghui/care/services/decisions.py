"""Deciding an application: the standard and annual cap, approval (with the chair's override), rejection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import may
from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members.models import Member

from .. import approvals, rules
from ..enums import (
    APPLICATION_TRANSITIONS,
    ApplicationState,
)
from ..models import (
    ZERO,
    AssistanceApplication,
    LedgerEntry,
    Visit,
    fen_sum,
    from_fen,
)
from ._common import _locked, _money
from .applications import application_set_state
from .standards import standard_for


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
        if not may(actor, rules.OVERRIDE, obj.org):
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
