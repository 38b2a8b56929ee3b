"""The dashboard (/reports/): access, the period selector, the child-unit table and its cost."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.core import nav
from gonghui.core.enums import OrgKind, Role
from gonghui.core.facts import Period
from gonghui.reports import dashboards
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory

from .dashboard_data import known_year, media_in_tmp, union_year

__all__ = ["known_year", "media_in_tmp"]

pytestmark = pytest.mark.django_db
URL = reverse("reports:dashboard")


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return timezone.localdate().year


def test_a_member_is_refused(client_for, member):
    assert client_for(member).get(URL).status_code == 403


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(URL).status_code == 302


def test_the_chair_sees_their_union_and_never_another(client_for, chair, tree):
    client = client_for(chair)
    response = client.get(URL)
    assert response.status_code == 200
    assert response.context["org"] == tree.school1
    assert not response.context["superior"]
    assert client.get(URL, {"org": tree.school1.pk}).status_code == 200
    assert client.get(URL, {"org": tree.school2.pk}).status_code == 404
    assert client.get(URL, {"org": tree.county.pk}).status_code == 404
    assert client.get(URL, {"org": 987654}).status_code == 404
    assert client.get(URL, {"org": "x"}).status_code == 404


def test_a_committee_member_sees_the_dashboard(client_for, committee_member):
    assert client_for(committee_member).get(URL).status_code == 200


def test_the_county_officer_sees_the_subtree_and_its_children(client_for, county_officer, tree):
    client = client_for(county_officer)
    response = client.get(URL)
    assert response.context["org"] == tree.county and response.context["superior"]
    assert [row.org for row in response.context["children"]] == [tree.school1, tree.school2] or {
        row.org for row in response.context["children"]
    } == {tree.school1, tree.school2}
    assert client.get(URL, {"org": tree.school2.pk}).status_code == 200
    other = OrgFactory(name="邻县总工会", kind=OrgKind.COUNTY)
    assert client.get(URL, {"org": other.pk}).status_code == 404


def test_another_unions_figures_never_appear(client_for, chair, known_year, tree):
    body = client_for(chair).get(URL).content.decode()
    assert "第二小学工会" not in body
    assert f"union={tree.school2.pk}" not in body


@pytest.mark.parametrize(
    ("kind", "span"),
    [
        ("calendar", lambda year: (dt.date(year, 1, 1), dt.date(year, 12, 31))),
        ("school", lambda year: (dt.date(year, 9, 1), dt.date(year + 1, 8, 31))),
        ("statistical", lambda year: (dt.date(year - 1, 10, 1), dt.date(year, 9, 30))),
    ],
    ids=["calendar", "school", "statistical"],
)
def test_the_period_selector(client_for, chair, kind, span):
    year = this_year()
    start, end = span(year)
    response = client_for(chair).get(URL, {"period": kind, "year": year})
    period = response.context["period"]
    assert (period.start, period.end) == (start, end)
    previous = response.context["previous"]
    assert previous.start == start.replace(year=start.year - 1)


def test_a_bad_period_falls_back_to_this_calendar_year(client_for, chair):
    response = client_for(chair).get(URL, {"period": "nonsense", "year": "1800"})
    assert response.context["period"] == Period.calendar_year(this_year())


def test_this_year_beside_last_year_with_the_change(client_for, chair, known_year):
    rows = {row.fact.key: row for row in client_for(chair).get(URL).context["rows"]}
    proposals = rows["congress.proposals"]
    assert (proposals.fact.value, proposals.previous.value, proposals.change) == (2, 0, 2)


def test_children_ranked_by_the_chosen_figure_and_flagged(client_for, county_officer, known_year, tree):
    client = client_for(county_officer)
    ranked = client.get(URL, {"sort": "care.hardship_aid.amount"}).context["children"]
    assert [row.org for row in ranked] == [tree.school2, tree.school1]
    assert [row.rank for row in ranked] == [1, 2]
    ranked = client.get(URL, {"sort": "congress.proposals"}).context["children"]
    assert [row.org for row in ranked] == [tree.school1, tree.school2]
    flagged_school = OrgFactory(name="第三小学工会", parent=tree.county, kind=OrgKind.GRASSROOTS)
    rows = {row.org: row for row in client.get(URL).context["children"]}
    assert rows[flagged_school].no_congress and rows[flagged_school].flagged
    assert not rows[tree.school1].flagged
    body = client.get(URL).content.decode()
    assert re.search(rf'class="table-warning" data-org="{flagged_school.pk}"', body)


def test_overdue_items_are_counted_and_linked(client_for, chair, known_year, tree):
    from gonghui.congress.models import Proposal

    Proposal.objects.filter(org=tree.school1, state="submitted").update(
        state="assigned", deadline=timezone.localdate() - dt.timedelta(days=1)
    )
    overdue = {item.label: item for item in client_for(chair).get(URL).context["overdue"]}
    assert overdue["超期未答复的提案"].count == 2
    assert overdue["超期未答复的提案"].url.endswith("overdue=on")


def test_charts_get_their_data_inline(client_for, county_officer, known_year):
    response = client_for(county_officer).get(URL)
    charts = response.context["charts"]
    assert len(charts["months"]) == 12
    assert sum(charts["trend"][0]["data"]) == 3  # proposals submitted this year
    assert sum(charts["trend"][1]["data"]) == 3000.0  # hardship aid paid
    assert len(charts["children"]["names"]) == 2
    children = response.context["children"]
    # a bar opens that unit's dashboard for the same period; the link opens for the officer
    assert (
        charts["children"]["links"][0] == f"{URL}?org={children[0].org.pk}&period=calendar&year={this_year()}"
    )
    client = client_for(county_officer)
    assert client.get(charts["children"]["links"][0]).context["org"] == children[0].org
    body = response.content.decode()
    assert 'id="dashboard-data"' in body and "vendor/echarts/echarts.simple.min.js" in body


def test_officers_find_the_dashboard_in_the_nav():
    for role in (Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.SUPERIOR_ADMIN):
        assert "reports" in {item.key for item in nav.items_for([role])}
    assert "reports" not in {item.key for item in nav.items_for([Role.MEMBER])}


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


def test_the_child_table_costs_the_same_for_2_and_5_children(client_for):
    period = Period.calendar_year(this_year())
    small, small_officer = _county_with(2)
    large, large_officer = _county_with(5)
    small_rows = _queries(lambda: dashboards.child_rows(small, period))
    large_rows = _queries(lambda: dashboards.child_rows(large, period))
    assert small_rows == large_rows == 8
    assert len(dashboards.child_rows(large, period)) == 5
    client_small, client_large = client_for(small_officer), client_for(large_officer)
    client_small.get(URL), client_large.get(URL)  # warm sessions and caches
    small_page = _queries(lambda: client_small.get(URL))
    large_page = _queries(lambda: client_large.get(URL))
    assert small_page == large_page
    assert large_page <= 110, large_page  # 97 today: two periods of facts, to-dos, the table
