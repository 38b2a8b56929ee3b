"""The statistics table (/reports/statistics/): figures equal facts, Excel, roll-up, boundary, cost."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.core.enums import OrgKind, Role
from gonghui.core.facts import Period, collect
from gonghui.core.models import AuditEvent
from gonghui.reports import statistics
from gonghui.reports.views.statistics import current_year
from tests.exporting import fetch_export
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from .dashboard_data import known_year, media_in_tmp, union_year

__all__ = ["known_year", "media_in_tmp"]

pytestmark = pytest.mark.django_db
URL = reverse("reports:statistics")
EXPORT = reverse("reports:statistics_export")


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return current_year(timezone.localdate())


def _facts(org, year=None):
    period = Period.statistical_year(this_year() if year is None else year)
    return {fact.key: fact.value for fact in collect(org, period, subtree=True)}


def _as_number(value):
    return float(value) if isinstance(value, Decimal) else value


def test_current_year_ends_on_30_september():
    assert current_year(dt.date(2026, 9, 30)) == 2026
    assert current_year(dt.date(2026, 10, 1)) == 2027


@pytest.mark.parametrize("who", ["school1", "county"])
def test_every_figure_is_the_fact_of_the_statistical_year(known_year, tree, who):
    org = getattr(tree, who)
    table = statistics.table(org, this_year(), superior=who == "county")
    facts = _facts(org)
    assert table.period == Period.statistical_year(this_year())
    assert table.cells, "the table has figures"
    for cell in table.cells:
        assert cell.value == sum(facts[key] for key in cell.item.keys), cell.item.label
    values = {cell.item.code: cell.value for cell in table.cells}
    if who == "school1":
        assert values["10"] == 2  # proposals, the draft not counted
        assert values["18"] == Decimal("1000.00")
    # Activities fill rows 24/25; no app provides funds yet: that row is left out, not shown empty.
    assert "24" in values and "25" in values and "27" not in values


def test_a_superior_total_is_the_sum_of_its_unit_rows(known_year, tree):
    table = statistics.table(tree.county, this_year(), superior=True)
    assert [row.org for row in table.units] == [tree.school1, tree.school2]
    totals = table.total_row
    subtree = {cell.item.code: cell.value for cell in table.cells}
    for item in table.unit_items:
        if item.ratio is None:
            assert totals[item.code] == sum(row.value(item) for row in table.units), item.label
        assert totals[item.code] == subtree[item.code], item.label
    # Each unit row is that union's own facts (the grouped queries repeat the facts exactly).
    for row in table.units:
        facts = _facts(row.org)
        for item in table.unit_items:
            expected = facts[item.keys[0]]
            assert row.value(item) == expected, (row.name, item.label)
    assert totals["18"] == Decimal("3000.00")


def test_records_of_the_superior_itself_get_their_own_row(known_year, tree):
    MemberFactory(union=tree.county)
    table = statistics.table(tree.county, this_year(), superior=True)
    assert table.units[-1].org is None and table.units[-1].name == "本级及其他"
    assert table.total_row["02"] == _facts(tree.county)["members.active"]


def test_the_statistical_year_boundary(tree):
    MemberFactory(union=tree.school1, join_date=dt.date(2025, 9, 30))
    MemberFactory(union=tree.school1, join_date=dt.date(2025, 10, 1))
    for year in (2025, 2026):
        table = statistics.table(tree.school1, year)
        new = {cell.item.code: cell.value for cell in table.cells}["06"]
        assert new == 1 == _facts(tree.school1, year)["members.new"]
    county = statistics.table(tree.county, 2025, superior=True)
    assert county.total_row["06"] == 1


def test_the_page_links_each_figure_to_its_records(client_for, chair, known_year, tree):
    response = client_for(chair).get(URL)
    assert response.status_code == 200
    assert response.context["org"] == tree.school1
    body = response.content.decode()
    assert "基层工会统计表" in body
    facts = {fact.key: fact for fact in collect(tree.school1, Period.statistical_year(this_year()))}
    assert facts["members.active"].records_url.replace("&", "&amp;") in body
    assert reverse("reports:statistics_export") in body
    assert "statistics-units" not in body  # a grassroots union has no unit sheet


def test_the_dashboard_links_to_the_table(client_for, chair):
    assert 'id="statistics-link"' in client_for(chair).get(reverse("reports:dashboard")).content.decode()


def test_access(client_for, member, chair, tree, client):
    assert client.get(URL).status_code == 302
    assert client_for(member).get(URL).status_code == 403
    assert fetch_export(client_for(member), EXPORT).status_code == 403
    officer = client_for(chair)
    for org in (tree.school2.pk, tree.county.pk, 987654, "x"):
        assert officer.get(URL, {"org": org}).status_code == 404
        assert fetch_export(officer, EXPORT, {"org": org}).status_code == 404
    assert not AuditEvent.objects.filter(action="reports.statistics_export").exists()


def test_the_superior_page_shows_the_units_and_their_total(client_for, county_officer, known_year, tree):
    response = client_for(county_officer).get(URL, {"year": this_year()})
    assert response.context["org"] == tree.county
    body = response.content.decode()
    assert "statistics-units" in body and "第一中学工会" in body and "第二小学工会" in body


def test_the_excel_holds_the_same_numbers_and_is_audited(client_for, county_officer, known_year, tree):
    response = fetch_export(client_for(county_officer), EXPORT, {"org": tree.county.pk, "year": this_year()})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(".xlsx")  # the Chinese name, RFC 5987-quoted
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["统计表", "下级基层工会"]
    sheet = book["统计表"]
    texts = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
    assert any(tree.county.name in t for t in texts)
    assert any(Period.statistical_year(this_year()).label in t for t in texts)
    assert any(t.startswith("填报人") for t in texts) and any(t.startswith("填报日期") for t in texts)
    by_code = {
        row[1]: row[3] for row in sheet.iter_rows(values_only=True) if row[1] and str(row[1]).isdigit()
    }
    table = statistics.table(tree.county, this_year(), superior=True)
    assert by_code == {cell.item.code: _as_number(cell.value) for cell in table.cells}
    units = list(book["下级基层工会"].iter_rows(min_row=4, values_only=True))
    assert [row[0] for row in units] == ["第一中学工会", "第二小学工会", "合计"]
    for col, item in enumerate(table.unit_items, start=1):
        total = units[-1][col]
        assert total == _as_number(table.total_row[item.code])
        if item.ratio is None:
            assert total == sum(row[col] for row in units[:-1])
    event = AuditEvent.objects.get(action="reports.statistics_export")
    assert event.org_id == tree.county.pk and event.actor is not None


def test_a_grassroots_export_has_one_sheet(client_for, chair, known_year):
    response = fetch_export(client_for(chair), EXPORT)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["统计表"]


def _county_with(children: int):
    county = OrgFactory(name=f"{children}县总工会", kind=OrgKind.COUNTY)
    officer = UserFactory()
    RoleAssignmentFactory(user=officer, org=county, role=Role.SUPERIOR_ADMIN)
    for i in range(children):
        school = OrgFactory(name=f"第{i}学校工会", parent=county, kind=OrgKind.GRASSROOTS)
        OrgFactory(name=f"第{i}学校工会小组", parent=school, kind=OrgKind.GROUP, unit_type="")
        union_year(school, members=1, proposals=1, aid=None, approver=None)
    return county, officer


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured)


def test_unit_rows_cost_the_same_for_2_and_5_children(client_for):
    period = Period.statistical_year(this_year())
    small, small_officer = _county_with(2)
    large, large_officer = _county_with(5)
    small_rows = _queries(lambda: statistics.unit_rows(small, period))
    large_rows = _queries(lambda: statistics.unit_rows(large, period))
    assert small_rows == large_rows
    assert len(statistics.unit_rows(large, period)) == 5
    client_small, client_large = client_for(small_officer), client_for(large_officer)
    client_small.get(URL), client_large.get(URL)  # warm sessions and caches
    assert _queries(lambda: client_small.get(URL)) == _queries(lambda: client_large.get(URL))
    assert _queries(lambda: fetch_export(client_small, EXPORT)) == _queries(
        lambda: fetch_export(client_large, EXPORT)
    )
