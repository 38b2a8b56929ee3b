"""From a care figure to exactly its records (core.drilldown): every fact with a record count
links to a list whose banner counts the same rows, and only where the viewer may go."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.care import campaigns, facts
from gonghui.care.enums import Occasion, VisitState
from gonghui.core.drilldown import Linker
from gonghui.core.enums import Role
from gonghui.core.facts import Period
from tests.members.factories import MemberFactory

from .conftest import _persona
from .factories import make_application, open_file
from .visit_factories import make_visit, set_condolence_standards

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


def this_period() -> Period:
    return Period.calendar_year(today().year)


def last_year_end() -> dt.date:
    return dt.date(today().year - 1, 12, 31)


def count_in(response) -> int:
    match = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert match, "no drill-down banner"
    return int(match.group(1))


@pytest.fixture
def known_year(tree, standards, welfare, chair, other_union_chair):
    """第一中学 (A in 语文组, B) and 第二小学 (C): payouts, files, visits, drives, screenings and
    trips this year, and one of each kind in the other school or last year (never listed)."""
    a = MemberFactory(union=tree.school1, group=tree.school1_group_a, female=True, name="甲会员")
    b = MemberFactory(union=tree.school1, name="乙会员")
    c = MemberFactory(union=tree.school2, group=tree.school2_group, name="丙会员")
    for amount in ("1000", "500"):
        make_application(a, amount=amount, state="paid", approver=welfare)
    make_application(a, amount="300", state="reversed", approver=welfare)
    make_application(a, amount="700", state="paid", approver=welfare, paid_on=last_year_end())
    make_application(b, kind="student_aid", amount="800", state="paid", approver=welfare, child_name="小明")
    make_application(c, amount="2000", state="paid", approver=other_union_chair)
    open_file(a, next_review_on=today() - dt.timedelta(days=1))
    open_file(b, opened_on=last_year_end(), next_review_on=today() + dt.timedelta(days=30))
    open_file(c)
    for org in (tree.school1, tree.school2):
        set_condolence_standards(org)
    make_visit(tree.school1, [a, b], occasion=Occasion.HOSPITAL, state=VisitState.RECORDED, approver=chair)
    make_visit(
        tree.school1, [b], occasion=Occasion.SPRING_FESTIVAL, state=VisitState.RECORDED, approver=chair
    )
    make_visit(tree.school1, [a], occasion=Occasion.HOSPITAL, visited_on=last_year_end(), state=VisitState.RECORDED,
               approver=chair)  # fmt: skip
    make_visit(
        tree.school2, [c], occasion=Occasion.HOSPITAL, state=VisitState.RECORDED, approver=other_union_chair
    )
    for org in (tree.school1, tree.school2):
        drive = campaigns.campaign_create(actor=None, org=org, kind="charity_day", title=f"{org.name}一日捐",
                                          starts_on=today(), ends_on=today())  # fmt: skip
        campaigns.campaign_open(actor=None, campaign=drive)
        screening = campaigns.health_campaign_create(actor=None, org=org, kind="women", year=today().year,
                                                     title=f"{org.name}妇检", starts_on=today(), ends_on=today())  # fmt: skip
        campaigns.trip_create(actor=None, org=org, title=f"{org.name}疗休养", place="黄山", provider="旅行社",
                              starts_on=today(), ends_on=today(), participants=[c if org == tree.school2 else a], cost="3000")  # fmt: skip
    campaigns.campaign_create(actor=None, org=tree.school1, kind="charity_day", title="草稿捐款",
                              starts_on=today(), ends_on=today())  # fmt: skip
    screening = tree.school1.health_campaigns.get()
    campaigns.health_attend(actor=None, campaign=screening, member_ids=[a.pk], attended_on=today())
    return {"a": a, "b": b, "c": c}


def counted(org, **kwargs):
    return [f for f in facts.year_facts(org, this_period(), **kwargs) if f.record_count is not None]


@pytest.mark.parametrize("persona", ["chair", "welfare"])
def test_every_counted_figure_opens_a_list_of_exactly_its_records(
    known_year, tree, client_for, request, persona
):
    client = client_for(request.getfixturevalue(persona))
    checked = counted(tree.school1) + counted(tree.school1, subtree=False) + counted(tree.school1_group_a)

    assert {f.key for f in checked} >= {"care.hardship_aid.people", "care.files.overdue", "care.condolence.times",
                                        "care.donation.campaigns", "care.recuperation.trips"}  # fmt: skip
    for fact in checked:
        response = client.get(fact.records_url)
        assert response.status_code == 200, fact.key
        assert count_in(response) == fact.record_count, (fact.key, fact.records_url)


def test_the_records_are_the_unions_and_the_periods(known_year, tree, client_for, chair):
    got = {f.key: f for f in facts.year_facts(tree.school1, this_period())}
    client = client_for(chair)

    payouts = client.get(got["care.hardship_aid.times"].records_url).content.decode()
    assert got["care.hardship_aid.times"].record_count == 2  # 1000 and 500; 300 reversed
    assert "1000.00" in payouts and "500.00" in payouts
    assert "700.00" not in payouts and "2000.00" not in payouts  # last year; 第二小学
    amounts = client.get(got["care.hardship_aid.amount"].records_url).content.decode()
    assert got["care.hardship_aid.amount"].record_count == 4  # with the reversed payout and its reversal
    assert "300.00" in amounts and "700.00" not in amounts
    visits = client.get(got["care.condolence.times"].records_url).content.decode()
    assert got["care.condolence.times"].record_count == 2 and got["care.condolence.times"].value == 3
    assert "丙会员" not in visits
    assert got["care.files.opened"].record_count == 1  # B's file was opened last year
    drives = client.get(got["care.donation.campaigns"].records_url).content.decode()
    one, two = tree.school1.name, tree.school2.name
    assert f"{one}一日捐" in drives and f"{two}一日捐" not in drives and "草稿捐款" not in drives
    trips = client.get(got["care.recuperation.trips"].records_url).content.decode()
    assert f"{one}疗休养" in trips and f"{two}疗休养" not in trips


def test_the_links_carry_the_union_and_the_period(known_year, tree):
    for fact in facts.year_facts(tree.school1, this_period()):
        assert fact.records_url.startswith("/"), fact.key
        assert f"union={tree.school1.pk}" in fact.records_url, fact.key


def test_a_union_outside_the_viewers_scope_is_404(known_year, tree, client_for, chair):
    client = client_for(chair)

    for name in ("care:totals", "care:files", "care:visits", "care:applications", "care:donations",
                 "care:health", "care:trips"):  # fmt: skip
        assert client.get(reverse(name), {"union": tree.school2.pk}).status_code == 404, name


def test_a_role_without_the_welfare_portfolio_gets_no_link_where_the_list_needs_it(
    known_year, tree, client_for, county_officer
):
    got = {f.key: f for f in facts.year_facts(tree.school1, this_period())}
    link = Linker(county_officer)

    # Files, payout lists and visits need the 生活 portfolio (or a chair's role in the union).
    for key in ("care.files.overdue", "care.condolence.times"):
        assert link(got[key].records_url) == "", key
        assert client_for(county_officer).get(got[key].records_url).status_code == 403, key
    # The year totals are aggregates a superior union's officer may read (rules.TOTALS_VIEW).
    assert link(got["care.total"].records_url) == got["care.total"].records_url


def test_the_chair_and_the_welfare_officer_get_the_links(known_year, tree, chair, welfare):
    got = {f.key: f for f in facts.year_facts(tree.school1, this_period())}

    for user in (chair, welfare):
        assert Linker(user)(got["care.files.overdue"].records_url) == got["care.files.overdue"].records_url
    assert Linker(chair)(facts.year_facts(tree.school2, this_period())[0].records_url) == ""


def test_the_totals_page_without_a_drill_down_is_the_year_table(known_year, client_for, chair):
    page = client_for(chair).get(reverse("care:totals")).content.decode()

    assert 'id="totals"' in page and "data-record-count" not in page


def test_the_filter_form_keeps_the_union_and_the_period(known_year, tree, client_for, chair):
    """Changing a filter on a drilled list sends the figure's union and period along."""
    got = {f.key: f for f in facts.year_facts(tree.school1, this_period())}
    page = client_for(chair).get(got["care.condolence.times"].records_url).content.decode()
    form = page[page.index('<form method="get"') : page.index("</form>", page.index('<form method="get"'))]
    for name, value in (
        ("union", tree.school1.pk),
        ("from", this_period().start.isoformat()),
        ("to", this_period().end.isoformat()),
    ):
        assert f'<input type="hidden" name="{name}" value="{value}">' in form, name


