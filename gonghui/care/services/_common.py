"""Checks shared by the care services: who may act, amounts to the fen, locking an application."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.access import may
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User

from .. import rules
from ..models import (
    CENT,
    AssistanceApplication,
)


def _require(actor: User | None, capability: rules.Capability, org: Org, message: str) -> None:
    """`actor=None` is the system (demo, imports); a person needs the capability over `org`."""
    if actor is not None and not may(actor, capability, org):
        raise DomainError(message)


def _money(value: Any) -> Decimal:
    amount = Decimal(str(value))
    if amount != amount.quantize(CENT):
        raise DomainError(_("金额最多保留两位小数(到分)。"))
    return amount.quantize(CENT)


def _locked(application: AssistanceApplication) -> AssistanceApplication:
    return (
        AssistanceApplication.objects.select_for_update(of=("self",))
        .select_related("org", "member")
        .get(pk=application.pk)
    )
