"""A year of suggestions (合理化建议) imported in bulk on the core framework: each counts in the
statistical year of its date, carries how far it got; errors name the cell, nothing is written
unless every row is right, and a union outside the importer's scope is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.congress.enums import SuggestionState
from gonghui.congress.models import Suggestion
from gonghui.core.enums import Role
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent
from tests.core.imports_support import error_rows, run_apply, run_upload, xlsx
from tests.factories import RoleAssignmentFactory, UserFactory

HEADERS = [
    "工会",
    "标题*",
    "内容*",
    "提出人",
    "提出日期*",
    "办理状态",
    "审查意见",
    "效益",
    "效益金额(元)",
    "奖励",
]


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def last_year() -> int:
    return timezone.localdate().year - 1


@pytest.fixture
def county_chair(tree):
    user = UserFactory(username="county_chair")
    RoleAssignmentFactory(user=user, org=tree.county, role=Role.CHAIR)
    return user


def good_rows():
    return [
        [
            "第一中学工会",
            "食堂错峰",
            "增设窗口",
            "张三",
            f"{last_year()}/10/08",
            "已实施",
            None,
            "排队缩短",
            1200.5,
            None,
        ],
        [
            "第二小学工会",
            "校车路线",
            "调整站点",
            None,
            f"{last_year()}/03/01",
            "不采纳",
            "经费不足",
            None,
            None,
            None,
        ],
        [None, "图书角", "每层设图书角", None, dt.date(last_year(), 12, 30), None, None, None, None, None],
    ]


def test_a_county_chair_imports_last_years_suggestions_dated_in_last_year(
    tree, county_chair, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    content = xlsx(HEADERS, [r if r[0] else ["第一中学工会", *r[1:]] for r in good_rows()])
    job = run_upload(capture, county_chair, "congress-suggestions", tree.county, content)
    assert job.state == ImportJob.State.PREVIEW and job.errors == [], job.errors
    job = run_apply(capture, county_chair, job)
    assert job.state == ImportJob.State.DONE
    rows = {s.title: s for s in Suggestion.objects.all()}
    assert rows["食堂错峰"].state == SuggestionState.IMPLEMENTED and rows[
        "食堂错峰"
    ].benefit_amount == Decimal("1200.50")
    assert "（提出人：张三）" in rows["食堂错峰"].body and rows["食堂错峰"].submitter is None
    assert rows["校车路线"].org == tree.school2 and rows["校车路线"].review_note == "经费不足"
    assert {timezone.localtime(s.submitted_at).year for s in rows.values()} == {last_year()}
    assert timezone.localtime(rows["图书角"].submitted_at).date() == dt.date(last_year(), 12, 30)
    assert rows["图书角"].submitted_on == dt.date(last_year(), 12, 30)  # the day the figures count
    event = AuditEvent.objects.get(action="congress.suggestion_import")
    assert event.actor == county_chair and event.after["rows"] == 3 and event.after["unions"] == 2


def test_a_file_with_errors_writes_nothing_and_names_each_cell(
    tree, chair, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).strftime("%Y/%m/%d")
    content = xlsx(HEADERS, [
        [None, "好建议", "内容", None, f"{last_year()}/05/05", None, None, None, None, None],
        [None, None, "内容", None, tomorrow, "不采纳", None, None, None, None],
        [None, "奖励", "内容", None, f"{last_year()}/05/05", "已奖励", None, None, None, None],
    ])  # fmt: skip
    job = run_upload(capture, chair, "congress-suggestions", tree.school1, content)
    cells = {(e["row"], e["letter"], e["column"]) for e in job.errors}
    assert cells == {(3, "B", "标题"), (3, "E", "提出日期"), (3, "G", "审查意见"), (4, "J", "奖励")}
    sheet = error_rows(job)
    assert sheet[2][4] == tomorrow and sheet[2][-1].startswith("第3行 B列 标题：")
    with pytest.raises(Exception, match="修正后重新上传"):
        run_apply(capture, chair, job)
    assert not Suggestion.objects.exists()


def test_a_union_outside_the_scope_is_refused_and_nothing_leaks(
    tree, chair, other_union_chair, client_for, django_capture_on_commit_callbacks
):
    content = xlsx(HEADERS, good_rows())
    job = run_upload(django_capture_on_commit_callbacks, chair, "congress-suggestions", tree.school1, content)
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "工会")]
    assert "第二小学工会" in job.errors[0]["message"]  # only the words the user typed come back
    assert not Suggestion.objects.exists()
    # the other union's chair cannot open this job at all
    assert client_for(other_union_chair).get(reverse("core:import_status", args=[job.key])).status_code == 404


def test_all_or_nothing_a_failure_while_writing_leaves_no_suggestion(
    tree, county_chair, django_capture_on_commit_callbacks, monkeypatch
):
    capture = django_capture_on_commit_callbacks
    content = xlsx(HEADERS, [r if r[0] else ["第一中学工会", *r[1:]] for r in good_rows()])
    job = run_upload(capture, county_chair, "congress-suggestions", tree.county, content)
    original = Suggestion.objects.bulk_create

    def half_then_fail(objs, **kwargs):
        original(objs[:1], **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Suggestion.objects, "bulk_create", half_then_fail)
    job = run_apply(capture, county_chair, job)
    assert job.state == ImportJob.State.FAILED and not Suggestion.objects.exists()


def test_the_suggestion_list_offers_the_import_to_reviewers_only(tree, chair, member, client_for):
    assert (
        'data-import="congress-suggestions"'
        in client_for(chair).get(reverse("congress:suggestions")).content.decode()
    )
    assert 'data-import="congress-suggestions"' not in client_for(member).get(
        reverse("congress:suggestions")).content.decode()  # fmt: skip
