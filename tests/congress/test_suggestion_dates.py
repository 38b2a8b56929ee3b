"""A suggestion has the day it was put forward, set by the user (today by default, never in the
future), and the figures count it in that day's year, not the day it was entered (issue 12 §2:
suggestions entered in October for last year landed in this year)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.congress import facts, services
from gonghui.congress.models import Suggestion
from gonghui.core.errors import DomainError
from gonghui.core.facts import Period
from gonghui.reports import statistics

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return timezone.localdate()


def last_year() -> dt.date:
    return dt.date(today().year - 1, 6, 15)


def _submit(tree, member, **kwargs) -> Suggestion:
    return services.suggestion_submit(actor=member, org=tree.school1, title="食堂错峰就餐", body="建议错峰就餐。",
                                      **kwargs)  # fmt: skip


def _count(org, period) -> int:
    return {f.key: f.value for f in facts.year_facts(org, period)}["congress.suggestions"]


def test_a_suggestion_entered_today_for_last_year_counts_in_last_year(tree, member):
    _submit(tree, member, submitted_on=last_year())

    assert _count(tree.school1, Period.calendar_year(last_year().year)) == 1
    assert _count(tree.school1, Period.calendar_year(today().year)) == 0
    table = statistics.table(tree.county, last_year().year if last_year().month < 10 else last_year().year + 1,
                             superior=True)  # fmt: skip
    assert {c.item.code: c.value for c in table.cells}["12"] == 1


def test_the_day_defaults_to_today(tree, member):
    assert _submit(tree, member).submitted_on == today()


def test_a_future_day_is_refused_in_chinese(tree, member):
    with pytest.raises(DomainError, match="提出日期不能晚于今天"):
        _submit(tree, member, submitted_on=today() + dt.timedelta(days=1))
    assert not Suggestion.objects.exists()


def test_the_form_takes_the_day_and_refuses_the_future(tree, member, client_for):
    client = client_for(member)
    url = reverse("congress:suggestion_create")
    form = client.get(url).content.decode()
    assert f'value="{today().isoformat()}"' in form and 'name="submitted_on"' in form
    data = {"union": tree.school1.pk, "title": "错峰就餐", "body": "建议错峰就餐。"}
    refused = client.post(url, {**data, "submitted_on": (today() + dt.timedelta(days=3)).isoformat()})
    assert refused.status_code == 200 and "提出日期不能晚于今天" in refused.content.decode()
    assert client.post(url, {**data, "submitted_on": last_year().isoformat()}).status_code == 302
    assert Suggestion.objects.get().submitted_on == last_year()


def test_the_drilled_list_counts_it_in_its_year(tree, member, chair, client_for):
    _submit(tree, member, submitted_on=last_year())
    fact = {f.key: f for f in facts.year_facts(tree.school1, Period.calendar_year(last_year().year))}[
        "congress.suggestions"
    ]
    page = client_for(chair).get(fact.records_url).content.decode()
    assert re.search(r'data-record-count="1"', page)
