"""The enforced Content-Security-Policy breaks nothing (issue 13, "Behind a proxy"), in Chromium.

With settings.GONGHUI_CSP_REPORT_ONLY off, each persona of the demo walks every page it reaches
(tests/e2e/walk.py: from the home page, every link of the menu and of each page, one page per URL
name), scrolled to the bottom so the dashboard draws every chart (ECharts is fetched when a chart
comes near the screen). Chromium writes a console error for anything the policy refuses
("Refused to execute inline script because it violates the following Content Security Policy
directive …", an inline style, a handler, an eval): none may appear, and no script may throw.
The main pages of the issue must be among those walked: home, member list, congress session,
poll, hardship file, annual summary, dashboard.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import ConsoleMessage, Page

from gonghui.core.demo import build_demo
from gonghui.core.enums import Role
from gonghui.core.models import RoleAssignment, User
from gonghui.core.security import STRICT_POLICY
from gonghui.reports import services as reports
from gonghui.reports.models import PeriodKind

from .conftest import login
from .walk import Visit, walk

# Personas whose pages differ (a sibling chair or another committee member sees what the chair sees).
PERSONAS = ["county", "chair", "welfare", "member", "dept", "delegate"]
MAIN_PAGES = {
    "core:home",
    "members:list",
    "congress:session_detail",
    "voting:poll_detail",
    "care:file_detail",
    "reports:summary_detail",
    "reports:dashboard",
}


@pytest.fixture
def demo_year(settings: Any, tmp_path: Any) -> None:
    """The demo under the enforced policy, and the chair's annual summary (the demo has none)."""
    settings.MEDIA_ROOT = tmp_path
    settings.GONGHUI_CSP = STRICT_POLICY
    settings.GONGHUI_CSP_REPORT_ONLY = False
    build_demo()
    chair = User.objects.get(username="chair")
    union = chair.roles.get(role=Role.CHAIR).org
    year = timezone.localdate().year
    reports.summary_create(actor=chair, org=union, period_kind=PeriodKind.CALENDAR, year=year, subtree=False)


def is_policy_error(message: ConsoleMessage) -> bool:
    return "Content Security Policy" in message.text or "Content-Security-Policy" in message.text


@pytest.mark.sqlite_only
def test_no_page_of_any_persona_breaks_the_enforced_policy(
    page: Page, live_server: Any, demo_year: None
) -> None:
    refused: list[str] = []
    current = {"url": ""}
    page.on(
        "console", lambda m: refused.append(f"{current['url']}: {m.text}") if is_policy_error(m) else None
    )
    walked: set[str] = set()
    pages = 0

    def settle(page: Page, visit: Visit) -> None:
        current["url"] = visit.url
        assert page.evaluate(
            "() => document.querySelector('meta[name=htmx-config]') !== null || !window.htmx"
        )
        page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
        if page.locator(".dashboard-chart").count():
            page.locator(".dashboard-chart canvas").first.wait_for(state="attached")
        page.wait_for_timeout(100)
        walked.add(visit.name)

    for username in PERSONAS:
        page.context.clear_cookies()
        login(page, live_server, username)
        for _visit in walk(page, live_server.url, settle):
            pages += 1

    assert pages > 100, pages
    assert walked >= MAIN_PAGES, sorted(MAIN_PAGES - walked)
    assert refused == [], "\n".join(refused)


def test_the_behaviour_script_works_under_the_enforced_policy(
    page: Page, live_server: Any, settings: Any, tree: Any, chair: User, committee_member: User
) -> None:
    """data-confirm asks before a revoke: "cancel" stops it, "OK" lets it through."""
    settings.GONGHUI_CSP = STRICT_POLICY
    settings.GONGHUI_CSP_REPORT_ONLY = False
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if is_policy_error(m) else None)
    login(page, live_server, chair.username)
    page.goto(f"{live_server.url}/orgs/{tree.school1.pk}/roles/")
    roles = RoleAssignment.objects.filter(org=tree.school1)
    before = roles.count()
    asked: list[str] = []
    answer = {"ok": False}

    def reply(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept() if answer["ok"] else dialog.dismiss()

    page.on("dialog", reply)
    revoke = page.get_by_role("button", name="撤销")
    revoke.last.click()
    page.wait_for_timeout(300)
    assert asked == ["确定撤销该角色？"]
    assert roles.count() == before  # cancelled: nothing revoked, still on the page
    assert page.url.endswith(f"/orgs/{tree.school1.pk}/roles/")

    answer["ok"] = True
    with page.expect_navigation():
        revoke.last.click()
    assert asked == ["确定撤销该角色？", "确定撤销该角色？"]
    assert roles.count() == before - 1
    assert refused == []
