"""Care imports on the core framework: past payouts (帮扶 · 助学) recorded as approved and paid."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.care.enums import ApplicationKind, ApplicationState, LedgerKind
from gonghui.care.imports import period_start
from gonghui.care.models import AssistanceApplication, LedgerEntry
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent
from tests.core.imports_support import error_rows, run_apply, run_upload, xlsx
from tests.members.factories import MemberFactory

HEADERS = [
    "工会",
    "姓名*",
    "身份证号",
    "类别*",
    "金额(元)*",
    "发放日期*",
    "发放方式",
    "事由*",
    "子女姓名",
    "就读学校",
]


def last_month(day: int = 10) -> dt.date:
    return (period_start(timezone.localdate()) - dt.timedelta(days=1)).replace(day=day)


@pytest.fixture
def people(tree):
    return {
        "wang": MemberFactory(union=tree.school1, name="王困难"),
        "li": MemberFactory(union=tree.school1, group=tree.school1_group_a, name="李助学"),
        "zhao": MemberFactory(union=tree.school2, name="赵二小"),
    }


def payout_file(tree, *, paid_on=None):
    day = (paid_on or last_month()).strftime("%Y/%m/%d")
    return xlsx(HEADERS, [
        ["第一中学工会", "王困难", None, "困难帮扶", 1000.1, day, "转账", "患病住院", None, None],
        [None, "李助学", None, "金秋助学", "800.05", day, "现金", "考上大学", "李小明", "湖南大学"],
        ["第二小学工会", "赵二小", None, "困难帮扶", 500, day, None, "家庭困难", None, None],
    ])  # fmt: skip


def test_a_county_care_officer_imports_a_past_months_payouts_as_approved_and_paid(
    tree, people, county_care_officer, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    job = run_upload(capture, county_care_officer, "care-payouts", tree.county, payout_file(tree))
    assert job.state == ImportJob.State.PREVIEW, job.errors
    assert job.total_rows == 3 and job.error_rows == 0
    assert [row[1] for row in job.preview] == ["王困难", "李助学", "赵二小"]
    assert job.preview[1][0] == "县教育总工会"  # a blank 工会 cell is the union chosen for the import
    job = run_apply(capture, county_care_officer, job)
    assert job.state == ImportJob.State.DONE, job.message
    apps = {a.member.name: a for a in AssistanceApplication.objects.select_related("member")}
    assert set(apps) == {"王困难", "李助学", "赵二小"}
    wang = apps["王困难"]
    assert wang.state == ApplicationState.PAID and wang.approved_by == county_care_officer
    assert wang.approved_amount == Decimal("1000.10") and wang.org == tree.school1
    assert apps["李助学"].kind == ApplicationKind.STUDENT_AID and apps["李助学"].school == "湖南大学"
    assert apps["赵二小"].org == tree.school2
    entries = LedgerEntry.objects.order_by("amount")
    assert [e.amount for e in entries] == [Decimal("500.00"), Decimal("800.05"), Decimal("1000.10")]
    assert {e.payer_id for e in entries} == {county_care_officer.pk}
    assert {e.paid_on for e in entries} == {last_month()}
    assert entries.get(member=people["li"]).kind == LedgerKind.STUDENT_AID
    event = AuditEvent.objects.get(action="care.payout_import")
    assert event.actor == county_care_officer
    assert event.after["recorded_as"] == "approved_and_paid" and event.after["rows"] == 3
    assert event.after["file"] == "导入.xlsx" and event.after["total"] == "2300.15"


def test_a_file_with_errors_writes_nothing_and_its_error_sheet_names_each_cell(
    tree, people, county_care_officer, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    content = xlsx(HEADERS, [
        ["第一中学工会", "王困难", None, "困难帮扶", "12.345", last_month().strftime("%Y/%m/%d"), None, "病", None, None],
        ["第一中学工会", "无此人", None, "困难帮扶", 100, last_month().strftime("%Y/%m/%d"), None, "病", None, None],
        ["第一中学工会", "李助学", None, "金秋助学", 100, timezone.localdate().strftime("%Y/%m/%d"), None, "学", None, None],
    ])  # fmt: skip
    job = run_upload(capture, county_care_officer, "care-payouts", tree.county, content)
    assert job.state == ImportJob.State.PREVIEW and job.error_rows == 3
    cells = {(e["row"], e["letter"], e["column"]) for e in job.errors}
    assert (2, "E", "金额(元)") in cells and (3, "B", "姓名") in cells
    assert {(4, "F", "发放日期"), (4, "I", "子女姓名"), (4, "J", "就读学校")} <= cells
    sheet = error_rows(job)
    assert sheet[0][-1] == "错误说明" and len(sheet) == 4
    assert sheet[1][4] == "12.345"  # given back as uploaded
    assert "第2行 E列 金额(元)：金额最多保留两位小数(到分)。" in sheet[1][-1]
    assert "第3行 B列 姓名" in sheet[2][-1]
    with pytest.raises(Exception, match="修正后重新上传"):
        run_apply(capture, county_care_officer, job)
    assert not AssistanceApplication.objects.exists() and not LedgerEntry.objects.exists()


def test_a_foreign_union_in_the_union_column_is_refused_without_saying_whether_it_exists(
    tree, people, other_union_chair, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    day = last_month().strftime("%Y/%m/%d")
    content = xlsx(HEADERS, [
        ["第二小学工会", "赵二小", None, "困难帮扶", 100, day, None, "病", None, None],
        ["第一中学工会", "王困难", None, "困难帮扶", 100, day, None, "病", None, None],
        ["不存在的工会", "王困难", None, "困难帮扶", 100, day, None, "病", None, None],
    ])  # fmt: skip
    job = run_upload(capture, other_union_chair, "care-payouts", tree.school2, content)
    assert job.error_rows == 2
    foreign, missing = (e for e in job.errors if e["row"] in (3, 4))
    assert foreign["letter"] == "A" and foreign["column"] == "工会"
    # the same words for a union that exists outside the scope and for one that does not
    assert foreign["message"].replace("第一中学工会", "X") == missing["message"].replace("不存在的工会", "X")
    assert all("王困难" not in e["message"] for e in job.errors)  # no member of a foreign union named
    assert not AssistanceApplication.objects.exists()


def test_a_payout_of_the_open_month_must_go_through_approval(
    tree, people, county_care_officer, django_capture_on_commit_callbacks
):
    job = run_upload(django_capture_on_commit_callbacks, county_care_officer, "care-payouts", tree.county,
                     payout_file(tree, paid_on=period_start(timezone.localdate())))  # fmt: skip
    assert job.error_rows == 3
    assert {e["column"] for e in job.errors} == {"发放日期"}


def test_all_or_nothing_a_failure_while_writing_leaves_no_payout(
    tree, people, county_care_officer, django_capture_on_commit_callbacks, monkeypatch
):
    capture = django_capture_on_commit_callbacks
    job = run_upload(capture, county_care_officer, "care-payouts", tree.county, payout_file(tree))
    assert job.error_rows == 0

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(LedgerEntry.objects, "bulk_create", broken)
    job = run_apply(capture, county_care_officer, job)
    assert job.state == ImportJob.State.FAILED and "已全部撤销" in job.message
    assert not AssistanceApplication.objects.exists() and not LedgerEntry.objects.exists()
    assert AuditEvent.objects.get(action="care.payout_import").outcome == "failure"


def test_a_member_without_the_care_rights_cannot_start_a_payout_import(tree, member, committee_member):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.core.errors import DomainError
    from gonghui.core.imports import jobs, kinds

    kind = kinds.get("care-payouts")
    for user in (member, committee_member):  # 文体委员 has no 生活 portfolio
        with pytest.raises(DomainError):
            jobs.import_start(
                actor=user, kind=kind, org=tree.school1, upload=SimpleUploadedFile("a.xlsx", b"PK\x03\x04")
            )
    assert not ImportJob.objects.exists()


# --- condolence visits (慰问) ---------------------------------------------------------------------

VISIT_HEADERS = [
    "工会",
    "姓名*",
    "身份证号",
    "慰问事由*",
    "慰问日期*",
    "慰问金(元)",
    "慰问品",
    "慰问品价值(元)",
    "慰问人",
]


def visit_file(day=None):
    day = (day or last_month(5)).strftime("%Y/%m/%d")
    return xlsx(VISIT_HEADERS, [
        ["第一中学工会", "王困难", None, "住院", day, 500, "水果", 80, "王主席"],
        ["第一中学工会", "李助学", None, "重阳", day, None, "月饼", "50.5", None],
        ["第二小学工会", "赵二小", None, "春节", day, "300.25", None, None, None],
    ])  # fmt: skip


def test_past_visits_import_as_approved_and_recorded_with_their_cash_in_the_ledger(
    tree, people, county_care_officer, django_capture_on_commit_callbacks
):
    from gonghui.care.enums import Occasion, VisitState
    from gonghui.care.models import Visit

    capture = django_capture_on_commit_callbacks
    job = run_upload(capture, county_care_officer, "care-visits", tree.county, visit_file())
    assert job.state == ImportJob.State.PREVIEW and job.errors == [], job.errors
    job = run_apply(capture, county_care_officer, job)
    assert job.state == ImportJob.State.DONE, job.message
    visits = {v.visit_members.get().member.name: v for v in Visit.objects.all()}
    assert {v.state for v in visits.values()} == {VisitState.RECORDED}
    assert (
        visits["王困难"].occasion == Occasion.HOSPITAL and visits["王困难"].approved_by == county_care_officer
    )
    assert visits["李助学"].gift == "月饼" and visits["李助学"].gift_value == Decimal("50.50")
    assert visits["赵二小"].org == tree.school2 and visits["赵二小"].paid_on == last_month(5)
    cash = sorted(LedgerEntry.objects.filter(kind=LedgerKind.CONDOLENCE).values_list("amount", flat=True))
    assert cash == [Decimal("300.25"), Decimal("500.00")]  # the gift-only visit has no cash entry
    event = AuditEvent.objects.get(action="care.visit_import")
    assert event.after["rows"] == 3 and event.after["cash"] == "800.25"


def test_a_visit_file_with_errors_writes_nothing_and_names_each_cell(
    tree, people, county_care_officer, django_capture_on_commit_callbacks
):
    from gonghui.care.models import Visit

    day = last_month(5).strftime("%Y/%m/%d")
    content = xlsx(VISIT_HEADERS, [
        ["第一中学工会", "王困难", None, "住院", day, 500, None, None, None],
        ["第一中学工会", "王困难", None, "看望", "2026/13/40", None, None, None, None],
        ["第一中学工会", "王困难", None, "住院", day, "五百", None, None, None],
    ])  # fmt: skip
    job = run_upload(
        django_capture_on_commit_callbacks, county_care_officer, "care-visits", tree.county, content
    )
    assert job.error_rows == 2
    third = [(e["letter"], e["column"]) for e in job.errors if e["row"] == 3]
    assert third == [("D", "慰问事由"), ("E", "慰问日期"), ("F", "慰问金(元)")]
    fourth = [e["message"] for e in job.errors if e["row"] == 4]
    assert fourth == ["应为金额数字，如 500 或 500.50。"]  # an unreadable amount is one error, not two
    sheet = error_rows(job)
    assert (
        sheet[1][-1] is None and "第3行 D列 慰问事由" in sheet[2][-1]
    )  # every row given back, errors marked
    assert sheet[2][4] == "2026/13/40"
    with pytest.raises(Exception, match="修正后重新上传"):
        run_apply(django_capture_on_commit_callbacks, county_care_officer, job)
    assert not Visit.objects.exists() and not LedgerEntry.objects.exists()


def test_a_visit_to_a_foreign_unions_member_is_refused(
    tree, people, welfare, django_capture_on_commit_callbacks
):
    from gonghui.care.models import Visit

    content = xlsx(VISIT_HEADERS, [
        [None, "王困难", None, "住院", last_month(5).strftime("%Y/%m/%d"), 100, None, None, None],
        ["第二小学工会", "赵二小", None, "住院", last_month(5).strftime("%Y/%m/%d"), 100, None, None, None],
        [None, "赵二小", None, "住院", last_month(5).strftime("%Y/%m/%d"), 100, None, None, None],
    ])  # fmt: skip
    job = run_upload(django_capture_on_commit_callbacks, welfare, "care-visits", tree.school1, content)
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "工会"), (4, "姓名")]
    assert "第二小学" not in job.errors[1]["message"]  # the member of the other union is not confirmed
    assert not Visit.objects.exists()


def test_all_or_nothing_a_visit_import_failing_midway_leaves_nothing(
    tree, people, county_care_officer, django_capture_on_commit_callbacks, monkeypatch
):
    from gonghui.care.models import Visit, VisitMember

    capture = django_capture_on_commit_callbacks
    job = run_upload(capture, county_care_officer, "care-visits", tree.county, visit_file())

    def broken(*args, **kwargs):
        raise RuntimeError("lost connection")

    monkeypatch.setattr(VisitMember.objects, "bulk_create", broken)
    job = run_apply(capture, county_care_officer, job)
    assert job.state == ImportJob.State.FAILED
    assert not Visit.objects.exists() and not LedgerEntry.objects.exists()


def test_visits_take_each_unions_own_occasions_and_charge_their_budget_line(
    tree, people, county_care_officer, django_capture_on_commit_callbacks
):
    from gonghui.care import occasions
    from gonghui.care.enums import SpendingCategory
    from gonghui.care.models import Visit
    from gonghui.core.imports import jobs, kinds

    own = occasions.occasion_create(actor=None, org=tree.school1, name="三八节", category=SpendingCategory.FESTIVAL,
                                    festival=True)  # fmt: skip
    kind = kinds.get("care-visits")
    assert kind is not None
    template = load_workbook(
        io.BytesIO(jobs.template_for(kind=kind, org=tree.county, actor=county_care_officer))
    )
    assert "三八节" in [c.value for c in template["选项"]["B"]]  # the county's template lists its unions' own
    day = last_month(5).strftime("%Y/%m/%d")
    content = xlsx(VISIT_HEADERS, [
        ["第一中学工会", "王困难", None, "三八节", day, 200, None, None, None],
        ["第二小学工会", "赵二小", None, "三八节", day, 200, None, None, None],
    ])  # fmt: skip
    capture = django_capture_on_commit_callbacks
    job = run_upload(capture, county_care_officer, "care-visits", tree.county, content)
    assert [(e["row"], e["letter"]) for e in job.errors] == [(3, "D")]  # not an occasion of 第二小学
    assert "第二小学工会" in job.errors[0]["message"]
    content = xlsx(VISIT_HEADERS, [["第一中学工会", "王困难", None, "三八节", day, 200, None, None, None]])
    job = run_apply(capture, county_care_officer, run_upload(capture, county_care_officer, "care-visits",
                                                              tree.county, content))  # fmt: skip
    assert job.state == ImportJob.State.DONE
    assert Visit.objects.get().occasion == own.code
    assert LedgerEntry.objects.get().category == SpendingCategory.FESTIVAL


def test_the_error_sheet_masks_id_numbers_for_who_may_not_read_them_and_audits_a_full_one(
    tree, people, welfare, chair, django_capture_on_commit_callbacks
):
    from gonghui.core.imports import jobs

    number = "43012119850307123X"
    content = xlsx(HEADERS, [
        [None, "王困难", number, "困难帮扶", 100, last_month().strftime("%Y/%m/%d"), None, "病", None, None],
    ])  # fmt: skip
    job = run_upload(django_capture_on_commit_callbacks, welfare, "care-payouts", tree.school1, content)
    assert job.error_rows == 1  # the number is not 王困难's
    masked = load_workbook(io.BytesIO(jobs.error_file(job=job, user=welfare))).active
    assert masked["C2"].value == "4301**********123X"  # the 生活委员 may not read ID numbers in full
    assert not AuditEvent.objects.filter(action="import.errors_revealed").exists()
    full = load_workbook(io.BytesIO(jobs.error_file(job=job, user=chair))).active
    assert full["C2"].value == number
    assert AuditEvent.objects.get(action="import.errors_revealed").actor == chair
