"""A 公示 already posted on paper last year and entered today (补录) keeps its own period, so it
counts in last year's figures, on the board the figure links to and in the statistics table, not
this year's; a start after today is refused in Chinese. Without 补录 a past start still moves to
today (the full period is given online)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from gonghui.core.errors import DomainError
from gonghui.notices import facts, services
from gonghui.notices.enums import NoticeState
from gonghui.notices.models import Notice
from gonghui.reports import statistics
from tests.dates import last_june, last_year, this_year, today

from .factories import NoticeFactory

pytestmark = pytest.mark.django_db


def _held(org, period):
    return {f.key: f for f in facts.year_facts(org, period)}["notices.held"]


def test_a_notice_posted_on_paper_last_year_and_entered_today_counts_in_last_year(tree, chair, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=last_june(), title="去年评优公示")
    client = client_for(chair)
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert 'name="posted"' in page

    client.post(reverse("notices:publish", args=[notice.pk]), {"posted": "1"})

    notice = Notice.objects.get(pk=notice.pk)
    assert notice.starts_on == last_june() and notice.ends_on < today()
    assert notice.state == NoticeState.FINAL  # its period is over: nothing left to run online
    last, this = _held(tree.school1, last_year()), _held(tree.school1, this_year())
    assert (last.value, this.value) == (1, 0)
    response = client.get(last.records_url)
    found = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert found is not None and int(found.group(1)) == last.record_count == 1
    assert "去年评优公示" in response.content.decode()
    assert "去年评优公示" not in client.get(this.records_url).content.decode()
    for year, n in ((last_year().end.year, 1), (this_year().end.year, 0)):
        table = statistics.table(tree.county, year)
        assert [c.value for c in table.cells if "notices.held" in {f.key for f in c.facts}] == [n]


def test_publishing_a_past_start_without_posting_still_starts_today(tree, chair, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=last_june())
    client_for(chair).post(reverse("notices:publish", args=[notice.pk]))
    notice.refresh_from_db()
    assert (notice.starts_on, notice.state) == (today(), NoticeState.PUBLISHED)
    assert _held(tree.school1, last_year()).value == 0


def test_posting_a_notice_that_starts_after_today_is_refused_in_chinese(tree, chair, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=today() + dt.timedelta(days=3))
    response = client_for(chair).post(
        reverse("notices:publish", args=[notice.pk]), {"posted": "1"}, follow=True
    )
    assert "公示开始日期不能晚于今天" in response.content.decode()
    notice.refresh_from_db()
    assert notice.state == NoticeState.DRAFT
    with pytest.raises(DomainError, match="公示开始日期不能晚于今天"):
        services.notice_publish(actor=chair, notice=notice, posted=True)
