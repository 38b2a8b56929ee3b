"""What the care models share: money constants and sums exact to the fen, access policies."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Sum
from django.db.models.functions import Cast, Round

from gonghui.core.enums import Role
from gonghui.core.policy import AccessPolicy

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# Portfolio-free roles only: the 生活委员 and the superior care officer are added by the care
# app's own queries (rules.care_q), which core.access cannot express.
FILE_POLICY = AccessPolicy(org_field="org", view=frozenset({Role.CHAIR}), change=frozenset({Role.CHAIR}))
APPLICATION_POLICY = AccessPolicy(
    org_field="org",
    view=frozenset({Role.CHAIR, Role.VICE_CHAIR}),
    change=frozenset({Role.CHAIR, Role.VICE_CHAIR}),
)


def fen_sum(field: str = "amount", **extra: Any) -> Sum:
    """SUM of a money column, exact on every backend: summed as whole fen (BIGINT).

    SQLite keeps DecimalField values as REAL and sums them in floating point (0.52 - 0.52 + …
    came back as -4.4e-16); rounding each value to fen before adding keeps the total exact.
    """
    return Sum(Cast(Round(F(field) * 100), models.BigIntegerField()), **extra)


def from_fen(value: Any) -> Decimal:
    return (Decimal(value or 0) / 100).quantize(CENT)


CAMPAIGN_POLICY = AccessPolicy(org_field="org", view=frozenset({Role.CHAIR, Role.VICE_CHAIR}))
