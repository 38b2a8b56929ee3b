"""Twenty simultaneous "pay" requests for one approved application: exactly one ledger entry.

PostgreSQL only: SQLite serialises every write transaction and its shared-cache in-memory test
database answers concurrent writers with "database table is locked" instead of waiting, so
there is no race to observe there. Run with
`DATABASE_URL=postgres://… .venv/bin/pytest tests/care -m pg`.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from gonghui.care import services
from gonghui.care.enums import ApplicationState, PaymentMethod
from gonghui.care.models import AssistanceApplication, LedgerEntry
from gonghui.core.errors import DomainError
from tests.voting.test_concurrency_pg import run_concurrently

from .factories import make_application

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent writers need PostgreSQL: SQLite serialises writes and its shared-cache "
        "in-memory test database raises 'table is locked' instead of waiting",
    ),
    pytest.mark.django_db(transaction=True),
]


def test_twenty_simultaneous_payments_make_exactly_one_entry(helped, welfare, chair):
    application = make_application(helped, amount="1800", state=ApplicationState.APPROVED, approver=welfare)

    outcomes = run_concurrently([
        lambda: services.assistance_pay(actor=chair, application=application, method=PaymentMethod.TRANSFER)
        for _ in range(20)
    ])  # fmt: skip

    paid = [value for kind, value in outcomes if kind == "ok"]
    errors = [value for kind, value in outcomes if kind == "error"]
    assert len(paid) == 1 and len(errors) == 19
    assert all(isinstance(e, DomainError) and "已经发放" in str(e) for e in errors), {repr(e) for e in errors}
    assert list(LedgerEntry.objects.filter(application=application)) == paid
    assert LedgerEntry.objects.filter(application=application).total() == Decimal("1800.00")
    assert AssistanceApplication.objects.get(pk=application.pk).state == ApplicationState.PAID


def test_twenty_simultaneous_reversals_make_exactly_one(helped, welfare, chair):
    application = make_application(helped, amount="600", state=ApplicationState.PAID, approver=welfare)
    entry = LedgerEntry.objects.get(application=application)

    outcomes = run_concurrently([
        lambda: services.ledger_reverse(actor=chair, entry=entry, reason="重复") for _ in range(20)
    ])  # fmt: skip

    assert len([v for kind, v in outcomes if kind == "ok"]) == 1
    errors = [v for kind, v in outcomes if kind == "error"]
    assert len(errors) == 19 and all(isinstance(e, DomainError) for e in errors), {repr(e) for e in errors}
    assert LedgerEntry.objects.filter(application=application).total() == Decimal("0.00")


def test_simultaneous_approvals_for_one_member_respect_the_annual_cap(
    tree, helped, chair, welfare, vice_chair
):
    """Cap 5000, standard 2000: five applications of 2000 approved at once -> at most two pass."""
    applications = [make_application(helped, amount="2000") for _ in range(5)]

    outcomes = run_concurrently(
        [lambda a=a: services.application_approve(actor=chair, application=a, amount=Decimal("2000"))
         for a in applications],
        workers=5,
    )  # fmt: skip

    approved = AssistanceApplication.objects.filter(member=helped, state=ApplicationState.APPROVED).count()
    assert approved == 2, outcomes
