"""A session counts in the statistical year of its 会议日期, whenever it is entered: one held last
year and recorded (opened and closed) today is last year's, in the figures, the list the figure
links to and the statistics table; one opened before its planned day is held today, never on a
future day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from gonghui.congress import facts
from gonghui.congress.enums import ProposalState, SessionStatus
from gonghui.congress.models import CongressSession
from gonghui.core.models import AuditEvent
from gonghui.reports import dashboards, statistics
from tests.dates import last_june, last_year, this_year, today

from .factories import ProposalFactory, SessionFactory, TermFactory

pytestmark = pytest.mark.django_db


def _sessions(org, period):
    return {f.key: f for f in facts.year_facts(org, period)}["congress.sessions"]


def test_a_session_held_last_year_and_recorded_today_counts_in_last_year(tree, chair, client_for):
    term = TermFactory(org=tree.school1, start=last_june() - dt.timedelta(days=400))
    session = SessionFactory(term=term, date=last_june(), status=SessionStatus.CLOSED)
    assert session.closed_at is not None and timezone.localtime(session.closed_at).date() == today()

    last, this = _sessions(tree.school1, last_year()), _sessions(tree.school1, this_year())
    assert (last.value, this.value) == (1, 0)
    client = client_for(chair)
    response = client.get(last.records_url)
    found = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert found is not None and int(found.group(1)) == last.record_count == 1
    for year, n in ((last_year().end.year, 1), (this_year().end.year, 0)):
        table = statistics.table(tree.county, year)
        assert [c.value for c in table.cells if "congress.sessions" in {f.key for f in c.facts}] == [n]


def test_a_session_opened_before_its_planned_day_is_held_today(tree):
    term = TermFactory(org=tree.school1)
    planned = today() + dt.timedelta(days=20)
    session = SessionFactory(term=term, date=planned, status=SessionStatus.IN_SESSION)
    session = CongressSession.objects.get(pk=session.pk)
    assert session.date == today()
    assert _sessions(tree.school1, this_year()).value == 1
    event = AuditEvent.objects.filter(action="congress.session_state").latest("pk")
    assert event.before["date"] == planned.isoformat() and event.after["date"] == today().isoformat()


def test_a_session_opened_on_or_after_its_day_keeps_it(tree):
    term = TermFactory(org=tree.school1)
    session = SessionFactory(term=term, date=today() - dt.timedelta(days=3), status=SessionStatus.IN_SESSION)
    assert CongressSession.objects.get(pk=session.pk).date == today() - dt.timedelta(days=3)


def test_the_dashboard_charts_a_late_entered_sessions_proposals_in_its_month(tree):
    term = TermFactory(org=tree.school1, start=last_june() - dt.timedelta(days=400))
    session = SessionFactory(term=term, date=last_june(), status=SessionStatus.IN_SESSION)
    ProposalFactory(session=session, state=ProposalState.SUBMITTED)  # submitted today
    proposals = {f.key: f for f in facts.year_facts(tree.school1, last_year())}["congress.proposals"]
    assert proposals.value == 1

    last = dashboards.chart_data(tree.school1, last_year(), [])
    month = f"{last_june().year}-06"
    assert dict(zip(last["months"], last["trend"][0]["data"], strict=True))[month] == 1
    assert sum(last["trend"][0]["data"]) == proposals.value
    assert sum(dashboards.chart_data(tree.school1, this_year(), [])["trend"][0]["data"]) == 0
