"""Donation drives (捐款): the asked list frozen at opening and an exact participation rate, the
.xlsx import (tests/care/test_imports_donations.py), uses never above what was
collected, the beneficiary's payout through the ledger exactly once, access and query counts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.care import campaigns, queries, services
from gonghui.care.models import DonationCampaign, LedgerEntry
from gonghui.core.errors import DomainError
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


def _drive(tree, *, kind="charity_day", beneficiary=None, open_it=True, org=None) -> DonationCampaign:
    campaign = campaigns.campaign_create(actor=None, org=org or tree.school1, kind=kind, title="2025年博爱一日捐",
                                         starts_on=today(), ends_on=today(), beneficiary=beneficiary)  # fmt: skip
    if open_it:
        campaign = campaigns.campaign_open(actor=None, campaign=campaign)
    return campaign


@pytest.fixture
def staff(tree):
    """Four members in service and one retiree at 第一中学."""
    people = [
        MemberFactory(union=tree.school1, group=tree.school1_group_a, name=f"会员{i}") for i in range(4)
    ]
    MemberFactory(union=tree.school1, name="退休老师", status="retired")
    return people


def test_the_participation_rate_counts_distinct_donors_among_the_members_asked_at_opening(tree, staff):
    campaign = _drive(tree)
    late = MemberFactory(union=tree.school1, name="新入会")  # joined after the drive opened
    for member, amount in zip(staff[:3], ["100", "50.50", "200"], strict=True):
        campaigns.donation_add(
            actor=None, campaign=campaign, amount=amount, donated_on=today(), member=member
        )
    campaigns.donation_add(actor=None, campaign=campaign, amount="30", donated_on=today(), member=late)
    campaigns.donation_add(
        actor=None, campaign=campaign, amount="500", donated_on=today(), donor_name="校友李某"
    )

    assert campaign.asked_count == 4  # the retiree is not asked; the late member is not either
    assert queries.participation(campaign) == (3, 4, Decimal("75.0"))
    assert campaigns.collected(campaign) == Decimal("880.50")


def test_a_member_gives_once_per_drive_and_only_while_it_is_open(tree, staff):
    campaign = _drive(tree, open_it=False)
    with pytest.raises(DomainError, match="进行中"):
        campaigns.donation_add(
            actor=None, campaign=campaign, amount="10", donated_on=today(), member=staff[0]
        )
    campaign = campaigns.campaign_open(actor=None, campaign=campaign)
    campaigns.donation_add(actor=None, campaign=campaign, amount="10", donated_on=today(), member=staff[0])
    with pytest.raises(DomainError, match="已登记过"):
        campaigns.donation_add(
            actor=None, campaign=campaign, amount="10", donated_on=today(), member=staff[0]
        )
    campaigns.campaign_close(actor=None, campaign=campaign)
    with pytest.raises(DomainError):
        campaigns.donation_add(
            actor=None, campaign=campaign, amount="10", donated_on=today(), member=staff[1]
        )
    with pytest.raises(DomainError, match="不能变更"):
        campaigns.campaign_open(actor=None, campaign=DonationCampaign.objects.get(pk=campaign.pk))


def test_uses_never_exceed_what_was_collected(tree, staff):
    campaign = _drive(tree)
    campaigns.donation_add(actor=None, campaign=campaign, amount="300", donated_on=today(), member=staff[0])
    campaigns.donation_use_add(actor=None, campaign=campaign, used_on=today(), purpose="捐赠红十字会",
                               amount="200", payee_name="县红十字会")  # fmt: skip
    with pytest.raises(DomainError, match=r"超过可用余额100\.00元"):
        campaigns.donation_use_add(actor=None, campaign=campaign, used_on=today(), purpose="再捐", amount="100.01",
                                   payee_name="县红十字会")  # fmt: skip
    campaigns.donation_use_add(actor=None, campaign=campaign, used_on=today(), purpose="再捐", amount="100",
                               payee_name="县红十字会")  # fmt: skip
    assert campaigns.used(campaign) == campaigns.collected(campaign) == Decimal("300.00")
    assert not LedgerEntry.objects.exists()  # money passed on to an outside body is no payout


def test_the_beneficiarys_payout_is_one_ledger_entry_paid_once(tree, staff):
    sick = staff[0]
    campaign = _drive(tree, kind="love", beneficiary=sick)
    for member in staff[1:]:
        campaigns.donation_add(
            actor=None, campaign=campaign, amount="1000", donated_on=today(), member=member
        )

    use = campaigns.donation_use_add(actor=None, campaign=campaign, used_on=today(), purpose="住院治疗",
                                     amount="3000", member=sick)  # fmt: skip

    entry = LedgerEntry.objects.get(donation_use=use)
    assert (entry.member, entry.amount, entry.kind, entry.category) == (
        sick,
        Decimal("3000.00"),
        "donation_payout",
        "donation",
    )
    with pytest.raises(DomainError, match="不能重复发放"):
        services.ledger_record(actor=None, org=tree.school1, kind="donation_payout", category="donation",
                               amount=Decimal("3000"), method="cash", paid_on=today(), member=sick, source=use)  # fmt: skip
    assert LedgerEntry.objects.filter(member=sick).total() == Decimal("3000.00")


def test_a_love_drive_needs_a_beneficiary_of_the_union(tree, staff):
    with pytest.raises(DomainError, match="受捐会员"):
        _drive(tree, kind="love")
    outsider = MemberFactory(union=tree.school2)
    with pytest.raises(DomainError, match="本工会"):
        _drive(tree, kind="love", beneficiary=outsider)


def test_the_welfare_officer_runs_a_drive_through_the_views(tree, staff, welfare, client_for):
    client = client_for(welfare)
    response = client.post(reverse("care:donation_create"), {
        "org": tree.school1.pk, "kind": "charity_day", "title": "博爱一日捐", "starts_on": today().isoformat(),
        "ends_on": today().isoformat(), "asked_org": tree.school1_group_a.pk,
    })  # fmt: skip
    campaign = DonationCampaign.objects.get()
    assert response.status_code == 302 and campaign.asked_org == tree.school1_group_a
    client.post(reverse("care:donation_open", args=[campaign.pk]))
    client.post(reverse("care:donation_add", args=[campaign.pk]),
                {"member": staff[0].pk, "amount": "88", "donated_on": today().isoformat()})  # fmt: skip
    client.post(reverse("care:donation_use_add", args=[campaign.pk]), {
        "used_on": today().isoformat(), "purpose": "慰问", "member": staff[1].pk, "amount": "80", "method": "cash",
    })  # fmt: skip
    client.post(reverse("care:donation_close", args=[campaign.pk]))

    campaign.refresh_from_db()
    body = client.get(reverse("care:donation_detail", args=[campaign.pk])).content.decode()
    assert campaign.state == "closed" and campaign.asked_count == 4
    assert "25.0%" in body and "88.00" in body and "已记入发放记录" in body
    assert LedgerEntry.objects.get().amount == Decimal("80.00")


def test_a_member_sees_the_drive_and_their_own_gift_but_not_the_donor_list(tree, staff, member, client_for):
    mine = staff[0]
    mine.user = member
    mine.save(update_fields=["user"])
    campaign = _drive(tree)
    campaigns.donation_add(actor=None, campaign=campaign, amount="66", donated_on=today(), member=mine)
    campaigns.donation_add(actor=None, campaign=campaign, amount="77", donated_on=today(), member=staff[1])
    client = client_for(member)

    body = client.get(reverse("care:donation_detail", args=[campaign.pk])).content.decode()

    assert "我的捐款" in body and "66.00元" in body and "会员1" not in body
    assert client.get(reverse("care:donations")).status_code == 200
    assert client.post(reverse("care:donation_close", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("care:donation_import", args=[campaign.pk])).status_code == 404


@pytest.mark.parametrize("persona", ["other_union_chair", "department_handler"])
def test_others_get_404_for_a_drive(persona, tree, staff, client_for, request):
    campaign = _drive(tree)
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("care:donation_detail", args=[campaign.pk])).status_code == 404


@pytest.mark.parametrize("count", [1, 3])
def test_the_drive_list_query_count_is_flat(count, tree, staff, chair, client_for, django_assert_num_queries):
    for _ in range(count):
        campaign = _drive(tree)
        campaigns.donation_add(
            actor=None, campaign=campaign, amount="10", donated_on=today(), member=staff[0]
        )
    client = client_for(chair)
    client.get(reverse("care:donations"))

    with django_assert_num_queries(5):
        response = client.get(reverse("care:donations"))
    assert response.content.decode().count("25.0%") == count
