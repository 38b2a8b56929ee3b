"""Assistance applications: creating, editing and submitting, and the one way their state moves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members import services as member_services
from gonghui.members.models import Member

from .. import rules
from ..enums import (
    EDITABLE_STATES,
    ApplicationKind,
    ApplicationState,
)
from ..models import (
    ZERO,
    AssistanceApplication,
)
from ._common import _locked, _money, _require

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
