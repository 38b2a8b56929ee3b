"""Factories of the care tests: standards, applications in any state, hardship files.

Everything goes through the care services (the same rules and audit rows as real use), with
`actor=None` (the system) unless a test passes an approver.

    make_application(member, kind="hardship_aid", amount="1000", state="paid", approver=chair)
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gonghui.care import services
from gonghui.care.enums import ApplicationKind, ApplicationState, HardshipCause, PaymentMethod
from gonghui.care.models import AssistanceApplication, HardshipFile
from gonghui.core.models import User
from gonghui.members.models import Member


def set_standards(org: Any, *, hardship: str = "2000", hardship_cap: str = "5000", student: str = "1000",
                  student_cap: str = "2000") -> None:  # fmt: skip
    services.standard_set(actor=None, org=org, kind=ApplicationKind.HARDSHIP_AID, amount=Decimal(hardship),
                          annual_cap=Decimal(hardship_cap))  # fmt: skip
    services.standard_set(actor=None, org=org, kind=ApplicationKind.STUDENT_AID, amount=Decimal(student),
                          annual_cap=Decimal(student_cap))  # fmt: skip


def make_application(
    member: Member,
    *,
    kind: str = ApplicationKind.HARDSHIP_AID,
    amount: str | Decimal = "1000",
    state: str = ApplicationState.SUBMITTED,
    approver: User | None = None,
    paid_on: dt.date | None = None,
    **extra: Any,
) -> AssistanceApplication:
    if kind == ApplicationKind.STUDENT_AID:
        extra.setdefault("child_name", "李小明")
        extra.setdefault("school", "县第一中学")
        extra.setdefault("grade", "高一")
    application = services.application_create(
        actor=None, member=member, kind=kind, amount_requested=Decimal(amount), reason="家庭困难",
        submit=state != ApplicationState.DRAFT, **extra,
    )  # fmt: skip
    if state in (ApplicationState.DRAFT, ApplicationState.SUBMITTED):
        return application
    if state == ApplicationState.REJECTED:
        assert approver is not None
        return services.application_reject(actor=approver, application=application, reason="不符合条件")
    assert approver is not None, "approving needs an approver"
    application = services.application_approve(
        actor=approver, application=application, amount=Decimal(amount)
    )
    if state == ApplicationState.APPROVED:
        return application
    entry = services.assistance_pay(actor=None, application=application, method=PaymentMethod.CASH,
                                    paid_on=paid_on or dt.date.today())  # fmt: skip
    if state == ApplicationState.REVERSED:
        services.ledger_reverse(actor=None, entry=entry, reason="发错了", reversed_on=paid_on)
    return AssistanceApplication.objects.get(pk=application.pk)


def open_file(member: Member, **data: Any) -> HardshipFile:
    data.setdefault("cause", HardshipCause.ILLNESS)
    data.setdefault("level", "ordinary")
    return services.hardship_file_open(actor=data.pop("actor", None), member=member, **data)
