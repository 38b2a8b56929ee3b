"""Each care figure counts what its label says, and nothing beside it (issue 12 §2).

Every test builds the records that would expose a wrong filter: a serving member visited at a
festival beside a retiree, a 疗休养 trip and a drive's payout beside visit money, a reversal of
last year's payment entered this year.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from gonghui.care import campaigns, facts, services
from gonghui.care.enums import LedgerKind, Occasion, VisitState
from gonghui.care.models import LedgerEntry
from gonghui.core.facts import Period
from gonghui.members.enums import MemberStatus
from tests.members.factories import MemberFactory

from .factories import make_application
from .visit_factories import make_visit, set_condolence_standards

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


def this_period() -> Period:
    return Period.calendar_year(today().year)


def last_period() -> Period:
    return Period.calendar_year(today().year - 1)


def _banner_count(client, url: str) -> int | None:
    found = re.search(r'data-record-count="(\d+)"', client.get(url).content.decode())
    return int(found.group(1)) if found else None


def _facts(org, period=None, **kwargs) -> dict:
    return {f.key: f for f in facts.year_facts(org, period or this_period(), **kwargs)}


def _values(org, period=None, **kwargs) -> dict:
    return {key: fact.value for key, fact in _facts(org, period, **kwargs).items()}


@pytest.fixture
def festival_year(tree, welfare):
    """春节: two retirees and one serving teacher; 重阳: one more retiree; 住院: a retiree."""
    set_condolence_standards(tree.school1)
    retirees = [MemberFactory(union=tree.school1, status=MemberStatus.RETIRED) for _ in range(3)]
    teacher = MemberFactory(union=tree.school1)
    make_visit(tree.school1, [*retirees[:2], teacher], occasion=Occasion.SPRING_FESTIVAL, amount="500",
               state=VisitState.RECORDED, approver=welfare)  # fmt: skip
    make_visit(tree.school1, retirees[2:], occasion=Occasion.CHONGYANG, amount="300",
               state=VisitState.RECORDED, approver=welfare)  # fmt: skip
    make_visit(tree.school1, retirees[:1], occasion=Occasion.HOSPITAL, amount="300",
               state=VisitState.RECORDED, approver=welfare)  # fmt: skip
    return {"retirees": retirees, "teacher": teacher}


@pytest.mark.parametrize("subtree", [True, False])
def test_festival_retirees_counts_retired_members_only_not_a_teacher_visited_at_spring_festival(
    festival_year, tree, subtree
):
    values = _values(tree.school1, subtree=subtree)

    assert values["care.condolence.festival_retirees"] == 3
    assert values["care.condolence.times"] == 5  # every visited member still counts as 慰问


def test_festival_retirees_link_lists_the_visits_it_counts(festival_year, tree, chair, client_for):
    fact = _facts(tree.school1)["care.condolence.festival_retirees"]

    assert fact.record_count == 2  # the 春节 and the 重阳 visit, not the 住院 one
    assert _banner_count(client_for(chair), fact.records_url) == 2


def test_a_festival_visit_of_serving_members_only_has_no_retirees(tree, welfare):
    set_condolence_standards(tree.school1)
    teachers = [MemberFactory(union=tree.school1) for _ in range(4)]
    make_visit(tree.school1, teachers, occasion=Occasion.SPRING_FESTIVAL, amount="500",
               state=VisitState.RECORDED, approver=welfare)  # fmt: skip

    values = _values(tree.school1)

    assert values["care.condolence.festival_retirees"] == 0
    assert values["care.condolence.times"] == 4


def test_care_total_is_aid_and_visit_money_not_a_trip_nor_a_drive_payout(tree, welfare, standards, chair):
    set_condolence_standards(tree.school1)
    member = MemberFactory(union=tree.school1)
    make_visit(tree.school1, [member], occasion=Occasion.SPRING_FESTIVAL, amount="500",
               state=VisitState.RECORDED, approver=welfare)  # fmt: skip
    make_application(member, amount="1000", state="paid", approver=welfare)
    make_application(member, kind="student_aid", amount="800", state="paid", approver=welfare)
    campaigns.trip_create(actor=chair, org=tree.school1, title="疗休养", place="千岛湖", provider="旅行社",
                          starts_on=today(), ends_on=today(), participants=[member], cost="3000")  # fmt: skip
    services.ledger_record(actor=chair, org=tree.school1, kind=LedgerKind.DONATION_PAYOUT, category="donation",
                           amount=Decimal("900"), method="cash", paid_on=today(), member=member)  # fmt: skip

    values = _values(tree.school1)

    assert values["care.recuperation.amount"] == Decimal("3000.00")
    assert values["care.total"] == Decimal("2300.00")
    lines = ("care.hardship_aid.amount", "care.student_aid.amount", "care.condolence.amount")
    assert values["care.total"] == sum((values[key] for key in lines), Decimal("0"))


def test_care_total_link_lists_exactly_its_entries(tree, welfare, standards, chair, client_for):
    member = MemberFactory(union=tree.school1)
    make_application(member, amount="1000", state="paid", approver=welfare)
    campaigns.trip_create(actor=chair, org=tree.school1, title="疗休养", place="千岛湖", provider="旅行社",
                          starts_on=today(), ends_on=today(), participants=[member], cost="3000")  # fmt: skip
    fact = _facts(tree.school1)["care.total"]

    assert fact.record_count == 1
    assert _banner_count(client_for(chair), fact.records_url) == 1


def test_reversing_last_years_payment_this_year_does_not_make_this_years_aid_negative(
    tree, welfare, standards
):
    member = MemberFactory(union=tree.school1)
    paid = make_application(member, amount="700", state="paid", approver=welfare,
                            paid_on=dt.date(today().year - 1, 12, 20))  # fmt: skip
    make_application(member, amount="400", state="paid", approver=welfare)
    entry = LedgerEntry.objects.get(application=paid)
    services.ledger_reverse(actor=None, entry=entry, reason="重复发放", reversed_on=today())

    this_year, last_year = _values(tree.school1), _values(tree.school1, last_period())

    assert this_year["care.hardship_aid.amount"] == Decimal("400.00")
    assert this_year["care.total"] == Decimal("400.00")
    assert last_year["care.hardship_aid.amount"] == Decimal("0.00")
    assert last_year["care.hardship_aid.times"] == 0
