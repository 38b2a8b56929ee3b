"""The care demo on a small tree: files, paid applications, one reversal, one waiting; all valid."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from faker import Faker

from gonghui.care import demo
from gonghui.care.enums import ApplicationState
from gonghui.care.models import AssistanceApplication, HardshipFile, LedgerEntry
from gonghui.core.models import User
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def test_the_demo_builds_a_year_of_care_records(tree, chair, other_union_chair):
    for _ in range(6):
        MemberFactory(union=tree.school1, group=tree.school1_group_a)
    MemberFactory(union=tree.school1, hardship_level="severe", hardship_cert_no="KN1")

    demo.add_care({"schools": [tree.school1, tree.school2], "rng": random.Random(1), "fake": Faker("zh_CN")})

    assert User.objects.filter(username="welfare").exists()
    assert HardshipFile.objects.filter(org=tree.school1).count() >= 1
    assert (
        AssistanceApplication.objects.filter(org=tree.school1, state=ApplicationState.SUBMITTED).count() == 1
    )
    assert AssistanceApplication.objects.filter(state=ApplicationState.REVERSED).count() == 1
    paid = AssistanceApplication.objects.filter(state=ApplicationState.PAID)
    assert LedgerEntry.objects.filter(application__isnull=False).total() == sum(
        (a.approved_amount for a in paid), Decimal("0")
    )


def test_the_demo_adds_drives_health_campaigns_and_a_trip(tree, chair, other_union_chair):
    from gonghui.care.models import DonationCampaign, HealthCampaign, RecuperationTrip

    for index in range(8):
        MemberFactory(union=tree.school1, group=tree.school1_group_a, female=index % 2 == 0)

    demo.add_care({"schools": [tree.school1], "rng": random.Random(2), "fake": Faker("zh_CN")})

    drives = DonationCampaign.objects.filter(org=tree.school1, state="closed")
    assert sorted(drives.values_list("kind", flat=True)) == ["charity_day", "love"]
    love = drives.get(kind="love")
    assert LedgerEntry.objects.get(donation_use__campaign=love).member == love.beneficiary
    assert sorted(HealthCampaign.objects.filter(org=tree.school1).values_list("kind", flat=True)) == [
        "checkup",
        "women",
    ]
    trip = RecuperationTrip.objects.get(org=tree.school1)
    assert LedgerEntry.objects.get(trip=trip).amount == trip.cost