def test_a_drilled_list_longer_than_a_page_pages_through_every_record(tree, client_for, chair):
    """The banner counts all the records; the pager reaches each of them (50 a page)."""
    from gonghui.care.models import HealthCampaign
    from gonghui.core import drilldown

    for n in range(53):
        HealthCampaign.objects.create(org=tree.school1, kind="checkup", year=today().year, title=f"体检{n:02d}",
                                      starts_on=this_period().start + dt.timedelta(days=n), ends_on=this_period().end)  # fmt: skip
    client = client_for(chair)
    link = drilldown.url("care:health", tree.school1, this_period(), kind="checkup")
    first = client.get(link).content.decode()
    assert 'data-record-count="53"' in first and "第 1 页" in first
    titles = set(re.findall(r"体检\d\d", first))
    second = client.get(f"{link}&page=2").content.decode()
    titles |= set(re.findall(r"体检\d\d", second))
    assert len(titles) == 53


def test_a_county_visit_to_a_school_member_is_in_the_schools_figures_and_its_lists(
    tree, standards, chair, client_for
):
    """县总工会 visits a member of 第一中学 and pays the cash: the school's figures count it (the
    entry is attributed to the member's union), so the school chair's drilled lists show it too,
    though the county paid it."""
    member = MemberFactory(union=tree.school1, group=tree.school1_group_a, name="丁会员")
    set_condolence_standards(tree.county)
    county_chair = _persona("county_chair", tree.county, Role.CHAIR)
    elsewhere = MemberFactory(union=tree.school2, name="戊会员")  # in the same county visit
    make_visit(tree.county, [member, elsewhere], occasion=Occasion.HOSPITAL, amount="300", state=VisitState.RECORDED,
               approver=county_chair)  # fmt: skip
    client = client_for(chair)
    mismatched = []
    for fact in counted(tree.school1):
        shown = count_in(client.get(fact.records_url)) if fact.record_count else 0
        if shown != fact.record_count:
            mismatched.append((fact.key, fact.record_count, shown))
    assert mismatched == []
    by_key = {f.key: f for f in counted(tree.school1)}
    assert by_key["care.condolence.times"].record_count == 1
    assert "丁会员" in client.get(by_key["care.condolence.amount"].records_url).content.decode()
    visits = client.get(by_key["care.condolence.times"].records_url)
    (visit,) = visits.context["rows"]
    assert (visit.org, visit.people, visit.cash, visit.openable) == (tree.county, 1, Decimal("300.00"), False)
    assert reverse("care:visit_detail", args=[visit.pk]) not in visits.content.decode()  # the county's page
