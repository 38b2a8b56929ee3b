"""A union's standards (帮扶标准): amount per payment and annual cap per person, by kind."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, snapshot
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service

from .. import rules
from ..models import (
    ZERO,
    CareStandard,
)
from ._common import _money, _require

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
