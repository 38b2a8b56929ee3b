"""The visit form's member picker in Chromium, on a desktop (1366 px) and a phone (390 px):
the 生活委员 opens 登记慰问 without a due-list, searches a member by name, adds two, removes
one again, and records the visit of the one left (issue 12 §4)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gonghui.care import visiting
from gonghui.care.enums import Occasion
from gonghui.care.models import Visit
from gonghui.core.enums import Portfolio, Role
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import ARTIFACTS, login

pytestmark = pytest.mark.e2e
DESKTOP_1366 = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.mark.parametrize("page", [DESKTOP_1366, PHONE], indirect=True, ids=["1366", "390"])
def test_the_welfare_officer_picks_members_by_search_and_records_the_visit(
    page: Page, live_server: Any, tree: Tree
) -> None:
    welfare = UserFactory(username="welfare", name="生活委员")
    RoleAssignmentFactory(user=welfare, org=tree.school1, role=Role.COMMITTEE, portfolio=Portfolio.WELFARE)
    kept = MemberFactory(union=tree.school1, group=tree.school1_group_a, name="王春花")
    dropped = MemberFactory(union=tree.school1, name="王秋实")
    MemberFactory(union=tree.school2, name="王外校")
    visiting.condolence_standard_set(actor=None, org=tree.school1, occasion=Occasion.HOSPITAL, amount="300")

    login(page, live_server, "welfare")
    page.goto(f"{live_server.url}/care/visits/new/")
    page.get_by_label("慰问事由").select_option(Occasion.HOSPITAL.value)
    search = page.locator("#visit-member-q")
    search.fill("王")
    results = page.locator("#visit-member-list")
    expect(results).to_contain_text("王春花")
    expect(results).not_to_contain_text("王外校")
    page.get_by_role("button", name="添加王春花").click()
    page.get_by_role("button", name="添加王秋实").click()
    chosen = page.locator("#visit-selected-list")
    expect(chosen.locator("input[name=members]")).to_have_count(2)
    chosen.locator(f'[data-member="{dropped.pk}"] input').uncheck()
    width = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"the form overflows: {width}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"visit-picker-{page.viewport_size['width']}.png"), full_page=True)
    page.get_by_role("button", name="保存").click()

    expect(page.locator("h1")).to_be_visible()
    visit = Visit.objects.get()
    assert list(visit.visit_members.values_list("member_id", flat=True)) == [kept.pk]
    assert visit.visited_on == dt.date.today()
