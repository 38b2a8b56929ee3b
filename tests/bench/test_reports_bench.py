"""The reports benchmark at a tiny size (1,000 members, 6,000 care records, 3 unions with 30
proposals in the same county), so CI keeps the seeder and the scenario working: one county holds
both areas' data, it is kept when already there, and every figure of the scenario is measured."""

from __future__ import annotations

import pytest

from bench import care_seed, congress_seed, reports_seed
from bench.scenarios import reports
from bench.seed import seed
from gonghui.congress.models import CongressTerm, Proposal

pytestmark = pytest.mark.django_db

SIZES = {"members": 1000, "records": 6000, "unions": 3, "proposals": 30}


@pytest.fixture
def setup() -> reports.Setup:
    seed(orgs=300)
    return reports.prepare(**SIZES)


def test_one_county_holds_care_and_congress_and_is_kept(setup):
    county = setup.county
    assert care_seed.officer_county() == congress_seed.officer_county() == county
    assert care_seed.record_count(county) == SIZES["records"]
    assert CongressTerm.objects.filter(org__path__under=county.path).count() == SIZES["unions"]
    proposals = Proposal.objects.filter(org__path__under=county.path)
    assert proposals.count() == SIZES["proposals"]
    assert reports_seed.reports_ready(SIZES["unions"], SIZES["proposals"])

    kept = list(proposals.order_by("pk").values_list("pk", flat=True))
    assert reports.prepare(**SIZES).county == county
    assert list(proposals.order_by("pk").values_list("pk", flat=True)) == kept


def test_every_figure_is_measured(setup):
    results = reports.figures(setup, repeat=2, warmup=0)

    assert [r["figure"] for r in results] == ["summary_county", "facts_county"]
    for row in results:
        assert row["value_ms"] > 0 and row["reference_ms"] > 0, row["figure"]
        assert row["queries"] > 0 and row["rows"] > 0
    summary = results[0]
    assert "area.care" in summary["sections"] and "area.members" in summary["sections"]
    assert 0 < len(summary["slowest"]) <= reports.TOP
