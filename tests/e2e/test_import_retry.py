"""重试 in Chromium: an import whose worker died under it shows the Chinese message and a 重试
button; the click runs the validation again, the page follows the job to its preview, and the
import is confirmed to the end. A failed page no longer polls."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from playwright.sync_api import Page, expect

from gonghui.care.imports import period_start
from gonghui.care.models import AssistanceApplication
from gonghui.core import tasks
from gonghui.core.enums import Portfolio, Role
from gonghui.core.imports import jobs, kinds
from tests.conftest import DATABASE_TASKS, IMMEDIATE_TASKS
from tests.core.imports_support import xlsx
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import login


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_the_officer_retries_an_interrupted_import_and_finishes_it(
    page: Page, live_server: Any, tree: Tree, settings: Any
) -> None:
    officer = UserFactory(username="county_care_retry")
    RoleAssignmentFactory(
        user=officer, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE
    )
    MemberFactory(union=tree.school1, name="王困难")
    day = (period_start(timezone.localdate()) - dt.timedelta(days=3)).strftime("%Y/%m/%d")
    content = xlsx(["工会", "姓名*", "类别*", "金额(元)*", "发放日期*", "事由*"],
                   [["第一中学工会", "王困难", "困难帮扶", "300", day, "病"]])  # fmt: skip
    kind = kinds.get("care-payouts")
    assert kind is not None
    settings.TASKS = DATABASE_TASKS  # queued, then its worker dies
    job = jobs.import_start(
        actor=officer, kind=kind, org=tree.county, upload=SimpleUploadedFile("帮扶.xlsx", content)
    )
    DBTaskResult.objects.get().claim("killed-worker")
    tasks.beat("killed-worker", now=timezone.now() - dt.timedelta(seconds=tasks.stale_seconds() + 1))
    tasks.recover_interrupted()
    settings.TASKS = IMMEDIATE_TASKS

    login(page, live_server, "county_care_retry")
    page.goto(f"{live_server.url}/imports/job/{job.key}/")
    status = page.locator("#job-status [data-state]")
    expect(status).to_have_attribute("data-state", "failed")
    expect(page.locator("#job-message")).to_have_text("任务因服务器重启而中断，请重试。")
    expect(status).not_to_have_attribute("hx-get", f"/imports/job/{job.key}/")
    page.get_by_role("button", name="重试").click()

    expect(status).to_have_attribute("data-state", "preview")
    expect(page.get_by_role("button", name="重试")).to_have_count(0)
    page.locator("#confirm-import").click()
    expect(status).to_have_attribute("data-state", "done")
    assert AssistanceApplication.objects.count() == 1
