"""From a membership figure to exactly its members (core.drilldown): the roll drilled to the
union (and, for joiners and leavers, the period) counts what the figure counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.drilldown import Linker
from gonghui.core.facts import Period
from gonghui.members import facts, services
from gonghui.members.enums import ChangeType

from .factories import MemberFactory

pytestmark = pytest.mark.django_db
OLD_JOIN = dt.date(2010, 9, 1)


def count_in(response) -> int:
    match = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert match, "no drill-down banner"
    return int(match.group(1))


@pytest.fixture
def period() -> Period:
    return Period.calendar_year(timezone.localdate().year)


@pytest.fixture
def dataset(tree, chair, period):
    """第一中学: active (one new, women, agency, hardship), a retiree, a withdrawn hardship member
    who left this year and one who left in 2015; 第二小学: a new active woman."""
    year = period.end.year
    today = timezone.localdate()
    MemberFactory(union=tree.school1, name="新会员", birth_date=dt.date(year - 30, 6, 1), join_date=today)
    MemberFactory(union=tree.school1, birth_date=dt.date(year - 40, 6, 1), join_date=OLD_JOIN, female=True)
    MemberFactory(union=tree.school1, group=tree.school1_group_a, birth_date=dt.date(year - 50, 6, 1),
                  join_date=OLD_JOIN, female=True, employment="agency")  # fmt: skip
    MemberFactory(
        union=tree.school1, birth_date=dt.date(year - 58, 6, 1), join_date=OLD_JOIN, hardship_level="severe"
    )
    retiree = MemberFactory(union=tree.school1, join_date=OLD_JOIN, female=True)
    services.member_retire(actor=chair, member=retiree)
    leaver = MemberFactory(union=tree.school1, name="今年退会", join_date=OLD_JOIN, hardship_level="severe")
    services.member_change_status(actor=chair, member=leaver, change=ChangeType.WITHDRAW)
    early = MemberFactory(union=tree.school1, name="早年退会", join_date=OLD_JOIN)
    services.member_change_status(
        actor=chair, member=early, change=ChangeType.WITHDRAW, date=dt.date(2015, 3, 1)
    )
    MemberFactory(union=tree.school2, name="二小新会员", female=True, join_date=today)


def test_every_counted_figure_opens_the_roll_at_exactly_its_members(tree, dataset, period, chair, client_for):
    client = client_for(chair)
    checked = [
        f
        for org, subtree in ((tree.school1, True), (tree.school1, False), (tree.school1_group_a, True))
        for f in facts.year_facts(org, period, subtree=subtree)
        if f.record_count is not None
    ]

    assert {"members.new", "members.left", "members.hardship", "members.age.0"} <= {f.key for f in checked}
    for fact in checked:
        response = client.get(fact.records_url)
        assert response.status_code == 200, fact.key
        assert count_in(response) == fact.record_count, (fact.key, fact.records_url)


def test_joiners_and_leavers_are_those_of_the_union_and_the_period(tree, dataset, period, chair, client_for):
    got = {f.key: f for f in facts.year_facts(tree.school1, period)}
    client = client_for(chair)

    new = client.get(got["members.new"].records_url).content.decode()
    assert "新会员" in new and "二小新会员" not in new
    assert "from=" in got["members.new"].records_url and "to=" in got["members.new"].records_url
    left = client.get(got["members.left"].records_url).content.decode()
    assert got["members.left"].record_count == 1
    assert "今年退会" in left and "早年退会" not in left
    # A state at the period's end: no date filter, and the leaver's hardship flag is not counted.
    assert "from=" not in got["members.hardship"].records_url
    assert got["members.hardship"].record_count == 1


def test_a_union_outside_the_viewers_scope_is_404(tree, dataset, chair, client_for):
    assert client_for(chair).get(reverse("members:list"), {"union": tree.school2.pk}).status_code == 404


def test_a_superior_officer_without_a_member_role_gets_no_link(
    tree, dataset, period, county_officer, chair, client_for
):
    url = next(f for f in facts.year_facts(tree.school1, period) if f.key == "members.active").records_url

    assert Linker(county_officer)(url) == ""
    assert client_for(county_officer).get(url).status_code == 403
    assert Linker(chair)(url) == url


def test_the_workforce_links_to_the_union_without_a_record_count(tree, dataset, period):
    got = {f.key: f for f in facts.year_facts(tree.school1, period)}

    assert got["members.workforce"].record_count is None
    assert got["members.workforce"].records_url == reverse("core:org_detail", args=[tree.school1.pk])


def test_the_plain_list_shows_no_banner(tree, dataset, chair, client_for):
    assert "data-record-count" not in client_for(chair).get(reverse("members:list")).content.decode()


def test_the_filter_form_keeps_the_period_but_leaves_the_union_to_its_picker(tree, client_for, chair):
    from gonghui.core import drilldown
    from gonghui.core.facts import Period

    link = drilldown.url("members:list", tree.school1, Period.calendar_year(2025), status="left")
    page = client_for(chair).get(link).content.decode()
    form = page[page.index('id="member-filters"') : page.index("</form>", page.index('id="member-filters"'))]
    assert '<input type="hidden" name="from" value="2025-01-01">' in form
    assert '<input type="hidden" name="to" value="2025-12-31">' in form
    assert 'type="hidden" name="union"' not in form
