"""Care records that count in the figures carry a day the user sets, never in the future, and
the figures use it (issue 12 §2)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.care import campaigns, facts, services, visiting
from gonghui.care.enums import HealthKind, Occasion, PaymentMethod, VisitState
from gonghui.care.models import LedgerEntry
from gonghui.core.errors import DomainError
from gonghui.core.facts import Period
from tests.members.factories import MemberFactory

from .factories import make_application
from .visit_factories import make_visit, set_condolence_standards

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


def tomorrow() -> dt.date:
    return today() + dt.timedelta(days=1)


def test_a_payment_dated_tomorrow_is_refused(tree, welfare, standards):
    application = make_application(MemberFactory(union=tree.school1), amount="500", state="approved",
                                   approver=welfare)  # fmt: skip
    with pytest.raises(DomainError, match="发放日期不能晚于今天"):
        services.assistance_pay(
            actor=None, application=application, method=PaymentMethod.CASH, paid_on=tomorrow()
        )
    assert not LedgerEntry.objects.exists()


def test_a_visit_dated_ahead_can_be_approved_but_not_recorded_as_made(tree, welfare):
    set_condolence_standards(tree.school1)
    visit = make_visit(tree.school1, [MemberFactory(union=tree.school1)], occasion=Occasion.BIRTHDAY,
                       amount="50", visited_on=tomorrow(), state=VisitState.APPROVED, approver=welfare)  # fmt: skip
    with pytest.raises(DomainError, match="慰问日期不能晚于今天"):
        visiting.visit_record(actor=None, visit=visit, method="cash", paid_on=today())


def test_a_visit_made_last_year_and_entered_today_counts_in_last_year(tree, welfare):
    set_condolence_standards(tree.school1)
    last_year = dt.date(today().year - 1, 12, 28)
    make_visit(tree.school1, [MemberFactory(union=tree.school1)], occasion=Occasion.BIRTHDAY, amount="50",
               visited_on=last_year, state=VisitState.RECORDED, approver=welfare)  # fmt: skip

    before = {f.key: f.value for f in facts.year_facts(tree.school1, Period.calendar_year(today().year - 1))}
    this = {f.key: f.value for f in facts.year_facts(tree.school1, Period.calendar_year(today().year))}
    assert (before["care.condolence.times"], this["care.condolence.times"]) == (1, 0)
    assert before["care.condolence.amount"] == Decimal("50.00")


def test_a_donation_and_an_attendance_dated_ahead_are_refused(tree, chair):
    member = MemberFactory(union=tree.school1)
    drive = campaigns.campaign_create(actor=chair, org=tree.school1, kind="charity_day", title="一日捐",
                                      starts_on=today(), ends_on=today())  # fmt: skip
    campaigns.campaign_open(actor=chair, campaign=drive)
    with pytest.raises(DomainError, match="捐款日期不能晚于今天"):
        campaigns.donation_add(
            actor=chair, campaign=drive, member=member, amount="100", donated_on=tomorrow()
        )
    checkup = campaigns.health_campaign_create(actor=chair, org=tree.school1, kind=HealthKind.CHECKUP,
                                               year=today().year, title="体检", starts_on=today(), ends_on=today())  # fmt: skip
    with pytest.raises(DomainError, match="参检日期不能晚于今天"):
        campaigns.health_attend(actor=chair, campaign=checkup, member_ids=[member.pk], attended_on=tomorrow())


def test_a_trip_starting_next_month_is_paid_today_not_in_the_future(tree, chair):
    member = MemberFactory(union=tree.school1)
    later = today() + dt.timedelta(days=30)
    trip = campaigns.trip_create(actor=chair, org=tree.school1, title="疗休养", place="千岛湖", provider="旅行社",
                                 starts_on=later, ends_on=later, participants=[member], cost="3000")  # fmt: skip
    assert LedgerEntry.objects.get(trip=trip).paid_on == today()
