"""A health campaign has a cost, paid through the ledger like a trip's (issue 12 §2)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.care import campaigns, facts
from gonghui.care.enums import HealthKind, LedgerKind, SpendingCategory
from gonghui.care.models import HealthCampaign, LedgerEntry
from gonghui.core.errors import DomainError
from gonghui.core.facts import Period
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


def _checkup(tree, chair, **extra):
    return campaigns.health_campaign_create(
        actor=chair, org=tree.school1, kind=extra.pop("kind", HealthKind.CHECKUP), year=today().year,
        title="年度体检", starts_on=today(), ends_on=today(), provider="县人民医院", **extra,
    )  # fmt: skip


def test_a_checkups_cost_is_one_ledger_entry_paid_once_to_the_provider(tree, chair):
    MemberFactory(union=tree.school1)
    campaign = _checkup(tree, chair, cost="5600")

    entry = LedgerEntry.objects.get(health_campaign=campaign)
    assert (entry.kind, entry.category, entry.amount) == (
        LedgerKind.HEALTH,
        SpendingCategory.HEALTH,
        Decimal("5600"),
    )
    assert entry.payee_name == "县人民医院" and entry.paid_on == today()
    with pytest.raises(DomainError, match="已经发放过"):
        from gonghui.care import services

        services.ledger_record(actor=chair, org=tree.school1, kind=LedgerKind.HEALTH, category="health",
                               amount=Decimal("1"), method="transfer", paid_on=today(), source=campaign)  # fmt: skip


def test_a_campaign_without_cost_writes_no_entry(tree, chair):
    campaign = _checkup(tree, chair)
    assert campaign.cost == Decimal("0") and not LedgerEntry.objects.filter(health_campaign=campaign).exists()


def test_the_cost_is_a_figure_by_kind_and_not_in_the_care_total(tree, chair, client_for):
    MemberFactory(union=tree.school1, female=True)
    _checkup(tree, chair, cost="5600")
    _checkup(tree, chair, kind=HealthKind.WOMEN, cost="1200")
    period = Period.calendar_year(today().year)

    values = {f.key: f for f in facts.year_facts(tree.school1, period)}

    assert values["care.health.checkup.amount"].value == Decimal("5600.00")
    assert values["care.health.women.amount"].value == Decimal("1200.00")
    assert values["care.total"].value == Decimal("0.00")
    link = values["care.health.women.amount"]
    page = client_for(chair).get(link.records_url).content.decode()
    assert re.search(r'data-record-count="1"', page)


def test_the_form_takes_the_cost(tree, chair, client_for):
    response = client_for(chair).post(reverse("care:health_create"), {
        "org": tree.school1.pk, "kind": "checkup", "year": today().year, "title": "年度体检", "provider": "县医院",
        "starts_on": today().isoformat(), "ends_on": today().isoformat(), "cost": "3000", "method": "transfer",
    })  # fmt: skip
    assert response.status_code == 302
    campaign = HealthCampaign.objects.get()
    assert (
        campaign.cost == Decimal("3000") and LedgerEntry.objects.get(health_campaign=campaign).amount == 3000
    )
