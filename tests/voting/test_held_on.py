"""A poll counts in the statistical year it was held (举行日期), not the year it was entered: a
paper vote held last year and closed in the system today is last year's, in the figures, the
drilled list, the statistics table and the summary's lists; a future date is refused in Chinese."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.reports import statistics
from gonghui.voting import documents, facts, queries, services
from gonghui.voting.enums import PollKind, PollState
from gonghui.voting.models import Poll
from tests.dates import last_june, last_year, this_year, today

from .factories import make_poll

pytestmark = pytest.mark.django_db


def _fact(org, period, key):
    return {f.key: f for f in facts.year_facts(org, period)}[key]


def _close_through_the_page(client, poll, held_on):
    return client.post(
        reverse("voting:poll_state", args=[poll.pk]),
        {"to": PollState.CLOSED, "held_on": held_on},
        follow=True,
    )


def _release(poll):
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)


def test_a_paper_poll_held_last_year_and_closed_today_counts_in_last_years_figures(tree, chair, client_for):
    poll = make_poll(tree.school1, kind=PollKind.EVALUATION, title="纸质测评", options=["甲", "乙"], voters=2,
                     state=PollState.OPEN)  # fmt: skip
    client = client_for(chair)
    _close_through_the_page(client, poll, last_june().isoformat())
    poll = _release(Poll.objects.get(pk=poll.pk))
    assert poll.held_on == last_june()
    assert poll.closed_at is not None and timezone.localtime(poll.closed_at).date() == today()

    last, this = (
        _fact(tree.school1, last_year(), "voting.polls"),
        _fact(tree.school1, this_year(), "voting.polls"),
    )
    assert (last.value, this.value) == (1, 0)
    assert _fact(tree.school1, last_year(), "voting.evaluations").value == 1
    # The figure's link lists exactly that poll, and its banner count is the figure.
    response = client.get(last.records_url)
    assert [p.pk for p in response.context["polls"]] == [poll.pk]
    found = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert found is not None and int(found.group(1)) == last.record_count == 1
    assert list(client.get(this.records_url).context["polls"]) == []
    # The statistics table and the summary's lists follow the same day.
    for year, n in ((last_year().end.year, 1), (this_year().end.year, 0)):
        table = statistics.table(tree.county, year, superior=True)
        assert [c.value for c in table.cells if "voting.polls" in {f.key for f in c.facts}] == [n]
        assert table.total_row.get(next(i.code for i in table.unit_items if "voting.polls" in i.keys)) == n
    assert [e["title"] for e in queries.elections_in(tree.school1, last_year().start, last_year().end)] == [
        "纸质测评"
    ]
    assert queries.elections_in(tree.school1, this_year().start, this_year().end) == []
    # The result sheet states the day it was held.
    sheet = documents.result_sheet(
        services.polls_tally(Poll.objects.filter(pk=poll.pk))[poll.pk], services.turnout(poll)
    )
    assert f"举行日期：{last_june().year}年6月15日。" in [b.text for b in sheet.blocks]


def test_closing_without_a_date_dates_the_poll_today(tree, chair, client_for):
    poll = make_poll(tree.school1, kind=PollKind.SIMPLE, title="投票", options=["甲", "乙"], voters=1,
                     state=PollState.OPEN)  # fmt: skip
    client = client_for(chair)
    page = client.get(reverse("voting:poll_detail", args=[poll.pk])).content.decode()
    assert f'value="{today().isoformat()}"' in page and f'max="{today().isoformat()}"' in page
    _close_through_the_page(client, poll, "")
    assert Poll.objects.get(pk=poll.pk).held_on == today()


def test_a_future_held_on_is_refused_in_chinese_and_the_poll_stays_open(tree, chair, client_for):
    poll = make_poll(tree.school1, kind=PollKind.SIMPLE, title="投票", options=["甲", "乙"], voters=1,
                     state=PollState.OPEN)  # fmt: skip
    response = _close_through_the_page(client_for(chair), poll, (today() + dt.timedelta(days=1)).isoformat())
    assert "举行日期不能晚于今天。" in response.content.decode()
    poll.refresh_from_db()
    assert (poll.state, poll.held_on, poll.closed_at) == (PollState.OPEN, None, None)
    with pytest.raises(DomainError, match="举行日期不能晚于今天"):
        services.poll_set_state(
            actor=None, poll=poll, to=PollState.CLOSED, held_on=today() + dt.timedelta(days=1)
        )


def test_the_migration_dates_polls_closed_before_it_by_their_closing_day(tree):
    module = __import__("gonghui.voting.migrations.0003_poll_held_on", fromlist=["date_closed_polls"])
    poll = make_poll(tree.school1, kind=PollKind.SIMPLE, title="旧投票", options=["甲", "乙"], voters=1,
                     state=PollState.RELEASED)  # fmt: skip
    draft = make_poll(tree.school1, kind=PollKind.SIMPLE, title="草稿", options=["甲", "乙"], voters=1)
    closed = timezone.make_aware(dt.datetime.combine(last_june(), dt.time(23, 30)))
    Poll.objects.filter(pk=poll.pk).update(closed_at=closed, held_on=None)
    module.date_closed_polls(apps, None)
    assert Poll.objects.get(pk=poll.pk).held_on == last_june()
    assert Poll.objects.get(pk=draft.pk).held_on is None
