"""The import framework (core.imports) through its pages: the 批量导入 button, the template with
the union's code lists, upload → errors naming the cell → error sheet → fixed file → preview →
apply; limits, the registry, and jobs kept to the one who uploaded them."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gonghui.care.models import AssistanceApplication
from gonghui.core.enums import Portfolio, Role
from gonghui.core.errors import DomainError
from gonghui.core.imports import jobs, kinds
from gonghui.core.imports.kinds import Context, ImportKind, Row
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.workbook import Column
from gonghui.core.models import AuditEvent
from tests.core.import_fixtures import HEADERS, county_welfare_officer, payout_day, uploads_in_tmp  # noqa: F401
from tests.core.imports_support import run_apply, run_upload, xlsx
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory


@pytest.fixture
def welfare_of_school2(tree):
    user = UserFactory(username="welfare2")
    RoleAssignmentFactory(user=user, org=tree.school2, role=Role.COMMITTEE, portfolio=Portfolio.WELFARE)
    return user


def test_the_list_page_offers_the_import_only_to_who_may_run_it(tree, officer, member, client_for):
    page = client_for(officer).get(reverse("care:applications")).content.decode()
    assert 'data-import="care-payouts"' in page and "批量导入" in page
    assert client_for(member).get(reverse("core:import_start") + "?kind=care-payouts").status_code == 404
    assert AuditEvent.objects.filter(
        action="access.denied", actor=member, object_type="imports.care-payouts"
    ).exists()
    assert (
        'data-import="care-payouts"'
        not in client_for(member).get(reverse("care:applications")).content.decode()
    )


def test_the_template_carries_the_unions_and_code_lists_as_dropdowns(
    tree, officer, welfare_of_school2, client_for
):
    only_school2 = load_workbook(io.BytesIO(client_for(welfare_of_school2).get(
        reverse("core:import_template") + "?kind=care-visits").content))  # fmt: skip
    validations = only_school2.worksheets[0].data_validations.dataValidation
    union_list = next(dv for dv in validations if str(dv.sqref).startswith("A"))
    sheet_name, cells = union_list.formula1.split("!")
    assert [c.value for row in only_school2[sheet_name.strip("'")][cells.replace("$", "")] for c in row] == [
        "第二小学工会"
    ]
    response = client_for(officer).get(reverse("core:import_template") + "?kind=care-visits")
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers[:5] == ["工会", "姓名*", "身份证号", "慰问事由*", "慰问日期*"]
    lists: dict[str, list[Any]] = {}
    for dv in ws.data_validations.dataValidation:
        sheet_name, cells = dv.formula1.split("!")
        values = [c.value for row in wb[sheet_name.strip("'")][cells.replace("$", "")] for c in row]
        lists[str(dv.sqref)[0]] = values
    assert lists["A"] == ["县教育总工会", "第一中学工会", "第二小学工会"]
    assert "住院" in lists["D"] and "重阳" in lists["D"]
    assert ws.column_dimensions["C"].number_format == "@"  # the ID column is text
    assert "填写说明" in wb.sheetnames


def test_upload_errors_error_sheet_fixed_file_preview_and_apply_through_the_pages(
    tree, officer, client_for, django_capture_on_commit_callbacks
):
    MemberFactory(union=tree.school1, name="王困难")
    client = client_for(officer)
    start = reverse("core:import_start") + "?kind=care-payouts"
    bad = xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", "abc", payout_day(), "病"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(start, {"union": tree.county.pk, "file": SimpleUploadedFile("帮扶.xlsx", bad)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "core:import_status", args=[job.key]
    )
    page = client.get(response["Location"]).content.decode()
    assert "D 金额(元)" in page and "应为金额数字" in page and 'id="confirm-import"' not in page
    sheet = load_workbook(
        io.BytesIO(client.get(reverse("core:import_errors", args=[job.key])).content)
    ).active
    assert sheet["D2"].value == "abc" and sheet["G2"].value.startswith("第2行 D列 金额(元)：")

    good = xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", "1200.50", payout_day(), "病"]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            start, {"union": tree.county.pk, "file": SimpleUploadedFile("帮扶.xlsx", good)}
        )
    fixed = ImportJob.objects.exclude(pk=job.pk).get()
    page = client.get(response["Location"]).content.decode()
    assert 'id="import-preview"' in page and "1200.50" in page and 'id="confirm-import"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("core:import_apply", args=[fixed.key]))
    fixed.refresh_from_db()
    assert fixed.state == ImportJob.State.DONE
    assert AssistanceApplication.objects.get().approved_amount == 1200.50


def test_someone_else_cannot_open_or_apply_an_import_job(
    tree, officer, chair, client_for, django_capture_on_commit_callbacks
):
    MemberFactory(union=tree.school1, name="王困难")
    content = xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", 100, payout_day(), "病"]])
    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content)
    client = client_for(chair)
    assert client.get(reverse("core:import_status", args=[job.key])).status_code == 404
    assert client.get(reverse("core:import_errors", args=[job.key])).status_code == 404
    assert client.post(reverse("core:import_apply", args=[job.key])).status_code == 404
    assert ImportJob.objects.get().state == ImportJob.State.PREVIEW


def test_files_over_the_size_or_row_limit_are_refused(
    tree, officer, django_capture_on_commit_callbacks, monkeypatch
):
    kind = kinds.get("care-payouts")
    assert kind is not None
    content = xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", 100, payout_day(), "病"]] * 3)
    monkeypatch.setattr(jobs, "max_upload_bytes", lambda: len(content) - 1)
    with pytest.raises(DomainError, match="MB"):
        jobs.import_start(
            actor=officer, kind=kind, org=tree.county, upload=SimpleUploadedFile("a.xlsx", content)
        )
    monkeypatch.setattr(jobs, "max_upload_bytes", lambda: 10 * len(content))
    monkeypatch.setattr(type(kind), "max_rows", 2)
    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content)
    assert job.state == ImportJob.State.FAILED and "超过2行" in job.message


class _Attendance(ImportKind):
    """A kind as activities would plug in later: registered, and the framework does the rest."""

    key = "test-attendance"
    title = "活动签到"
    sheet_name = "签到"
    audit_action = "test.attendance_import"
    columns = (Column("name", "姓名", required=True), Column("on", "日期", required=True))
    written: list[Any] = []

    def may_import(self, user: Any, org: Any) -> bool:
        return True

    def list_url(self, job: ImportJob) -> str:
        return "/"

    def check_row(self, ctx: Context, row: Row) -> Any:
        return (
            row.union.name if row.union else "",
            row.text("name", required=True),
            row.date("on", required=True),
        )

    def write(self, ctx: Context, items: list[Any]) -> int:
        self.written.extend(items)
        return len(items)


def test_a_new_kind_plugs_into_the_registry_and_gets_the_whole_pipeline(
    tree, chair, django_capture_on_commit_callbacks
):
    kinds.register(_Attendance())
    try:
        content = xlsx(["姓名*", "日期*"], [["甲", "2026/03/08"], ["乙", dt.date(2026, 3, 9)]])
        job = run_upload(django_capture_on_commit_callbacks, chair, "test-attendance", tree.school1, content)
        assert job.state == ImportJob.State.PREVIEW and job.errors == []
        job = run_apply(django_capture_on_commit_callbacks, chair, job)
        assert job.state == ImportJob.State.DONE and job.created_count == 2
        assert _Attendance.written == [
            ("第一中学工会", "甲", dt.date(2026, 3, 8)),
            ("第一中学工会", "乙", dt.date(2026, 3, 9)),
        ]
        event = AuditEvent.objects.get(action="test.attendance_import")
        assert (event.actor, event.after["file"], event.after["rows"]) == (chair, "导入.xlsx", 2)
    finally:
        kinds._REGISTRY.pop("test-attendance", None)


def test_the_untouched_template_imports_nothing_its_example_row_is_skipped(
    tree, officer, django_capture_on_commit_callbacks
):
    kind = kinds.get("care-visits")
    assert kind is not None
    template = jobs.template_for(kind=kind, org=tree.county, actor=officer)
    job = run_upload(django_capture_on_commit_callbacks, officer, "care-visits", tree.county, template)
    assert job.state == ImportJob.State.FAILED and job.message == "文件中没有数据行。"


def test_import_prune_deletes_old_uploads_of_every_kind_and_keeps_the_job(
    tree, officer, django_capture_on_commit_callbacks, settings
):
    from django.core.management import call_command

    MemberFactory(union=tree.school1, name="王困难")
    content = xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", 100, payout_day(), "病"]])
    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content)
    upload = settings.MEDIA_ROOT / job.file_path
    assert upload.exists()
    call_command("import-prune", days=7)
    assert upload.exists()  # a fresh upload stays
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    call_command("import-prune", days=7)
    job.refresh_from_db()
    assert not upload.exists() and job.file_path == "" and job.state == ImportJob.State.PREVIEW


def test_a_large_file_reports_its_progress_while_it_is_checked(
    tree, chair, django_capture_on_commit_callbacks, monkeypatch
):
    seen: list[tuple[int, int | None]] = []
    original = jobs._progress

    def spy(job_id: int, done: int, total: int | None = None) -> None:
        seen.append((done, total))
        original(job_id, done, total)

    monkeypatch.setattr(jobs, "_progress", spy)
    kinds.register(_Attendance())
    try:
        content = xlsx(["姓名*", "日期*"], [[f"会员{i}", "2026/03/08"] for i in range(450)])
        job = run_upload(django_capture_on_commit_callbacks, chair, "test-attendance", tree.school1, content)
    finally:
        kinds._REGISTRY.pop("test-attendance", None)
    assert seen == [(0, 450), (200, None), (400, None)]  # the page polls these (processed / total rows)
    assert (job.state, job.total_rows, job.processed_rows) == (ImportJob.State.PREVIEW, 450, 450)
