"""The care benchmark at a tiny size (1,000 members, 6,000 records), so CI keeps the seeder and
the scenario working: the seeded data follows the app's rules, is kept when already there, and
every figure of the scenario is measured."""

from __future__ import annotations

import pytest
from django.db.models import Count, F

from bench import care_seed
from bench.scenarios import care
from bench.seed import bench_member_count, seed
from gonghui.care.enums import ApplicationState, LedgerKind, VisitState
from gonghui.care.models import AssistanceApplication, LedgerEntry, Visit, VisitMember
from gonghui.members.models import Member

pytestmark = pytest.mark.django_db

MEMBERS, RECORDS = 1000, 6000


@pytest.fixture
def setup() -> care.Setup:
    seed(orgs=300)
    return care.prepare(MEMBERS, RECORDS)


def test_the_seeder_writes_the_asked_size_by_the_apps_rules_and_keeps_it(setup):
    county = setup.county
    assert Member.objects.filter(org__path__under=county.path).count() == MEMBERS
    assert care_seed.record_count(county) == RECORDS
    assert bench_member_count() == 0  # the added members are not the members scenario's
    entries = LedgerEntry.objects.filter(org__path__under=county.path)
    assert set(entries.values_list("kind", flat=True)) >= {
        LedgerKind.HARDSHIP_AID, LedgerKind.CONDOLENCE, LedgerKind.OTHER
    }  # fmt: skip
    assert entries.filter(reverses__isnull=False).exists()
    # Reversals negate their payout; payouts are positive; each source is paid once.
    for reversal in entries.filter(reverses__isnull=False).select_related("reverses"):
        assert (
            reversal.amount == -reversal.reverses.amount and reversal.member_id == reversal.reverses.member_id
        )
    assert not entries.filter(reverses__isnull=True, amount__lte=0).exists()
    paid = entries.filter(reverses__isnull=True, application__isnull=False)
    assert not paid.values("application").annotate(n=Count("pk")).filter(n__gt=1).exists()
    for application in AssistanceApplication.objects.filter(org__path__under=county.path):
        has_payment = paid.filter(application=application).exists()
        assert has_payment == (application.state in (ApplicationState.PAID, ApplicationState.REVERSED))
        assert application.member.org.path.startswith(application.org.path)
    # Cash of a recorded visit is one entry per visited member, of that amount, attributed to the member's org.
    cash = VisitMember.objects.filter(visit__org__path__under=county.path, amount__gt=0)
    assert cash.count() == entries.filter(reverses__isnull=True, visit_member__isnull=False).count()
    assert not entries.filter(member__isnull=False).exclude(attributed_org=F("member__org")).exists()
    assert not Visit.objects.filter(org__path__under=county.path).exclude(state=VisitState.RECORDED).exists()

    kept = list(entries.order_by("pk").values_list("pk", flat=True))
    assert care_seed.care_ready(MEMBERS, RECORDS)
    care.prepare(MEMBERS, RECORDS)
    assert list(entries.order_by("pk").values_list("pk", flat=True)) == kept


def test_every_figure_is_measured(setup, client):
    results = care.figures(setup, repeat=2, warmup=0)

    assert [r["figure"] for r in results] == [
        "duelist_birthday_chair", "duelist_birthday_welfare", "duelist_festival_chair", "duelist_reports_chair",
        "totals_county", "totals_union", "facts_county",
    ]  # fmt: skip
    for row in results:
        assert row["value_ms"] > 0 and row["reference_ms"] > 0, row["figure"]
    by_figure = {r["figure"]: r for r in results}
    assert by_figure["duelist_birthday_chair"]["rows"] > 0  # this month's birthdays are due
    assert by_figure["duelist_festival_chair"]["rows"] > 0  # half the retirees not visited
    assert by_figure["totals_county"]["rows"] >= by_figure["totals_union"]["rows"] > 0
