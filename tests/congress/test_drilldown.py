"""From a congress figure to exactly its records (core.drilldown): the chair opens each counted
fact's link and the list shows that many rows, none of another union or outside the period.

The period is a statistical year (1 Oct – 30 Sep) already over: 第一中学 holds a session on
30 Sep (in) and one on 1 Oct (out), each with proposals; suggestions are raised on either side of
midnight between them. 第二小学 has its own session, proposals and suggestions (never listed).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.congress import facts
from gonghui.congress.enums import ProposalState, SessionStatus, SuggestionState
from gonghui.congress.models import Suggestion
from gonghui.core.drilldown import Linker, day_start
from tests.dates import day_after_last_year as next_day
from tests.dates import last_year as period
from tests.dates import last_year_end as last_day

from .factories import DelegateFactory, ProposalFactory, SessionFactory, SuggestionFactory, TermFactory


def banner_count(response) -> int:
    found = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert found, "no drill-down banner"
    return int(found.group(1))


def union_records(org, officer):
    """A term with a session on the period's last day and one the day after, each with proposals
    (registered, submitted, a draft), and suggestions either side of midnight."""
    term = TermFactory(org=org, start=period().start - dt.timedelta(days=400))
    delegates = [DelegateFactory(term=term) for _ in range(3)]
    made = {}
    for when in (last_day(), next_day()):
        session = SessionFactory(term=term, date=when, status=SessionStatus.IN_SESSION)
        made[when] = [session]
        for state in (ProposalState.REGISTERED, ProposalState.SUBMITTED, ProposalState.DRAFT):
            made[when].append(
                ProposalFactory(
                    session=session,
                    proposer=delegates[0],
                    cosigners=delegates[1:],
                    committee=officer,
                    state=state,
                )
            )
    SessionFactory(term=term, date=last_day())  # still being prepared: not held
    before_midnight = day_start(next_day()) - dt.timedelta(minutes=1)
    for when, state in (
        (before_midnight, SuggestionState.ADOPTED),
        (before_midnight, SuggestionState.REJECTED),
        (day_start(next_day()), SuggestionState.ADOPTED),
    ):
        suggestion = SuggestionFactory(org=org, state=state, reviewer=officer)
        # The figures count the day put forward (submitted_on), here the day of `when`.
        Suggestion.objects.filter(pk=suggestion.pk).update(
            submitted_at=when, submitted_on=timezone.localdate(when)
        )
        made.setdefault("suggestions", []).append(suggestion)
    return made


@pytest.fixture
def records(tree, chair, other_union_chair):
    mine = union_records(tree.school1, chair)
    union_records(tree.school2, other_union_chair)
    return mine


def by_key(org, subtree=True):
    return {f.key: f for f in facts.year_facts(org, period(), subtree=subtree)}


def test_each_counted_fact_opens_to_exactly_its_records(client_for, chair, tree, records):
    got = by_key(tree.school1)
    expected = {
        "congress.sessions": 1,
        "congress.unions_held": 1,
        "congress.proposals": 2,
        "congress.registered": 1,
        "congress.suggestions": 2,
        "congress.suggestions_adopted": 1,
    }
    assert {key: f.record_count for key, f in got.items() if f.record_count is not None} == expected
    client = client_for(chair)
    for key in expected:
        response = client.get(got[key].records_url)
        assert response.status_code == 200, key
        assert banner_count(response) == got[key].record_count, key


def test_the_lists_hold_the_union_and_period_only(client_for, chair, tree, records):
    got = by_key(tree.school1)
    client = client_for(chair)
    inside, outside = records[last_day()], records[next_day()]

    sessions = client.get(got["congress.sessions"].records_url).context["rows"]
    assert [s.pk for s in sessions] == [inside[0].pk]

    proposals = client.get(got["congress.proposals"].records_url).context["rows"]
    assert {row.pk for row in proposals} == {inside[1].pk, inside[2].pk}
    registered = client.get(got["congress.registered"].records_url).context["rows"]
    assert [row.pk for row in registered] == [inside[1].pk]

    kept, rejected, after_midnight = records["suggestions"]
    suggestions = client.get(got["congress.suggestions"].records_url).context["rows"]
    assert {s.pk for s in suggestions} == {kept.pk, rejected.pk}
    adopted = client.get(got["congress.suggestions_adopted"].records_url).context["rows"]
    assert [s.pk for s in adopted] == [kept.pk]
    assert after_midnight.pk not in {s.pk for s in suggestions} | {o.pk for o in outside[1:]}


def test_the_union_alone_of_the_county_lists_nothing(client_for, county_officer, tree, records):
    got = by_key(tree.county, subtree=False)
    assert "subtree=0" in got["congress.proposals"].records_url
    response = client_for(county_officer).get(got["congress.proposals"].records_url)
    assert banner_count(response) == got["congress.proposals"].record_count == 0


@pytest.mark.parametrize("name", ["congress:sessions", "congress:proposals", "congress:suggestions"])
def test_another_union_is_not_found(client_for, chair, tree, name):
    response = client_for(chair).get(reverse(name), {"union": tree.school2.pk})
    assert response.status_code == 404
    assert client_for(chair).get(reverse(name), {"union": tree.school1.pk}).status_code == 200


def test_the_filter_form_keeps_the_drill_down(client_for, chair, tree, records):
    url = by_key(tree.school1)["congress.registered"].records_url
    body = client_for(chair).get(url).content.decode()
    assert f'name="union" value="{tree.school1.pk}"' in body
    assert 'name="registered" value="1"' in body


def test_links_show_only_to_who_sees_every_record(chair, member, tree, records):
    got = by_key(tree.school1)
    for key in ("congress.sessions", "congress.proposals", "congress.suggestions"):
        assert Linker(chair)(got[key].records_url) == got[key].records_url
    # A member sees their own suggestions and no proposals: the figure is shown without a link.
    assert Linker(member)(got["congress.proposals"].records_url) == ""
    assert Linker(member)(got["congress.suggestions"].records_url) == ""


def test_the_session_list_is_reachable_from_the_congress_home(client_for, chair, tree):
    page = client_for(chair).get(reverse("congress:home")).content.decode()
    assert f'href="{reverse("congress:sessions")}" id="all-sessions"' in page


def test_the_session_list_costs_the_same_queries_for_more_sessions(client_for, chair, tree, records):
    client = client_for(chair)
    url = by_key(tree.school1)["congress.sessions"].records_url
    client.get(url)  # the page shell's caches warm
    with CaptureQueriesContext(connection) as few:
        assert banner_count(client.get(url)) == 1
    term = records[last_day()][0].term
    for day in range(1, 6):
        SessionFactory(term=term, date=last_day() - dt.timedelta(days=day), status=SessionStatus.CLOSED)
    with CaptureQueriesContext(connection) as many:
        assert banner_count(client.get(url)) == 6
    assert len(many.captured_queries) == len(few.captured_queries)
