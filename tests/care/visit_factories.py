"""Helpers of the visit tests: condolence standards and visits in any state, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from gonghui.care import visiting
from gonghui.care.enums import Occasion, VisitState
from gonghui.care.models import Visit


def set_condolence_standards(org: Any) -> None:
    """生日 50 元/人 (cap 100), 春节 500 元/人, 住院 300 元 + 水果 (100 元)."""
    visiting.condolence_standard_set(
        actor=None, org=org, occasion=Occasion.BIRTHDAY, amount="50", annual_cap="100"
    )
    visiting.condolence_standard_set(actor=None, org=org, occasion=Occasion.SPRING_FESTIVAL, amount="500")
    visiting.condolence_standard_set(actor=None, org=org, occasion=Occasion.CHONGYANG, amount="300")
    visiting.condolence_standard_set(actor=None, org=org, occasion=Occasion.HOSPITAL, amount="300", gift="水果",
                                     gift_value="100")  # fmt: skip


def make_visit(
    org: Any,
    members: list[Any],
    *,
    occasion: str = Occasion.BIRTHDAY,
    amount: str = "50",
    visited_on: dt.date | None = None,
    state: str = VisitState.DRAFT,
    recorder: Any = None,
    approver: Any = None,
    **extra: Any,
) -> Visit:
    visit = visiting.visit_create(
        actor=recorder, org=org, occasion=occasion, visited_on=visited_on or dt.date.today(), members=members,
        amount_each=Decimal(amount), **extra,
    )  # fmt: skip
    if state == VisitState.DRAFT:
        return visit
    assert approver is not None
    visiting.visit_approve(actor=approver, visit=visit)
    if state == VisitState.RECORDED:
        visiting.visit_record(actor=None, visit=visit, method="cash", paid_on=visit.visited_on)
    return Visit.objects.get(pk=visit.pk)
