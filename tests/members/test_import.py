"""Member import from Excel on the core import framework (kind "members"): template, validation
preview, apply whole or not at all in one transaction, error file.

Files are real .xlsx files written with openpyxl and read back with openpyxl, as a user's Excel
would. Background jobs run inline; `on_commit` callbacks are executed explicitly.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from gonghui.core.errors import DomainError
from gonghui.core.imports import jobs
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent, Org, User
from gonghui.members import idcard, importer, rows, services
from gonghui.members.enums import ChangeType, Employment, MemberStatus
from gonghui.members.models import Member, MembershipChange
from gonghui.members.privacy import decrypt, lookup_hash

FULL_ID = re.compile(r"\d{17}[\dX]")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def ident(sequence: int, *, birth: dt.date = dt.date(1985, 3, 7), area: str = "430121") -> str:
    """A valid synthetic ID number; odd sequence = male, even = female."""
    return idcard.make(area, birth, sequence)


def xlsx(
    records: list[dict[str, Any]], *, headers: list[str] | None = None, title: str | None = None
) -> bytes:
    """An .xlsx with our template headers (or `headers`) and one row per record {key: value}."""
    columns = [c for c in rows.COLUMNS if headers is None or c.header in headers]
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    if title:
        ws.append([title])
    ws.append([c.header for c in columns])
    for record in records:
        ws.append([record.get(c.key) for c in columns])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def good(sequence: int, name: str = "王小明", **extra: Any) -> dict[str, Any]:
    return {"name": name, "id_number": ident(sequence), "mobile": f"1380000{sequence:04d}", **extra}


def start(actor: User, union: Org, upload: Any) -> ImportJob:
    return jobs.import_start(actor=actor, kind=importer.MEMBERS, org=union, upload=upload)


def template(union: Org, actor: User | None = None) -> bytes:
    return jobs.template_for(kind=importer.MEMBERS, org=union, actor=actor)


@pytest.fixture
def upload(django_capture_on_commit_callbacks) -> Callable[..., ImportJob]:
    """`upload(actor, union, content)`: start an import and run its validation; the fresh job."""

    def run(actor: User, union: Org, content: bytes, name: str = "会员.xlsx") -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = start(actor, union, SimpleUploadedFile(name, content))
        job.refresh_from_db()
        return job

    return run


@pytest.fixture
def apply(django_capture_on_commit_callbacks) -> Callable[..., ImportJob]:
    def run(actor: User, job: ImportJob) -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            jobs.import_apply(actor=actor, job=job)
        job.refresh_from_db()
        return job

    return run


def members_of(union: Org) -> QuerySet[Member]:
    return Member.objects.filter(org__path__under=union.path)


def register(union: Org, number: str, name: str = "李四") -> Member:
    data = rows.clean_row({"name": name, "id_number": number}, groups={}, today=timezone.localdate()).data
    return services.member_create(actor=None, union=union, data=data)


# --- template -------------------------------------------------------------------------------------


def test_template_has_every_header_the_dropdowns_and_text_id_column(tree):
    wb = load_workbook(io.BytesIO(template(tree.school1)))
    assert wb.sheetnames[:2] == ["会员信息", "填写说明"]
    ws = wb["会员信息"]
    headers = [cell.value for cell in ws[1]]
    assert headers == [f"{c.header}*" if c.required else c.header for c in rows.COLUMNS]
    assert "姓名*" in headers and "身份证号*" in headers
    index, missing = rows.header_map(headers)
    assert missing == [] and len(index) == len(rows.COLUMNS)

    example = {c.key: cell.value for c, cell in zip(rows.COLUMNS, ws[2], strict=True)}
    assert idcard.is_valid(example["id_number"])
    assert rows.clean_row(example, groups={}, today=timezone.localdate()).errors == []

    letter = {c.header: cell.column_letter for c, cell in zip(rows.COLUMNS, ws[1], strict=True)}
    validated = {str(dv.sqref).split(":")[0][:-1] for dv in ws.data_validations.dataValidation}
    dropdowns = ["性别", "民族", "政治面貌", "学历", "用工类别", "困难职工", "劳模", "会籍状态", "单亲"]
    dropdowns.append("是否农民工会员")
    for header in dropdowns:
        assert letter[header] in validated, header
    for header in ["身份证号", "手机号"]:
        assert ws.column_dimensions[letter[header]].number_format == "@"
        assert ws[f"{letter[header]}3"].number_format == "@"

    ethnic = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith(letter["民族"]))
    sheet_name, cells = ethnic.formula1.split("!")
    options = [c.value for row in wb[sheet_name.strip("'")][cells.replace("$", "")] for c in row]
    assert "汉族" in options and "基诺族" in options and len(options) == 58

    help_text = [[cell.value for cell in row] for row in wb["填写说明"].iter_rows()]
    headers_only = {c.header for c in rows.COLUMNS}
    listed = {row[0]: row[1] for row in help_text if row and row[0] in headers_only}
    assert listed["姓名"] == "必填" and listed["身份证号"] == "必填" and listed["手机号"] == "选填"
    assert set(listed) == {c.header for c in rows.COLUMNS}


def test_the_untouched_template_imports_nothing(tree, chair, upload, apply):
    job = upload(chair, tree.school1, template(tree.school1, chair))
    assert job.state == ImportJob.State.FAILED
    assert "没有数据行" in job.message
    with pytest.raises(DomainError):
        jobs.import_apply(actor=chair, job=job)
    assert not members_of(tree.school1).exists()


# --- reading --------------------------------------------------------------------------------------


def test_rows_keep_their_excel_row_numbers_past_a_title_and_blank_lines(tmp_path):
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["会员信息采集表"])
    ws.append(["序号", "姓名", "证件号码", "入会日期"])
    ws.append([1, "张三", ident(11), dt.date(2010, 9, 1)])
    ws.append([])
    ws.append([None, None, None, None])
    ws.append([2, "李四", ident(12), "2011/09/01"])
    path = tmp_path / "form.xlsx"
    wb.save(path)
    headers, data = importer.read_rows(path)
    assert headers == ["序号", "姓名", "证件号码", "入会日期"]
    got = list(data)
    assert [number for number, _cells in got] == [3, 6]
    assert got[0][1][1:3] == ["张三", ident(11)]
    assert rows.parse_date(got[0][1][3]) == dt.date(2010, 9, 1)


# --- upload -----------------------------------------------------------------------------------------


def test_only_xlsx_files_are_accepted(tree, chair):
    with pytest.raises(DomainError, match=r"\.xlsx"):
        start(chair, tree.school1, SimpleUploadedFile("会员.xls", b"\xd0\xcf"))
    with pytest.raises(DomainError, match=r"不是有效的 \.xlsx"):
        start(chair, tree.school1, SimpleUploadedFile("会员.xlsx", b"a,b\n"))
    assert not ImportJob.objects.exists()


def test_someone_outside_the_union_cannot_import_into_it(tree, other_union_chair):
    with pytest.raises(DomainError):
        start(other_union_chair, tree.school1, SimpleUploadedFile("a.xlsx", xlsx([good(11)])))


def test_upload_is_saved_under_media_imports_and_validated_in_the_background(tree, chair, upload, settings):
    job = upload(chair, tree.school1, xlsx([good(11), good(13, "赵六")]))
    assert (settings.MEDIA_ROOT / "imports" / f"{job.key}.xlsx").exists()
    assert job.state == ImportJob.State.PREVIEW
    assert (job.total_rows, job.processed_rows, job.error_rows) == (2, 2, 0)
    assert job.kind == "members" and job.created_count == 0
    assert "可新增2人，更新0人" in job.message
    assert not members_of(tree.school1).exists()  # nothing applied before confirmation


def test_missing_required_columns_fail_the_job_naming_them(tree, chair, upload):
    job = upload(chair, tree.school1, xlsx([{"name": "张三"}], headers=["姓名", "手机号"]))
    assert job.state == ImportJob.State.FAILED
    assert "身份证号" in job.message and "缺少必填列" in job.message


# --- validation -------------------------------------------------------------------------------------


def test_a_file_full_of_bad_rows_reports_every_error_and_applies_nothing(tree, chair, upload):
    elsewhere = ident(21)
    register(tree.school2, elsewhere, name="外校会员")
    future = timezone.localdate() + dt.timedelta(days=10)
    bad_checksum = ident(31)[:17] + ("0" if ident(31)[17] != "0" else "1")
    # Rows 2-9: bad checksum; join date in the future; unknown group; bad phone; duplicate of row 5
    # with an unknown ethnicity; registered in another union; sex not matching the number; an ID
    # typed as a number (its last digits lost); row 10 the same, pasted as Excel displays it.
    records = [
        {"name": "甲", "id_number": bad_checksum},
        {"name": "乙", "id_number": ident(33), "join_date": future.strftime("%Y/%m/%d")},
        {"name": "丙", "id_number": ident(35), "group": "不存在的小组"},
        {"name": "丁", "id_number": ident(37), "mobile": "12345"},
        {"name": "戊", "id_number": ident(37), "ethnicity": "火星族"},
        {"name": "己", "id_number": elsewhere, "sex": "男"},
        {"name": "庚", "id_number": ident(39), "sex": "女"},
        {"name": "辛", "id_number": int(ident(41))},
        {"name": "壬", "id_number": "4.30121E+17"},
    ]
    job = upload(chair, tree.school1, xlsx(records))
    assert job.state == ImportJob.State.PREVIEW
    assert job.total_rows == 9 and job.error_rows == 9
    found = {(e["row"], e["column"]) for e in job.errors}
    expected = {
        (2, "身份证号"), (3, "入会日期"), (4, "工会小组"), (5, "手机号"), (6, "身份证号"), (6, "民族"),
        (7, "身份证号"), (8, "性别"), (9, "身份证号"), (10, "身份证号"),
    }  # fmt: skip
    assert expected <= found
    messages = {(e["row"], e["column"]): e["message"] for e in job.errors}
    assert "校验位" in messages[(2, "身份证号")]
    assert "晚于今天" in messages[(3, "入会日期")]
    assert "不存在的小组" in messages[(4, "工会小组")]
    assert "手机号" in messages[(5, "手机号")]
    assert messages[(6, "身份证号")] == "与第5行的身份证号重复。"
    assert "火星族" in messages[(6, "民族")]
    assert "其他工会" in messages[(7, "身份证号")] and "第二小学" not in messages[(7, "身份证号")]
    assert "不符" in messages[(8, "性别")]
    assert "文本" in messages[(9, "身份证号")] and "文本" in messages[(10, "身份证号")]
    for error in job.errors:
        assert re.search(r"[\u4e00-\u9fff]", error["message"]), error
    stored = json.dumps(job.errors, ensure_ascii=False) + job.message
    assert not FULL_ID.search(stored) and not FULL_MOBILE.search(stored)

    with pytest.raises(DomainError, match="修正后重新上传"):
        jobs.import_apply(actor=chair, job=job)
    assert not members_of(tree.school1).exists()
    assert not MembershipChange.objects.filter(org=tree.school1).exists()


def test_a_duplicate_names_the_other_union_only_to_someone_who_may_see_it(tree, chair, upload):
    register(tree.school2, ident(21), name="外校会员")
    from tests.factories import RoleAssignmentFactory

    RoleAssignmentFactory(user=chair, org=tree.school2, role="committee")
    job = upload(chair, tree.school1, xlsx([good(21)]))
    assert "第二小学工会" in job.errors[0]["message"] and "外校会员" in job.errors[0]["message"]


def test_the_provincial_form_is_accepted_and_errors_use_its_column_names(tree, chair, upload, apply):
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["工会会员信息采集表"])
    ws.append(
        ["序号", "姓名", "性别", "出生日期", "民族", "证件号码", "移动电话", "会籍变化日期", "是否农民工会员"]
    )
    ws.append([1, "张三", "男", "1985/03/07", "汉族", ident(11), "13800001111", "2015/09/01", "是"])
    ws.append([2, "李四", "女", "1985/03/07", "汉族", ident(13), "138", "2015/09/01", "否"])
    buffer = io.BytesIO()
    wb.save(buffer)
    job = upload(chair, tree.school1, buffer.getvalue())
    assert job.state == ImportJob.State.PREVIEW
    assert {(e["row"], e["column"]) for e in job.errors} == {(4, "性别"), (4, "移动电话")}
    with pytest.raises(DomainError, match="一行有错则全部不导入"):
        jobs.import_apply(actor=chair, job=job)
    assert not members_of(tree.school1).exists()  # the good row 3 waits for the fixed file

    ws["C4"], ws["G4"] = "男", "13800002222"
    buffer = io.BytesIO()
    wb.save(buffer)
    job = apply(chair, upload(chair, tree.school1, buffer.getvalue()))
    assert job.state == ImportJob.State.DONE, job.message
    zhang = Member.objects.get(name="张三")
    assert (zhang.join_date, zhang.employment, zhang.mobile) == (
        dt.date(2015, 9, 1),
        Employment.MIGRANT,
        "13800001111",
    )


# --- apply ------------------------------------------------------------------------------------------


def test_a_good_file_is_applied_with_join_history_and_one_audit_event(tree, chair, upload, apply):
    records = [
        good(11, "张三", group="语文组工会小组", join_date="2012/09/01", political="中共党员"),
        good(12, "单丽", employment="劳务派遣", hardship_level="特困", single_parent="是"),
        good(13, "曾国", migrant="是"),
    ]
    job = apply(chair, upload(chair, tree.school1, xlsx(records)))
    assert job.state == ImportJob.State.DONE, job.message
    assert (job.created_count, job.processed_rows) == (3, 3) and "新增3人，更新0人" in job.message
    assert job.finished_at is not None
    members = {m.name: m for m in members_of(tree.school1)}
    assert set(members) == {"张三", "单丽", "曾国"}
    zhang = members["张三"]
    assert zhang.org == tree.school1_group_a
    assert zhang.join_date == dt.date(2012, 9, 1) and zhang.status_date == dt.date(2012, 9, 1)
    assert zhang.political == "01" and zhang.sex == "1" and zhang.birth_date == dt.date(1985, 3, 7)
    assert decrypt(zhang.id_encrypted) == ident(11) and zhang.id_hash == lookup_hash(ident(11))
    assert zhang.id_masked == f"{ident(11)[:4]}**********{ident(11)[-4:]}"
    shan = members["单丽"]
    assert shan.name_pinyin == "shan li" and shan.sex == "2" and shan.org == tree.school1
    assert (shan.employment, shan.hardship_level, shan.single_parent) == (Employment.AGENCY, "severe", True)
    assert shan.join_date == timezone.localdate()  # no join date given: today
    assert abs((timezone.now() - shan.created_at).total_seconds()) < 60
    assert members["曾国"].employment == Employment.MIGRANT and members["曾国"].name_initials == "zg"

    changes = MembershipChange.objects.filter(member__in=members.values())
    assert changes.count() == 3
    assert {(c.change_type, c.org_id, c.status_after, c.actor_id) for c in changes} == {
        (ChangeType.JOIN, tree.school1.pk, MemberStatus.ACTIVE, chair.pk)
    }
    event = AuditEvent.objects.get(action="member.import")
    assert event.actor == chair and event.org == tree.school1
    assert event.after["created"] == 3 and event.after["updated"] == 0
    text = json.dumps(event.after, ensure_ascii=False) + event.detail + event.object_repr
    assert "张三" not in text and not FULL_ID.search(text)
    from gonghui.core.audit_text import describe

    (described,) = describe([event])
    shown = f"{described.what} {described.object} " + " ".join(str(c) for c in described.changes)
    assert "导入会员名册" in shown and "文件" in shown and "导入行数" in shown
    assert "members" not in shown and "file" not in shown and "rows" not in shown


def test_reimporting_the_same_file_updates_and_never_duplicates(tree, chair, upload, apply):
    content = xlsx([good(11, "张三"), good(12, "李娜")])
    apply(chair, upload(chair, tree.school1, content))
    again = upload(chair, tree.school1, content)
    assert again.error_rows == 0 and "可新增0人，更新0人，无变化2人" in again.message
    again = apply(chair, again)
    assert again.state == ImportJob.State.DONE
    assert members_of(tree.school1).count() == 2
    assert MembershipChange.objects.count() == 2

    changed = xlsx(
        [good(11, "张三丰", position="校长"), good(12, "李娜", group="数学组工会小组"), good(14, "新人")]
    )
    third = apply(chair, upload(chair, tree.school1, changed))
    assert "新增1人，更新2人" in third.message and third.created_count == 3
    assert members_of(tree.school1).count() == 3
    zhang = Member.objects.get(id_hash=lookup_hash(ident(11)))
    assert (zhang.name, zhang.name_pinyin, zhang.position) == ("张三丰", "zhang san feng", "校长")
    assert zhang.updated_at > zhang.created_at
    assert Member.objects.get(id_hash=lookup_hash(ident(12))).org == tree.school1_group_b


def test_an_update_leaves_columns_the_file_does_not_have_alone(tree, chair, upload, apply):
    apply(chair, upload(chair, tree.school1, xlsx([good(11, "张三", political="中共党员", position="教师")])))
    slim = xlsx(
        [{"name": "张三", "id_number": ident(11), "mobile": "13900001111"}],
        headers=["姓名", "身份证号", "手机号"],
    )
    job = apply(chair, upload(chair, tree.school1, slim))
    assert "新增0人，更新1人" in job.message
    zhang = Member.objects.get(id_hash=lookup_hash(ident(11)))
    assert (zhang.mobile, zhang.political, zhang.position) == ("13900001111", "01", "教师")


def test_a_file_with_one_bad_row_writes_nothing_and_offers_the_error_sheet(tree, chair, upload, client_for):
    from django.urls import reverse

    content = xlsx([good(11, "张三"), {"name": "坏行", "id_number": "123"}, good(13, "王五")])
    job = upload(chair, tree.school1, content)
    assert (job.total_rows, job.error_rows) == (3, 1)
    with pytest.raises(DomainError, match="一行有错则全部不导入"):
        jobs.import_apply(actor=chair, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEW
    assert not members_of(tree.school1).exists()
    assert not AuditEvent.objects.filter(action="member.import").exists()

    page = client_for(chair).get(reverse("core:import_status", kwargs={"key": job.key})).content.decode()
    assert 'id="confirm-import"' not in page and "仅导入无误的行" not in page
    assert reverse("core:import_errors", kwargs={"key": job.key}) in page
    response = client_for(chair).post(reverse("core:import_apply", kwargs={"key": job.key}))
    assert response.status_code == 302 and not members_of(tree.school1).exists()


def test_applying_twice_does_nothing_the_second_time(tree, chair, upload, apply):
    job = apply(chair, upload(chair, tree.school1, xlsx([good(11)])))
    assert job.state == ImportJob.State.DONE
    apply(chair, job)
    jobs._apply(job.pk)
    assert members_of(tree.school1).count() == 1
    assert AuditEvent.objects.filter(action="member.import").count() == 1


def test_a_failure_in_the_middle_of_apply_leaves_nothing_behind(tree, chair, upload, apply, monkeypatch):
    monkeypatch.setattr(importer, "WRITE_BATCH", 2)
    original = importer._insert
    batches: list[int] = []

    def failing(model: type[Any], objs: list[Any]) -> None:
        if model is Member:
            batches.append(len(objs))
            if len(batches) == 2:
                raise RuntimeError("disk full")
        original(model, objs)

    monkeypatch.setattr(importer, "_insert", failing)
    apply(chair, upload(chair, tree.school1, xlsx([good(11, "张三")])))  # an existing member to update
    content = xlsx([good(11, "张三丰"), good(12, "乙"), good(13, "丙"), good(14, "丁"), good(15, "戊")])
    batches.clear()
    job = apply(chair, upload(chair, tree.school1, content))
    assert batches == [2, 2]  # the first batch was written, then the second failed
    assert job.state == ImportJob.State.FAILED
    assert "撤销" in job.message and "disk full" not in job.message
    assert list(members_of(tree.school1).values_list("name", flat=True)) == ["张三"]
    assert MembershipChange.objects.count() == 1
    assert AuditEvent.objects.filter(action="member.import", outcome="success").count() == 1
    assert AuditEvent.objects.filter(action="member.import", outcome="failure").count() == 1


def test_the_database_changing_after_the_preview_sends_the_job_back_to_preview(tree, chair, upload, apply):
    job = upload(chair, tree.school1, xlsx([good(11), good(13, "王五")]))
    register(tree.school2, ident(13), name="抢先登记")
    job = apply(chair, job)
    assert job.state == ImportJob.State.PREVIEW
    assert job.error_rows == 1 and "复核" in job.message
    assert not members_of(tree.school1).exists()


# --- error file -------------------------------------------------------------------------------------


def test_the_error_file_gives_every_row_back_with_an_error_column_and_masked_numbers(
    tree, chair, committee_member, upload
):
    bad_id = ident(31)[:17] + ("0" if ident(31)[17] != "0" else "1")
    content = xlsx([good(11), {"name": "坏", "id_number": bad_id, "mobile": "13812345678"}, good(13, "x1")])
    job = upload(chair, tree.school1, content)
    assert job.error_rows == 2

    # A committee member may import but not read ID numbers in full.
    wb = load_workbook(io.BytesIO(jobs.error_file(job=job, user=committee_member)))
    ws = wb.active
    assert ws is not None
    values = [[cell.value for cell in row] for row in ws.iter_rows()]
    assert values[0][-1] == "错误说明"
    assert values[0][:-1] == [c.header for c in rows.COLUMNS]
    assert len(values) == 4  # header + every row: the fixed sheet is uploaded again whole
    assert not values[1][-1]
    assert values[2][-1].startswith("第3行") and "校验位" in values[2][-1]
    assert values[3][-1].startswith("第4行") and "姓名" in values[3][-1]
    everything = " ".join(str(v) for row in values for v in row if v is not None)
    assert not FULL_ID.search(everything) and not FULL_MOBILE.search(everything)
    assert f"{bad_id[:4]}**********{bad_id[-4:]}" in everything

    revealed = load_workbook(io.BytesIO(jobs.error_file(job=job, user=chair))).active
    assert revealed is not None
    assert bad_id in [cell.value for cell in revealed[3]]
    assert AuditEvent.objects.filter(action="import.errors_revealed", actor=chair).count() == 1


def test_import_prune_deletes_old_uploads_but_the_job_record_stays(tmp_path, settings, tree, chair):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    upload = tmp_path / "imports" / "old.xlsx"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"not really a workbook")
    job = ImportJob.objects.create(
        kind=importer.KEY,
        org=tree.school1,
        actor=chair,
        file_name="old.xlsx",
        file_path="imports/old.xlsx",
        created_at=timezone.now() - dt.timedelta(days=8),
    )
    out = io.StringIO()
    call_command("import-prune", days=7, stdout=out)

    assert "Deleted 1 uploaded files" in out.getvalue()
    job.refresh_from_db()
    assert not upload.exists()
    assert job.file_path == ""
    assert not jobs.upload_exists(job)


def test_an_old_member_import_link_leads_to_the_shared_job_page(tree, chair, upload, client_for):
    from django.urls import reverse

    job = upload(chair, tree.school1, xlsx([good(11)]))
    response = client_for(chair).get(reverse("members:import_status", kwargs={"key": job.key}))
    assert response.status_code == 302
    assert response.url == reverse("core:import_status", kwargs={"key": job.key})
    start = client_for(chair).get(reverse("members:import") + f"?union={tree.school1.pk}")
    assert start.url == reverse("core:import_start") + f"?kind=members&union={tree.school1.pk}"
