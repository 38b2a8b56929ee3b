"""Health: 体检 and 妇检 with the eligible list frozen at creation and an exact screening rate,
attendance marked for many members at once, 疗休养 with its cost paid once through the ledger
and counted in the year totals and facts; access (other union 404) and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.care import campaigns, queries
from gonghui.care.facts import year_facts
from gonghui.care.models import HealthAttendance, LedgerEntry, RecuperationTrip
from gonghui.core.errors import DomainError
from gonghui.core.facts import Period
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


@pytest.fixture
def staff(tree):
    """第一中学: three women and two men in service, one retired woman."""
    women = [
        MemberFactory(union=tree.school1, group=tree.school1_group_a, female=True, name=f"女{i}")
        for i in range(3)
    ]
    men = [MemberFactory(union=tree.school1, group=tree.school1_group_b, name=f"男{i}") for i in range(2)]
    MemberFactory(union=tree.school1, female=True, name="退休女教师", status="retired")
    return women, men


def _health(tree, kind="checkup", org=None):
    return campaigns.health_campaign_create(actor=None, org=org or tree.school1, kind=kind, year=today().year,
                                            title=f"{today().year}年度体检", starts_on=today(), ends_on=today())  # fmt: skip


def test_the_screening_rate_is_attended_over_the_eligible_list_frozen_at_creation(tree, staff):
    women, men = staff
    checkup, screening = _health(tree), _health(tree, "women")
    MemberFactory(union=tree.school1, female=True, name="新入会")  # after creation: not eligible

    campaigns.health_attend(actor=None, campaign=checkup, member_ids=[w.pk for w in women] + [men[0].pk],
                            attended_on=today())  # fmt: skip
    campaigns.health_attend(actor=None, campaign=screening, member_ids=[women[0].pk, women[1].pk],
                            attended_on=today())  # fmt: skip

    assert queries.screening(checkup) == (4, 5, Decimal("80.0"))
    assert queries.screening(screening) == (2, 3, Decimal("66.7"))


def test_marking_attendance_twice_changes_nothing_and_outsiders_are_refused(tree, staff):
    women, men = staff
    screening = _health(tree, "women")
    assert (
        campaigns.health_attend(actor=None, campaign=screening, member_ids=[women[0].pk], attended_on=today())
        == 1
    )
    assert (
        campaigns.health_attend(actor=None, campaign=screening, member_ids=[women[0].pk], attended_on=today())
        == 0
    )
    with pytest.raises(DomainError, match="不在应检名单"):
        campaigns.health_attend(actor=None, campaign=screening, member_ids=[women[1].pk, men[0].pk],
                                attended_on=today())  # fmt: skip
    assert HealthAttendance.objects.count() == 1


def test_the_welfare_officer_marks_many_members_at_once_with_a_filter(tree, staff, welfare, client_for):
    client = client_for(welfare)
    response = client.post(reverse("care:health_create"), {
        "org": tree.school1.pk, "kind": "checkup", "year": today().year, "title": "年度体检",
        "starts_on": today().isoformat(), "ends_on": today().isoformat(),
    })  # fmt: skip
    assert response.status_code == 302
    campaign = tree.school1.health_campaigns.get()
    url = reverse("care:health_detail", args=[campaign.pk])

    filtered = client.get(url, {"q": "女"}).context["roster"]
    client.post(reverse("care:health_attend", args=[campaign.pk]),
                {"member": [m.pk for m in filtered], "attended_on": today().isoformat()})  # fmt: skip

    assert {m.name for m in filtered} == {"女0", "女1", "女2"}
    assert {m.name for m in client.get(url, {"pending": "1"}).context["roster"]} == {"男0", "男1"}
    assert "60.0%" in client.get(url).content.decode()


def test_a_member_sees_their_own_attendance_but_not_the_roster(tree, staff, member, client_for):
    women, _men = staff
    women[0].user = member
    women[0].save(update_fields=["user"])
    campaign = _health(tree, "women")
    campaigns.health_attend(actor=None, campaign=campaign, member_ids=[women[0].pk], attended_on=today())

    response = client_for(member).get(reverse("care:health_detail", args=[campaign.pk]))

    body = response.content.decode()
    assert "您已于" in body and "女1" not in body and response.context["roster"] == []
    assert client_for(member).post(reverse("care:health_attend", args=[campaign.pk]),
                                   {"member": [women[1].pk]}).status_code == 404  # fmt: skip


def test_the_trip_cost_is_paid_once_to_the_provider_and_counted_in_the_year_totals(
    tree, staff, welfare, client_for
):
    women, men = staff
    client = client_for(welfare)
    response = client.post(reverse("care:trip_create"), {
        "org": tree.school1.pk, "title": "优秀教师疗休养", "place": "千岛湖", "provider": "县国旅",
        "starts_on": today().isoformat(), "ends_on": today().isoformat(), "participants": [women[0].pk, men[0].pk],
        "cost": "6400.00", "method": "transfer",
    })  # fmt: skip
    trip = RecuperationTrip.objects.get()
    assert response.status_code == 302 and trip.participant_count == 2

    entry = LedgerEntry.objects.get(trip=trip)
    totals = queries.year_totals(LedgerEntry.objects.all(), today().year)
    assert (entry.member, entry.payee_name, entry.amount) == (None, "县国旅", Decimal("6400.00"))
    assert totals.by_category["recuperation"] == Decimal("6400.00") == totals.total
    with pytest.raises(DomainError, match="不能重复发放"):
        from gonghui.care import services

        services.ledger_record(actor=None, org=tree.school1, kind="recuperation", category="recuperation",
                               amount=Decimal("6400"), method="cash", paid_on=today(), source=trip)  # fmt: skip
    assert "千岛湖" in client.get(reverse("care:trip_detail", args=[trip.pk])).content.decode()


def test_facts_give_donations_screening_and_trips_rolled_up_through_the_tree(tree, staff):
    women, men = staff
    other = [MemberFactory(union=tree.school2, name=f"二小{i}") for i in range(2)]
    drive1 = campaigns.campaign_open(actor=None, campaign=campaigns.campaign_create(
        actor=None, org=tree.school1, kind="charity_day", title="一日捐", starts_on=today(), ends_on=today()))  # fmt: skip
    drive2 = campaigns.campaign_open(actor=None, campaign=campaigns.campaign_create(
        actor=None, org=tree.school2, kind="charity_day", title="一日捐", starts_on=today(), ends_on=today()))  # fmt: skip
    for m in [*women, men[0]]:
        campaigns.donation_add(actor=None, campaign=drive1, amount="100", donated_on=today(), member=m)
    campaigns.donation_add(actor=None, campaign=drive2, amount="0.50", donated_on=today(), member=other[0])
    campaigns.donation_use_add(actor=None, campaign=drive1, used_on=today(), purpose="慰问", amount="150",
                               member=men[1])  # fmt: skip
    screening = _health(tree, "women")
    campaigns.health_attend(actor=None, campaign=screening, member_ids=[women[0].pk], attended_on=today())
    campaigns.trip_create(actor=None, org=tree.school2, title="疗休养", place="黄山", provider="旅行社",
                          starts_on=today(), ends_on=today(), participants=other, cost="3000")  # fmt: skip
    period = Period.calendar_year(today().year)

    county = {f.key: f.value for f in year_facts(tree.county, period)}
    school1 = {f.key: f.value for f in year_facts(tree.school1, period)}

    assert county["care.donation.campaigns"] == 2
    assert county["care.donation.amount"] == Decimal("400.50")
    assert (county["care.donation.donors"], county["care.donation.asked"]) == (5, 7)
    assert county["care.donation.rate"] == 71.4
    assert county["care.donation.used"] == Decimal("150.00")
    assert (
        school1["care.donation.donors"],
        school1["care.donation.asked"],
        school1["care.donation.rate"],
    ) == (4, 5, 80.0)
    assert (school1["care.health.women.attended"], school1["care.health.women.eligible"]) == (1, 3)
    assert school1["care.health.women.rate"] == 33.3
    assert school1["care.health.checkup.rate"] is None
    assert (county["care.recuperation.trips"], county["care.recuperation.times"]) == (1, 2)
    assert county["care.recuperation.amount"] == Decimal("3000.00")
    assert school1["care.recuperation.amount"] == Decimal("0.00")
    # 帮扶慰问支出合计 is assistance and visit money: the trip and the drive's payout have their own.
    assert county["care.total"] == Decimal("0.00")


@pytest.mark.parametrize("persona", ["other_union_chair", "department_handler"])
def test_others_get_404_for_health_campaigns_and_trips(persona, tree, staff, client_for, request):
    campaign = _health(tree)
    trip = campaigns.trip_create(actor=None, org=tree.school1, title="疗休养", place="黄山", provider="旅行社",
                                 starts_on=today(), ends_on=today(), participants=staff[0], cost="100")  # fmt: skip
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("care:health_detail", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("care:trip_detail", args=[trip.pk])).status_code == 404


def test_a_member_cannot_see_trips(tree, staff, member, client_for):
    trip = campaigns.trip_create(actor=None, org=tree.school1, title="疗休养", place="黄山", provider="旅行社",
                                 starts_on=today(), ends_on=today(), participants=staff[0], cost="100")  # fmt: skip
    assert client_for(member).get(reverse("care:trip_detail", args=[trip.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_the_health_and_trip_lists_query_counts_are_flat(
    count, tree, staff, chair, client_for, django_assert_num_queries
):
    for _ in range(count):
        _health(tree)
        campaigns.trip_create(actor=None, org=tree.school1, title="疗休养", place="黄山", provider="旅行社",
                              starts_on=today(), ends_on=today(), participants=staff[1], cost="100")  # fmt: skip
    client = client_for(chair)
    client.get(reverse("care:health"))

    with django_assert_num_queries(5):
        health = client.get(reverse("care:health"))
    with django_assert_num_queries(5):
        trips = client.get(reverse("care:trips"))
    assert health.content.decode().count("0/5") == count
    assert trips.content.decode().count("黄山") == count
