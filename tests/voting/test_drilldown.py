"""From a voting figure to exactly its polls (core.drilldown): released polls of the union that
closed in the period, by kind; a poll closed just after midnight of the period's end, one not
released, and another union's are never listed. A poll counts by the day it was held (`held_on`).
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.drilldown import Linker, day_start
from gonghui.core.facts import Period
from gonghui.core.models import AuditEvent
from gonghui.voting import facts
from gonghui.voting.enums import PollKind, PollState
from gonghui.voting.models import Poll

from .factories import make_poll


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return timezone.localdate()


def period() -> Period:
    return Period.statistical_year(today().year if today().month >= 10 else today().year - 1)


def midnight() -> dt.datetime:
    """The first instant after the period."""
    return day_start(period().end + dt.timedelta(days=1))


def banner_count(response) -> int:
    found = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert found, "no drill-down banner"
    return int(found.group(1))


def poll(org, kind, state, closed_at, title):
    made = make_poll(org, kind=kind, title=title, options=["甲", "乙"], voters=1, state=state)
    Poll.objects.filter(pk=made.pk).update(closed_at=closed_at, held_on=timezone.localtime(closed_at).date())
    return made


@pytest.fixture
def polls(tree):
    last_minute = midnight() - dt.timedelta(minutes=1)
    return {
        "election": poll(tree.school1, PollKind.ELECTION, PollState.RELEASED, last_minute, "委员会选举"),
        "award": poll(
            tree.school1, PollKind.AWARD, PollState.RELEASED, midnight() - dt.timedelta(days=30), "评优"
        ),
        "too_late": poll(tree.school1, PollKind.SIMPLE, PollState.RELEASED, midnight(), "次日结束"),
        "unreleased": poll(tree.school1, PollKind.ELECTION, PollState.CLOSED, last_minute, "未公布"),
        "other_union": poll(tree.school2, PollKind.ELECTION, PollState.RELEASED, last_minute, "第二小学选举"),
    }


def test_each_counted_fact_opens_to_exactly_its_polls(client_for, chair, tree, polls):
    got = {f.key: f for f in facts.year_facts(tree.school1, period())}
    counted = {key: f.record_count for key, f in got.items() if f.record_count is not None}
    assert counted == {
        "voting.polls": 2,
        "voting.elections": 1,
        "voting.evaluations": 0,
        "voting.awards": 1,
        "voting.simple": 0,
    }
    client = client_for(chair)
    for key in counted:
        response = client.get(got[key].records_url)
        assert response.status_code == 200, key
        assert banner_count(response) == got[key].record_count, key
    listed = client.get(got["voting.polls"].records_url).context["polls"]
    assert {p.pk for p in listed} == {polls["election"].pk, polls["award"].pk}
    elections = client.get(got["voting.elections"].records_url).context["polls"]
    assert [p.pk for p in elections] == [polls["election"].pk]


def test_the_plain_list_is_unchanged(client_for, chair, tree, polls):
    response = client_for(chair).get(reverse("voting:home"))
    assert "data-record-count" not in response.content.decode()
    assert len(response.context["polls"]) == 4  # every poll of 第一中学, whatever its state


def test_another_union_is_not_found(client_for, chair, tree):
    client = client_for(chair)
    assert client.get(reverse("voting:home"), {"union": tree.school2.pk}).status_code == 404
    assert client.get(reverse("voting:home"), {"union": "x"}).status_code == 404


def test_links_show_only_to_officers(chair, member, tree, polls):
    url = next(f for f in facts.year_facts(tree.school1, period()) if f.key == "voting.polls").records_url
    assert Linker(chair)(url) == url
    assert Linker(member)(url) == ""


def test_a_member_opening_the_link_is_refused_and_audited(client_for, member, tree, polls):
    url = next(f for f in facts.year_facts(tree.school1, period()) if f.key == "voting.polls").records_url
    assert client_for(member).get(url).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=member).exists()
