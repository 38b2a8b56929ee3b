"""Facts completeness and consistency (issue 7, points 1 and 6).

Every fact that counts records links to the list of those records, and the link opens for the
union's chair; the same figure is the same number in `core.facts.collect`, on the dashboard, in
the child-unit table of the superior union, and on the app's own list page.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.care.enums import LedgerKind
from gonghui.core.drilldown import Linker
from gonghui.core.facts import Period, collect
from gonghui.reports import dashboards

from .dashboard_data import known_year, media_in_tmp

__all__ = ["known_year", "media_in_tmp"]

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> Period:
    return Period.calendar_year(timezone.localdate().year)


def _by_key(org, period=None) -> dict:
    return {fact.key: fact for fact in collect(org, this_year() if period is None else period, subtree=True)}


RECORD_COUNT = re.compile(r'data-record-count="(\d+)"')


def _banner_count(response) -> int | None:
    found = RECORD_COUNT.search(response.content.decode())
    return int(found.group(1)) if found else None


@pytest.mark.parametrize("subtree", [True, False])
@pytest.mark.parametrize(
    "period_of",
    [Period.calendar_year, Period.school_year, lambda _year: Period.statistical_year(2024)],
    ids=["calendar", "school", "statistical-2024"],
)
def test_every_counted_fact_links_to_exactly_its_records(
    client_for, chair, known_year, tree, period_of, subtree
):
    """The page behind a figure shows the union and period it was computed for, and as many rows
    as the fact says it counted: the drill-down banner's count is the fact's record_count."""
    period = period_of(this_year().start.year)
    client = client_for(chair)
    mismatched = []
    for fact in collect(tree.school1, period, subtree=subtree):
        if fact.record_count is None:
            continue
        response = client.get(fact.records_url) if fact.records_url.startswith("/") else None
        shown = _banner_count(response) if response is not None and response.status_code == 200 else None
        if shown != fact.record_count:
            mismatched.append((fact.key, fact.records_url, fact.record_count, shown))
    assert mismatched == []


def test_the_superior_officer_gets_links_only_where_they_may_go(client_for, county_officer, known_year, tree):
    """A superior officer without the welfare portfolio may not read the member roll, the care
    payouts, files and visits (MEMBER_VIEW_ROLES, care rules), nor a union's suggestions and
    objections (their access policies): those figures are shown without a link; every link
    shown opens."""
    client = client_for(county_officer)
    linker = Linker(county_officer)
    hidden = set()
    for fact in collect(tree.county, this_year(), subtree=True):
        if not fact.records_url:
            continue
        link = linker(fact.records_url)
        if link:
            assert client.get(link).status_code == 200, (fact.key, link)
        else:
            hidden.add(fact.records_url.split("?")[0])
            assert client.get(fact.records_url).status_code == 403, fact.key
    assert hidden == {"/members/", "/care/files/", "/care/trips/", "/care/visits/",
                      "/congress/suggestions/", "/notices/objections/"}, hidden  # fmt: skip
    body = client.get(URL).content.decode()
    assert 'href="/care/totals/?' in body  # the year totals are theirs to read
    assert not [path for path in hidden if f'href="{path}?' in body]


def test_figures_on_the_dashboard_are_the_facts(client_for, chair, known_year, tree):
    facts = _by_key(tree.school1)
    response = client_for(chair).get(URL)
    shown = {row.fact.key: row.fact.value for row in response.context["rows"]}
    for key in ("congress.proposals", "care.hardship_aid.amount", "members.active"):
        assert shown[key] == facts[key].value
    body = response.content.decode()
    assert f'data-key="congress.proposals">{facts["congress.proposals"].value}<' in body
    assert facts["congress.proposals"].value == 2
    assert facts["care.hardship_aid.amount"].value == Decimal("1000.00")


def test_the_child_table_equals_each_childs_own_facts(known_year, tree):
    rows = {row.org: row for row in dashboards.child_rows(tree.county, this_year())}
    for child in (tree.school1, tree.school2):
        facts = _by_key(child)
        for col in dashboards.columns():
            if col.key in facts:
                assert rows[child].values.get(col.key, 0) == facts[col.key].value, (child, col.key)
    county = _by_key(tree.county)
    for key in ("congress.proposals", "care.hardship_aid.amount", "members.active", "congress.sessions"):
        assert county[key].value == sum(rows[c].values.get(key, 0) for c in rows), key


def test_the_list_pages_count_the_same(client_for, chair, known_year, tree):
    facts = _by_key(tree.school1)
    client = client_for(chair)
    members = client.get(facts["members.active"].records_url)
    assert members.context["row_count"] == facts["members.active"].value
    proposals = client.get(facts["congress.proposals"].records_url)
    submitted = [row for row in proposals.context["rows"] if row.state != "草稿"]
    assert len(submitted) == facts["congress.proposals"].value
    totals = client.get(facts["care.hardship_aid.amount"].records_url).context["totals"]
    paid = sum((row.total for row in totals.rows if row.kind == LedgerKind.HARDSHIP_AID), Decimal(0))
    assert paid == facts["care.hardship_aid.amount"].value
