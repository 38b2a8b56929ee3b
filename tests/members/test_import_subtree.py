"""Member import into a superior union's subtree (a 工会 column), on the core import framework;
the error sheet gives every cell back exactly as uploaded."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from gonghui.core.enums import Role
from gonghui.core.errors import DomainError
from gonghui.core.imports import jobs
from gonghui.core.imports.models import ImportJob
from gonghui.members import importer
from gonghui.members.enums import ChangeType
from gonghui.members.models import Member, MembershipChange
from tests.core.imports_support import xlsx
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.test_import import ident


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def county_chair(tree):
    user = UserFactory(username="county_chair")
    RoleAssignmentFactory(user=user, org=tree.county, role=Role.CHAIR)
    return user


def run(capture, actor, union, content):
    with capture(execute=True):
        job = jobs.import_start(
            actor=actor, kind=importer.MEMBERS, org=union, upload=SimpleUploadedFile("会员.xlsx", content)
        )
    job.refresh_from_db()
    return job


def test_a_county_imports_members_into_its_unions_named_in_the_union_column(
    tree, county_chair, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    tree.school2.code = "JY002"
    tree.school2.save()
    content = xlsx(["工会", "姓名*", "身份证号*", "工会小组"], [
        ["第一中学工会", "甲一", ident(11), "语文组工会小组"],
        ["JY002", "乙二", ident(13), None],
    ], text_columns=(2,))  # fmt: skip
    job = run(capture, county_chair, tree.county, content)
    assert job.state == ImportJob.State.PREVIEW and job.errors == [], job.errors
    with capture(execute=True):
        jobs.import_apply(actor=county_chair, job=job)
    job.refresh_from_db()
    assert job.state == ImportJob.State.DONE, job.message
    first, second = Member.objects.get(name="甲一"), Member.objects.get(name="乙二")
    assert first.org == tree.school1_group_a and second.org == tree.school2
    joins = dict(
        MembershipChange.objects.filter(change_type=ChangeType.JOIN).values_list("member__name", "org")
    )
    assert joins == {"甲一": tree.school1.pk, "乙二": tree.school2.pk}


def test_a_union_outside_the_importers_scope_is_refused_like_one_that_does_not_exist(
    tree, other_union_chair, django_capture_on_commit_callbacks
):
    content = xlsx(["工会", "姓名*", "身份证号*"], [
        ["第一中学工会", "甲一", ident(11)],
        ["没有这个工会", "乙二", ident(13)],
        [None, "丙三", ident(15)],
    ], text_columns=(2,))  # fmt: skip
    job = run(django_capture_on_commit_callbacks, other_union_chair, tree.school2, content)
    assert job.error_rows == 2
    foreign, missing = job.errors
    assert (foreign["row"], foreign["letter"], foreign["column"]) == (2, "A", "工会")
    assert foreign["message"].replace("第一中学工会", "X") == missing["message"].replace("没有这个工会", "X")
    with pytest.raises(DomainError, match="一行有错则全部不导入"):
        jobs.import_apply(actor=other_union_chair, job=job)
    assert not Member.objects.exists()


def test_the_template_of_a_superior_union_has_a_union_column_with_its_unions_as_a_dropdown(
    tree, county_chair
):
    content = jobs.template_for(kind=importer.MEMBERS, org=tree.county, actor=county_chair)
    wb = load_workbook(io.BytesIO(content))
    ws = wb["会员信息"]
    assert ws["A1"].value == "工会"
    dv = next(dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("A2"))
    sheet_name, cells = dv.formula1.split("!")
    options = [c.value for row in wb[sheet_name.strip("'")][cells.replace("$", "")] for c in row]
    assert options == ["第一中学工会", "第二小学工会"]


def test_the_error_sheet_gives_back_a_float_mangled_id_exactly_as_uploaded(
    tree, chair, django_capture_on_commit_callbacks
):
    number_cell = int(ident(11)[:17] + "1")  # typed into a number-formatted cell: Excel keeps a float
    content = xlsx(["姓名*", "身份证号*", "手机号"], [["甲一", number_cell, "13800001111"]])
    job = run(django_capture_on_commit_callbacks, chair, tree.school1, content)
    assert job.error_rows == 1 and "文本" in job.errors[0]["message"]
    assert (job.errors[0]["row"], job.errors[0]["letter"], job.errors[0]["column"]) == (2, "B", "身份证号")
    uploaded = load_workbook(io.BytesIO(content)).active["B2"].value
    sheet = load_workbook(io.BytesIO(jobs.error_file(job=job, user=chair))).active
    given_back = sheet["B2"].value
    assert isinstance(given_back, int | float) and given_back == uploaded  # the same number, not another ID
    assert sheet["C2"].value == "13800001111"  # text stays the same text
    assert sheet["D2"].value.startswith("第2行 B列 身份证号：")


def test_a_county_chair_starts_the_import_at_the_county_and_its_template_has_the_union_column(
    tree, county_chair, chair, client_for
):
    from django.urls import reverse

    client = client_for(county_chair)
    old = client.get(reverse("members:import"))  # the former address leads to the shared page
    assert old.status_code == 302
    page = client.get(old.url).content.decode()
    assert f'value="{tree.county.pk}"' in page and "工会" in page
    response = client.get(client.get(reverse("members:import_template") + f"?union={tree.county.pk}").url)
    ws = load_workbook(io.BytesIO(response.content))["会员信息"]
    assert ws["A1"].value == "工会" and ws["B1"].value == "姓名*"
    school = client_for(chair).get(reverse("core:import_template") + f"?kind=members&union={tree.school1.pk}")
    assert load_workbook(io.BytesIO(school.content))["会员信息"]["A1"].value == "姓名*"  # a school's has none
