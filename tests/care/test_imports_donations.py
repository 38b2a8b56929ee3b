"""Donations of a drive imported on the core framework: every bad row named by its cell, nothing
written; through the pages: preview, then all rows once; the drive fixes the union."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.care import campaigns, queries
from gonghui.care.models import Donation
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent
from tests.care.test_donations import _drive, today
from tests.core.imports_support import error_rows, run_apply, run_upload, xlsx
from tests.members.factories import MemberFactory

HEADERS = ["姓名*", "手机号后四位", "金额(元)*", "捐款日期", "备注"]


@pytest.fixture
def staff(tree):
    """Four members in service and one retiree at 第一中学."""
    people = [
        MemberFactory(union=tree.school1, group=tree.school1_group_a, name=f"会员{i}") for i in range(4)
    ]
    MemberFactory(union=tree.school1, name="退休老师", status="retired")
    return people


def test_every_bad_row_is_named_by_its_cell_and_nothing_is_written(
    tree, staff, welfare, django_capture_on_commit_callbacks
):
    campaign = _drive(tree)
    campaigns.donation_add(actor=None, campaign=campaign, amount="10", donated_on=today(), member=staff[3])
    content = xlsx(HEADERS, [
        ["会员0", None, 100, "2025/03/01", None],
        ["不存在", None, 50, None, None],
        ["会员1", None, "十元", None, None],
        ["会员0", None, 20, None, None],
        ["会员2", None, 10.005, None, None],
        ["会员3", None, 10, None, None],
        ["会员1", None, 10, "2025/02/30", None],
        ["退休老师", None, 10, (today() + dt.timedelta(days=1)).strftime("%Y/%m/%d"), None],
    ])  # fmt: skip
    job = run_upload(django_capture_on_commit_callbacks, welfare, "care-donations", tree.school1, content,
                     options={"campaign": campaign.pk})  # fmt: skip
    errors = {}
    for e in job.errors:
        errors.setdefault(e["row"], []).append(f"{e['letter']} {e['column']}：{e['message']}")
    assert 2 not in errors
    assert "A 姓名：本工会没有名为“不存在”的在会会员。" in errors[3]
    assert errors[4][0].startswith("C 金额(元)")
    assert "A 姓名：与第2行重复。" in errors[5]
    assert "两位小数" in errors[6][0]
    assert "A 姓名：该会员已登记过本次捐款。" in errors[7]
    assert errors[8][0].startswith("D 捐款日期")
    assert any("不能晚于" in m for m in errors[9])  # a retiree is not asked, and no gift from tomorrow
    sheet = error_rows(job)
    assert sheet[5][2] == 10.005 and "第6行 C列 金额(元)" in sheet[5][-1]  # the amount as uploaded
    with pytest.raises(Exception, match="修正后重新上传"):
        run_apply(django_capture_on_commit_callbacks, welfare, job)
    assert Donation.objects.filter(campaign=campaign).count() == 1


def test_through_the_pages_the_drive_leads_to_the_import_which_previews_then_applies_once(
    tree,
    staff,
    welfare,
    client_for,
    django_capture_on_commit_callbacks,
):
    campaign = _drive(tree)
    client = client_for(welfare)
    detail = client.get(reverse("care:donation_detail", args=[campaign.pk])).content.decode()
    assert 'data-import="care-donations"' in detail
    start = client.get(reverse("care:donation_import", args=[campaign.pk]))["Location"]
    assert start.startswith(reverse("core:import_start") + "?kind=care-donations")
    template = client.get(reverse("care:donation_template", args=[campaign.pk]), follow=True)
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    content = xlsx(HEADERS, [["会员0", None, 100, None, None], ["会员1", None, "50.5", None, None]])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            start, {"union": tree.school1.pk, "file": SimpleUploadedFile("捐款.xlsx", content)}
        )
    job = ImportJob.objects.get()
    assert job.options == {"campaign": campaign.pk} and not Donation.objects.exists()
    assert "50.50" in client.get(response["Location"]).content.decode()
    for _ in range(2):  # a retried request
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("core:import_apply", args=[job.key]))
    assert Donation.objects.filter(campaign=campaign).count() == 2
    assert campaigns.collected(campaign) == Decimal("150.50")
    assert queries.participation(campaign)[0] == 2
    assert AuditEvent.objects.filter(action="care.donation_import_job").count() == 1


def test_a_drive_of_another_union_cannot_be_imported_into(tree, staff, other_union_chair, client_for):
    campaign = _drive(tree)
    client = client_for(other_union_chair)
    url = reverse("core:import_start") + "?kind=care-donations"
    assert client.get(f"{url}&campaign={campaign.pk}").status_code == 404
    assert client.get(f"{url}&campaign={campaign.pk}&union={tree.school2.pk}").status_code == 404
    assert client.get(reverse("care:donation_import", args=[campaign.pk])).status_code == 404
    assert not ImportJob.objects.exists()


def test_all_or_nothing_a_failure_while_writing_leaves_no_donation(
    tree, staff, welfare, django_capture_on_commit_callbacks, monkeypatch
):
    campaign = _drive(tree)
    content = xlsx(HEADERS, [["会员0", None, 100, None, None], ["会员1", None, 50, None, None]])
    job = run_upload(django_capture_on_commit_callbacks, welfare, "care-donations", tree.school1, content,
                     options={"campaign": campaign.pk})  # fmt: skip
    original = Donation.objects.bulk_create

    def half_then_fail(objs, **kwargs):
        original(objs[:1], **kwargs)
        raise RuntimeError("lost connection")

    monkeypatch.setattr(Donation.objects, "bulk_create", half_then_fail)
    job = run_apply(django_capture_on_commit_callbacks, welfare, job)
    assert job.state == ImportJob.State.FAILED and "已全部撤销" in job.message
    assert not Donation.objects.exists()
