"""Objections received on paper to a 公示 posted on paper (补录线下异议): the panel enters them with
the day they were received, and the figures, the drilled list and the page count them on that
day, not on the day they were typed in. A future date or one before the notice began is refused
in Chinese; only those who may resolve objections may enter them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.core.audit_text import sentence
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.notices import facts, services
from gonghui.notices.enums import NoticeState, ObjectionState
from gonghui.notices.models import Notice, Objection
from tests.dates import last_june, last_year, this_year, today

from .factories import NoticeFactory, ObjectionFactory

pytestmark = pytest.mark.django_db


def _figures(org, period):
    return {f.key: f for f in facts.year_facts(org, period)}


def _posted_last_june(tree, chair):
    """Last June's paper notice, entered today as posted then (its period is long over)."""
    notice = NoticeFactory(org=tree.school1, starts_on=last_june(), title="去年评优公示")
    return services.notice_publish(actor=chair, notice=notice, posted=True)


def test_an_objection_received_last_year_counts_in_last_year_and_its_list_shows_it(tree, chair, client_for):
    notice = _posted_last_june(tree, chair)
    assert notice.state == NoticeState.FINAL
    client = client_for(chair)
    page = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert 'id="objection-record"' in page and "补录线下异议" in page

    response = client.post(
        reverse("notices:objection_record", args=[notice.pk]),
        {"objector_name": "张老师", "text": "书面异议：被推荐人材料不实。",
         "received_on": (last_june() + dt.timedelta(days=2)).isoformat(),
         "outcome": "dismissed", "resolution": "经核实，材料属实，异议不成立。"},
    )  # fmt: skip

    assert response.status_code == 302
    objection = Objection.objects.get(notice=notice)
    assert (objection.received_on, objection.offline, objection.objector_name, objection.state) == (
        last_june() + dt.timedelta(days=2), True, "张老师", ObjectionState.DISMISSED,
    )  # fmt: skip
    last, this = _figures(tree.school1, last_year()), _figures(tree.school1, this_year())
    assert (last["notices.objections"].value, this["notices.objections"].value) == (1, 0)
    assert (last["notices.objections_resolved"].value, this["notices.objections_resolved"].value) == (1, 0)
    listed = client.get(last["notices.objections"].records_url)
    assert [o.pk for o in listed.context["rows"]] == [objection.pk]
    assert "张老师" in listed.content.decode()
    assert objection.pk not in [
        o.pk for o in client.get(this["notices.objections"].records_url).context["rows"]
    ]
    shown = client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert f"{objection.received_on.isoformat()}线下收到" in shown and "书面异议" in shown


def test_an_online_objection_is_received_the_day_it_is_raised(tree, chair):
    notice = NoticeFactory(org=tree.school1, state=NoticeState.PUBLISHED)
    objection = ObjectionFactory(notice=notice, today=notice.starts_on)
    assert (objection.received_on, objection.offline) == (notice.starts_on, False)


def test_a_future_received_date_is_refused_in_chinese(tree, chair, client_for):
    notice = _posted_last_june(tree, chair)
    response = client_for(chair).post(
        reverse("notices:objection_record", args=[notice.pk]),
        {"text": "异议", "received_on": (today() + dt.timedelta(days=1)).isoformat(),
         "outcome": "upheld", "resolution": "成立"},
        follow=True,
    )  # fmt: skip
    assert "收到日期不能晚于今天" in response.content.decode()
    assert not Objection.objects.filter(notice=notice).exists()


def test_a_date_before_the_notice_began_is_refused_in_chinese(tree, chair):
    notice = _posted_last_june(tree, chair)
    with pytest.raises(DomainError, match="收到日期不能早于公示开始日期"):
        services.objection_record(actor=chair, notice=notice, text="异议", received_on=last_june() - dt.timedelta(days=1),
                                  upheld=False, resolution="不成立")  # fmt: skip


def test_a_final_notice_needs_the_outcome_and_an_upheld_one_marks_it(tree, chair):
    notice = _posted_last_june(tree, chair)
    with pytest.raises(DomainError, match="须同时填写处理结果"):
        services.objection_record(actor=chair, notice=notice, text="异议", received_on=last_june())
    objection = services.objection_record(actor=chair, notice=notice, text="异议", received_on=last_june(),
                                          upheld=True, resolution="经核实成立")  # fmt: skip
    assert objection.anonymous and objection.state == ObjectionState.UPHELD
    assert Notice.objects.get(pk=notice.pk).any_upheld is True
    row = AuditEvent.objects.filter(action="notices.objection_record").get()
    assert row.actor == chair and sentence(row.action) == "补录线下异议"


def test_an_unsettled_offline_objection_waits_for_the_panel_on_a_running_notice(tree, chair, client_for):
    notice = NoticeFactory(org=tree.school1, state=NoticeState.PUBLISHED)
    objection = services.objection_record(actor=chair, notice=notice, text="书面异议", received_on=today())
    assert objection.state == ObjectionState.SUBMITTED
    page = client_for(chair).get(reverse("notices:detail", args=[notice.pk])).content.decode()
    assert "匿名" in page and f'action="{reverse("notices:objection_resolve", args=[objection.pk])}"' in page


@pytest.mark.parametrize("who", ["member", "other_union_chair", "department_handler"])
def test_whoever_may_not_resolve_objections_cannot_record_one(tree, chair, client_for, request, who):
    notice = _posted_last_june(tree, chair)
    user = request.getfixturevalue(who)
    client = client_for(user)
    response = client.post(
        reverse("notices:objection_record", args=[notice.pk]),
        {"text": "异议", "received_on": last_june().isoformat(), "outcome": "upheld", "resolution": "成立"},
    )
    assert response.status_code in (403, 404)
    assert (
        'id="objection-record"'
        not in client.get(reverse("notices:detail", args=[notice.pk])).content.decode()
    )
    assert not Objection.objects.filter(notice=notice).exists()
    with pytest.raises(DomainError, match="只有本工会的主席、副主席和委员可以补录异议"):
        services.objection_record(actor=user, notice=notice, text="异议", received_on=last_june(),
                                  upheld=True, resolution="成立")  # fmt: skip
