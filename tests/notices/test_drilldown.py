"""From a notice figure to exactly its records (core.drilldown): notices on the board by the day
their 公示 began, objections on the objection list by when they were raised. The period is a
statistical year already over; 30 Sep is in it, 1 Oct (and the first instant after midnight) not.
An objection raised online is received on the local day it was raised.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.core.drilldown import Linker, day_start
from gonghui.notices import facts, services
from gonghui.notices.enums import NoticeState
from gonghui.notices.models import Objection
from tests.dates import day_after_last_year as next_day
from tests.dates import last_year as period
from tests.dates import last_year_end as last_day

from .factories import NoticeFactory, ObjectionFactory, union_member


def banner_count(response) -> int:
    found = re.search(r'data-record-count="(\d+)"', response.content.decode())
    assert found, "no drill-down banner"
    return int(found.group(1))


def objection(notice, at, chair=None, upheld=None):
    made = ObjectionFactory(notice=notice)
    if upheld is not None:
        services.objection_resolve(actor=chair, objection=made, upheld=upheld, resolution="已核实",
                                   today=notice.starts_on)  # fmt: skip
    # Raised online at `at`: received (and counted) on that local day.
    Objection.objects.filter(pk=made.pk).update(submitted_at=at, received_on=timezone.localtime(at).date())
    return made


@pytest.fixture
def records(tree, chair, other_union_chair):
    before_midnight = day_start(next_day()) - dt.timedelta(minutes=1)
    final = NoticeFactory(org=tree.school1, starts_on=period().start, state=NoticeState.FINAL)
    contested = NoticeFactory(org=tree.school1, starts_on=last_day(), state=NoticeState.PUBLISHED)
    late = NoticeFactory(org=tree.school1, starts_on=next_day(), state=NoticeState.PUBLISHED)
    NoticeFactory(org=tree.school1, starts_on=last_day())  # a draft: not held
    NoticeFactory(org=tree.school1, starts_on=last_day(), state=NoticeState.WITHDRAWN)
    theirs = NoticeFactory(org=tree.school2, starts_on=last_day(), state=NoticeState.PUBLISHED)
    return {
        "notices": (final, contested, late),
        "upheld": objection(contested, before_midnight, chair, upheld=True),
        "dismissed": objection(contested, day_start(period().start), chair, upheld=False),
        "waiting": objection(contested, before_midnight),
        "after_midnight": objection(late, day_start(next_day())),
        "theirs": objection(theirs, before_midnight, other_union_chair, upheld=True),
    }


def by_key(org, subtree=True):
    return {f.key: f for f in facts.year_facts(org, period(), subtree=subtree)}


def test_each_counted_fact_opens_to_exactly_its_records(client_for, chair, tree, records):
    client = client_for(chair)
    client.get(reverse("notices:board"))  # the board moves notices whose period is over on first
    got = by_key(tree.school1)
    counted = {key: f.record_count for key, f in got.items() if f.record_count is not None}
    assert counted == {
        "notices.held": 2,
        "notices.final": 1,
        "notices.with_objections": 1,
        "notices.objections": 3,
        "notices.objections_resolved": 2,
        "notices.objections_upheld": 1,
    }
    for key in counted:
        response = client.get(got[key].records_url)
        assert response.status_code == 200, key
        assert banner_count(response) == got[key].record_count, key


def test_the_lists_hold_the_union_and_period_only(client_for, chair, tree, records):
    client = client_for(chair)
    got = by_key(tree.school1)
    final, contested, late = records["notices"]

    board = client.get(got["notices.held"].records_url).context
    assert {n.pk for n in [*board["current"], *board["past"]]} == {final.pk, contested.pk}
    objected = client.get(got["notices.with_objections"].records_url).context
    assert [n.pk for n in [*objected["current"], *objected["past"]]] == [contested.pk]

    listed = {o.pk for o in client.get(got["notices.objections"].records_url).context["rows"]}
    assert listed == {records["upheld"].pk, records["dismissed"].pk, records["waiting"].pk}
    assert late.pk not in {n.pk for n in [*board["current"], *board["past"]]}
    upheld = client.get(got["notices.objections_upheld"].records_url).context["rows"]
    assert [o.pk for o in upheld] == [records["upheld"].pk]


def test_the_board_keeps_its_own_union_filter(client_for, chair, tree, records):
    response = client_for(chair).get(reverse("notices:board"), {"org": tree.school1.pk})
    assert response.status_code == 200 and "data-record-count" not in response.content.decode()
    shown = {n.org_id for n in [*response.context["current"], *response.context["past"]]}
    assert shown == {tree.school1.pk}


@pytest.mark.parametrize("name", ["notices:board", "notices:objections"])
def test_another_union_is_not_found(client_for, chair, tree, name):
    client = client_for(chair)
    assert client.get(reverse(name), {"union": tree.school2.pk}).status_code == 404
    assert client.get(reverse(name), {"union": tree.school1.pk}).status_code == 200


def test_objection_links_show_only_to_the_panel(chair, tree, records):
    got = by_key(tree.school1)
    plain = union_member(tree.school1)
    url = got["notices.objections"].records_url
    assert Linker(chair)(url) == url
    assert Linker(plain)(url) == ""
    assert Linker(plain)(got["notices.held"].records_url) == got["notices.held"].records_url


def test_the_objection_list_is_reachable_from_the_board_for_the_panel(client_for, chair, member, tree):
    link = f'href="{reverse("notices:objections")}" id="objections-link"'
    assert link in client_for(chair).get(reverse("notices:board")).content.decode()
    assert link not in client_for(member).get(reverse("notices:board")).content.decode()


def test_the_objection_list_costs_the_same_queries_for_more_objections(client_for, chair, tree, records):
    client = client_for(chair)
    url = by_key(tree.school1)["notices.objections"].records_url
    client.get(url)  # the page shell's caches warm
    with CaptureQueriesContext(connection) as few:
        shown = banner_count(client.get(url))
    contested = records["notices"][1]
    for _ in range(4):
        objection(contested, day_start(last_day()), chair, upheld=False)
    with CaptureQueriesContext(connection) as many:
        assert banner_count(client.get(url)) == shown + 4
    assert len(many.captured_queries) == len(few.captured_queries)
