"""The core app's main journeys, in Chromium: sign in, switch organisation, browse and search the
tree, create a union and find it in the audit log; what a member may not reach; Chinese form
errors; the phone navbar."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gonghui.core.enums import Role
from gonghui.core.models import AuditEvent, Org, User

from ..conftest import Tree
from ..factories import RoleAssignmentFactory
from .conftest import PHONE, login, open_menu


def test_county_officer_switches_org_browses_tree_creates_union_and_finds_it_in_audit_log(
    page: Page, live_server: Any, tree: Tree, county_officer: User
) -> None:
    RoleAssignmentFactory(user=county_officer, org=tree.school2, role=Role.CHAIR)
    login(page, live_server, "county_officer")

    # Bootstrap's CSS and both scripts (served from node_modules through STATICFILES_DIRS) are live.
    expect(page.locator("nav.navbar")).to_have_css("background-color", "rgb(220, 53, 69)")
    page.wait_for_function("() => typeof window.htmx === 'object' && typeof window.bootstrap === 'object'")

    # The most senior role is the default; the header switcher moves to the second one and back.
    switcher = page.locator("#org-switcher select")
    heading = page.locator("main h1")
    expect(switcher.locator("option:checked")).to_have_text(re.compile(r"县教育总工会\s·\s上级工会管理员"))
    expect(heading).to_contain_text("县教育总工会")
    switcher.select_option(value=str(tree.school2.pk))
    expect(heading).to_contain_text("第二小学工会")
    expect(heading).to_contain_text("主席")
    expect(switcher.locator("option:checked")).to_have_text(re.compile(r"第二小学工会\s·\s主席"))
    expect(page.locator("main")).to_contain_text("低年级组工会小组")
    switcher.select_option(value=str(tree.county.pk))
    expect(heading).to_contain_text("县教育总工会")
    expect(page.locator("#child-overview")).to_contain_text("第一中学工会")

    # The tree: expanding a node loads its children through HTMX, without leaving the page.
    open_menu(page, "orgs")
    expect(page).to_have_url(re.compile(r"/orgs/$"))
    page.evaluate("window.__samePage = true")
    county_children = page.locator(f"#children-{tree.county.pk}")
    expect(county_children).to_have_count(0)
    page.locator(f'[data-expand="{tree.county.pk}"]').click()
    expect(county_children).to_contain_text("第一中学工会")
    expect(county_children).to_contain_text("第二小学工会")
    page.locator(f'[data-expand="{tree.school1.pk}"]').click()
    school1_children = page.locator(f"#children-{tree.school1.pk}")
    expect(school1_children).to_contain_text("语文组工会小组")
    expect(school1_children).to_contain_text("数学组工会小组")
    assert page.evaluate("window.__samePage") is True

    # Create a child union from the county's detail page.
    page.locator("#tree-body").get_by_role("link", name="县教育总工会", exact=True).click()
    expect(heading).to_have_text("县教育总工会")
    page.get_by_role("link", name="新建下级组织").click()
    expect(heading).to_contain_text("在“县教育总工会”下新建组织")
    expect(page.locator("#id_kind")).to_have_value("grassroots")
    page.locator("#id_name").fill("第三中学工会")
    page.locator("#id_short_name").fill("三中工会")
    page.locator("#id_unit_type").select_option(label="学校")
    page.locator("#id_code").fill("XJ-003")
    page.locator("#id_workforce").fill("86")
    page.get_by_role("button", name="保存").click()

    new_org = Org.objects.get(name="第三中学工会")
    expect(page).to_have_url(re.compile(rf"/orgs/{new_org.pk}/$"))
    expect(page.get_by_role("alert")).to_contain_text("已新建组织“第三中学工会”。")
    expect(heading).to_contain_text("第三中学工会")
    expect(page.locator(".breadcrumb")).to_contain_text("县教育总工会")
    assert new_org.parent_id == tree.county.pk

    # The audit log shows the creation as a Chinese sentence (no event code); filtering by the
    # 组织 area narrows the list to organisation events.
    open_menu(page, "audit")
    expect(page).to_have_url(re.compile(r"/audit/$"))
    rows = page.locator("#audit-table tbody tr")
    created = rows.filter(has_text="新建组织").filter(has_text="第三中学工会")
    expect(created).to_have_count(1)
    expect(created).to_contain_text("县总工会干部")
    expect(page.locator("#audit-table")).not_to_contain_text("org.create")
    logins = rows.filter(has_text="登录")
    expect(logins.first).to_be_visible()
    page.locator("#id_action").select_option(label="组织")
    page.get_by_role("button", name="筛选").click()
    expect(page).to_have_url(re.compile(r"/audit/\?.*action=org\."))
    expect(logins).to_have_count(0)
    expect(created).to_have_count(1)
    assert AuditEvent.objects.filter(action="org.create", object_id=str(new_org.pk)).count() == 1


def test_member_cannot_reach_officer_pages(page: Page, live_server: Any, tree: Tree, member: User) -> None:
    login(page, live_server, "member")
    expect(page.locator("main h1")).to_have_text("我的工会")
    expect(page.locator("#my-roles")).to_contain_text("第一中学工会 · 会员")

    nav = page.locator("#main-nav")
    expect(nav.locator('[data-nav="home"]')).to_be_visible()
    expect(nav.get_by_role("link", name="组织")).to_have_count(0)
    expect(nav.get_by_role("link", name="审计日志")).to_have_count(0)

    for path in ("/audit/", "/orgs/"):
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 403, path
        expect(page.locator("main h1")).to_have_text("您没有权限访问此页面")

    # Their own union's admin page: 404, as if it did not exist.
    response = page.goto(f"{live_server.url}/orgs/{tree.school1.pk}/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("main h1")).to_contain_text("没有找到")
    expect(page.locator("main")).not_to_contain_text("第一中学工会")


def test_wrong_password_and_empty_required_field_show_chinese_errors(
    page: Page, live_server: Any, tree: Tree, chair: User
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=identifier]").fill("chair")
    page.locator("input[name=password]").fill("Wrong@2026")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("[data-form-error]")).to_have_text("用户名/手机号或密码错误。")
    expect(page.locator("nav.navbar")).to_have_count(0)
    # The name typed stays; the password does not.
    expect(page.locator("input[name=identifier]")).to_have_value("chair")
    expect(page.locator("input[name=password]")).to_have_value("")
    # The failure is on record (it counts towards the lockout), not rolled back with the error.
    assert AuditEvent.objects.filter(action="login", outcome="failure", actor_label="chair").count() == 1

    login(page, live_server, "chair")
    page.goto(f"{live_server.url}/orgs/{tree.school1.pk}/new/")
    expect(page.locator("#id_kind")).to_have_value("group")
    page.locator("#id_name").fill("")
    page.get_by_role("button", name="保存").click()
    name_error = page.locator('[data-field-error="name"]')
    expect(name_error).to_have_text("这个字段是必填项。")
    # The error sits with its field, not at the top of the form.
    expect(page.locator("#id_name").locator("xpath=..")).to_contain_text("这个字段是必填项。")
    expect(page.locator("[data-field-error]")).to_have_count(1)
    assert Org.objects.filter(parent=tree.school1).count() == 2


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_phone_navbar_collapses_and_toggler_opens_it(
    page: Page, live_server: Any, tree: Tree, chair: User
) -> None:
    login(page, live_server, "chair")
    toggler = page.locator(".navbar-toggler")
    menu = page.locator("#main-nav")
    orgs_link = menu.locator('[data-nav="orgs"]')
    expect(toggler).to_be_visible()
    expect(menu).to_be_hidden()
    expect(orgs_link).to_be_hidden()
    expect(toggler).to_have_attribute("aria-expanded", "false")

    toggler.click()
    expect(menu).to_be_visible()
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(orgs_link).to_be_hidden()  # inside its group, 组织与会员
    menu.get_by_role("button", name="组织与会员").click()
    expect(orgs_link).to_be_visible()
    expect(menu.locator("#org-switcher select")).to_be_visible()
    orgs_link.click()
    expect(page).to_have_url(re.compile(r"/orgs/$"))
    expect(page.locator("main h1")).to_have_text("组织架构")
    expect(menu).to_be_hidden()


def test_tree_search_shows_matches_with_their_ancestor_trail(
    page: Page, live_server: Any, tree: Tree, county_officer: User
) -> None:
    login(page, live_server, "county_officer")
    page.goto(f"{live_server.url}/orgs/")
    page.evaluate("window.__samePage = true")
    search = page.get_by_role("searchbox", name="搜索组织")
    results = page.locator("#search-results > li")

    search.press_sequentially("工会小组")
    expect(results).to_have_count(3)
    expect(page).to_have_url(re.compile(r"/orgs/\?q="))
    chinese = results.filter(has=page.get_by_role("link", name="语文组工会小组", exact=True))
    expect(chinese.locator(".text-muted")).to_have_text("县教育总工会 › 第一中学工会")
    lower = results.filter(has=page.get_by_role("link", name="低年级组工会小组", exact=True))
    expect(lower.locator(".text-muted")).to_have_text("县教育总工会 › 第二小学工会")

    search.fill("第二")
    expect(results).to_have_count(1)
    expect(results.first.get_by_role("link")).to_have_text("第二小学工会")
    expect(results.first.locator(".text-muted")).to_have_text("县教育总工会")

    search.fill("不存在的工会")
    expect(results).to_have_text(["没有找到符合条件的组织。"])
    assert page.evaluate("window.__samePage") is True

    search.fill("")
    expect(page.locator(f'[data-expand="{tree.county.pk}"]')).to_be_visible()
