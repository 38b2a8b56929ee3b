"""Figures only from facts (issue 14 point 3): each page's figure is its fact's value.

The dashboard's child table and the statistics sheet read `core.facts.facts_by_union` (grouped
queries), the congress session page reads the functions behind `congress.facts.session_facts`:
each is compared here with the fact counted the single-union way.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.care import facts as care_facts
from gonghui.congress import facts as congress_facts
from gonghui.congress import services as congress_services
from gonghui.congress.enums import SessionStatus, VoteChoice
from gonghui.congress.models import AgendaItem
from gonghui.core.facts import Period, collect, facts_by_union
from gonghui.reports import dashboards, statistics
from tests.congress.factories import DelegateFactory, SessionFactory, TermFactory

from .dashboard_data import known_year, media_in_tmp

__all__ = ["known_year", "media_in_tmp"]

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return timezone.localdate().year


def _own(org, period: Period) -> dict:
    return {fact.key: fact for fact in collect(org, period, subtree=True)}


def test_every_grouped_fact_is_the_unions_own_fact(known_year, tree):
    """For every union of the tree, alone or beside others, each fact a grouped provider gives has
    the value, label and unit of the same fact from `collect` (or, for overdue items, from the
    app's `overdue_fact` on the same day)."""
    period = Period.calendar_year(this_year())
    day = min(timezone.localdate(), period.end)
    unions = [tree.school1, tree.school2]
    for asked in (unions, [tree.school1], [tree.county]):
        for union in asked:
            own = _own(union, period)
            own["congress.proposals.overdue"] = congress_facts.overdue_fact(union, today=day)
            own["care.files.overdue"] = care_facts.overdue_fact(union, today=day)
            grouped = facts_by_union(asked, period)[union.pk]
            assert grouped, union
            for fact in grouped:
                expected = own[fact.key]
                assert (fact.value, fact.label, fact.unit) == (
                    expected.value,
                    expected.label,
                    expected.unit,
                ), (
                    union.name,
                    fact.key,
                )


def test_a_union_above_others_keeps_only_what_they_leave(known_year, tree):
    """The county asked with its schools gets the records of its own subtree outside them: none
    here, so every count is zero and the schools' facts add up to the county's."""
    period = Period.calendar_year(this_year())
    by_union = facts_by_union([tree.school1, tree.school2, tree.county], period, keys={"members.active"})
    value = {pk: facts[0].value for pk, facts in by_union.items()}
    assert value[tree.county.pk] == 0
    assert (
        value[tree.school1.pk] + value[tree.school2.pk] == _own(tree.county, period)["members.active"].value
    )


def test_the_dashboards_child_table_shows_each_childs_facts(client_for, county_officer, known_year, tree):
    period = Period.calendar_year(this_year())
    response = client_for(county_officer).get(reverse("reports:dashboard"))
    rows = {row.org: row for row in response.context["children"]}
    day = min(timezone.localdate(), period.end)
    for child in (tree.school1, tree.school2):
        own = _own(child, period)
        for column in dashboards.columns():
            if column.key == "overdue":
                expected = (
                    congress_facts.overdue_fact(child, today=day).value
                    + care_facts.overdue_fact(child, today=day).value
                )
            else:
                expected = own[column.key].value
            assert rows[child].values[column.key] == expected, (child.name, column.key)
    assert rows[tree.school1].values["congress.proposals"] == 2  # the draft is not counted


def test_the_dashboards_overdue_list_is_the_overdue_facts(client_for, county_officer, known_year, tree):
    response = client_for(county_officer).get(reverse("reports:dashboard"))
    today = timezone.localdate()
    facts = [
        congress_facts.overdue_fact(tree.county, today=today),
        care_facts.overdue_fact(tree.county, today=today),
    ]
    assert [(item.count, item.url) for item in response.context["overdue"]] == [
        (fact.value, fact.records_url) for fact in facts
    ]


def test_the_statistics_sheet_shows_each_units_facts(client_for, county_officer, known_year, tree):
    year = this_year()
    period = Period.statistical_year(year)
    response = client_for(county_officer).get(reverse("reports:statistics"), {"year": year})
    table = response.context["table"]
    rows = {row.org: row for row in table.units}
    assert set(rows) == {tree.school1, tree.school2}
    for unit in (tree.school1, tree.school2):
        own = _own(unit, period)
        for item in table.unit_items:
            expected = (
                own[item.keys[0]].value if len(item.keys) == 1 else sum(own[k].value for k in item.keys)
            )
            assert rows[unit].value(item) == expected, (unit.name, item.code)


def test_the_statistics_sheet_costs_a_fixed_number_of_queries(known_year, tree):
    """Pinned: the unit rows are the units' query and one grouped query per source (10)."""
    period = Period.statistical_year(this_year())
    with CaptureQueriesContext(connection) as captured:
        statistics.unit_rows(tree.county, period)
    assert len(captured) == 11


def test_the_congress_superior_view_shows_each_unions_facts(client_for, county_officer, known_year, tree):
    period = Period.calendar_year(this_year())
    response = client_for(county_officer).get(reverse("congress:home"))
    rows = {row.union: row for row in response.context["rows"]}
    for union in (tree.school1, tree.school2):
        own = _own(union, period)
        row = rows[union]
        assert (row.sessions, row.proposals, row.registered, row.suggestions, row.adopted) == (
            own["congress.sessions"].value,
            own["congress.proposals"].value,
            own["congress.registered"].value,
            own["congress.suggestions"].value,
            own["congress.suggestions_adopted"].value,
        )


def test_the_session_page_shows_the_sessions_facts(client_for, chair, tree):
    """Three of four delegates checked in, a named vote open with two votes cast: the page's
    quorum and tally are the session's facts."""
    term = TermFactory(org=tree.school1)
    session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
    delegates = [DelegateFactory(term=term) for _ in range(4)]
    for delegate in delegates[:3]:
        congress_services.session_check_in(actor=None, session=session, delegate=delegate, by_self=True)
    item = AgendaItem.objects.create(session=session, title="绩效工资发放办法")
    item = congress_services.item_open_named_vote(actor=chair, item=item)
    congress_services.item_vote(actor=delegates[0].user, item=item, choice=VoteChoice.FOR)
    congress_services.item_vote(actor=delegates[1].user, item=item, choice=VoteChoice.AGAINST)

    response = client_for(chair).get(reverse("congress:session_detail", args=[session.pk]))

    facts = {fact.key: fact for fact in congress_facts.session_facts(session)}
    quorum = response.context["quorum"]
    assert (quorum.total, quorum.present, quorum.needed, quorum.reached) == (
        facts["congress.session.delegates"].value,
        facts["congress.session.present"].value,
        facts["congress.session.quorum"].value,
        facts["congress.session.quorum"].extra["reached"],
    )
    assert (quorum.total, quorum.present, quorum.needed) == (4, 3, 3)
    shown = next(i for i in response.context["items"] if i.pk == item.pk).tally
    votes = facts[f"congress.session.votes.{item.pk}"]
    assert (shown.total, shown.votes_for, shown.votes_against, shown.votes_abstain) == (
        votes.value,
        votes.extra["for"],
        votes.extra["against"],
        votes.extra["abstain"],
    )
    assert votes.value == 2
