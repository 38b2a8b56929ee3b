"""axe-core in Chromium on every page each persona reaches, at 1366×768 and 390×844 (issue 12 §5):
no serious or critical violation (colour contrast, names of controls, images, ARIA, ...).

The pages are found as a person finds them: the demo's year of records, each persona signed in,
every link of the menu and of each page followed (tests/e2e/walk.py), one page per URL name. A
page kind another persona already passed is not checked again, except the home page and the
menu's pages, which differ by role. axe-core comes from npm (node_modules/axe-core) and is put
into each page by evaluating its source (walk.inject_axe); nothing is fetched from the network. The walk takes a few
minutes (the demo alone ~45 s), so it runs in the SQLite suite only (marker `sqlite_only`).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from gonghui.core.demo import build_demo
from gonghui.core.enums import Role
from gonghui.core.models import User
from gonghui.reports import services as reports
from gonghui.reports.models import PeriodKind

from .conftest import login
from .walk import DESKTOP_WIDE, VIEWPORTS, Visit, axe_serious, page_name, walk

# The demo's accounts for the personas of DESIGN.md §7: county officer, chair, committee member,
# member, department handler and the chair of a sibling union; and a delegate (代表).
PERSONAS = ["county", "chair", "committee", "member", "dept", "chair2", "delegate"]


@pytest.fixture
def demo_year(settings: Any, tmp_path: Any) -> None:
    """The demo, and the chair's annual summary with next year's work plan (the demo has none),
    so the summary and plan pages are walked too."""
    settings.MEDIA_ROOT = tmp_path  # the demo stores attachments and photos
    build_demo()
    chair = User.objects.get(username="chair")
    union = chair.roles.get(role=Role.CHAIR).org
    year = timezone.localdate().year
    summary = reports.summary_create(
        actor=chair, org=union, period_kind=PeriodKind.CALENDAR, year=year, subtree=False
    )
    reports.workplan_generate(actor=chair, org=union, year=year, summary=summary)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("page", [DESKTOP_WIDE], indirect=True)
def test_no_serious_or_critical_axe_violation_on_any_page_of_any_persona_at_both_sizes(
    page: Page, live_server: Any, demo_year: None
) -> None:
    checked: set[str] = set()
    problems: list[str] = []
    pages = 0
    for username in PERSONAS:
        page.context.clear_cookies()
        login(page, live_server, username)
        menu = page.eval_on_selector_all(
            "nav.navbar [data-nav]", "nodes => nodes.map(n => n.getAttribute('href'))"
        )
        always = {"core:home", *(page_name(href) for href in menu)}

        def check(page: Page, visit: Visit, always: set[str | None] = always) -> None:
            if visit.name in checked and visit.name not in always:
                return
            checked.add(visit.name)
            for label, size in VIEWPORTS.items():
                page.set_viewport_size(size)
                visit.problems += [f"{label} px: {found}" for found in axe_serious(page)]
            page.set_viewport_size(DESKTOP_WIDE)

        for visit in walk(page, live_server.url, check):
            pages += 1
            problems += [f"{username} {visit.url} ({visit.name}) {found}" for found in visit.problems]
    assert pages > 100 and len(checked) > 70, (pages, sorted(checked))
    assert {"reports:summary_detail", "reports:workplan_detail", "members:detail"} <= checked
    assert problems == [], "\n".join(problems)


def test_the_first_tab_stop_is_the_skip_link_and_it_lands_on_the_content(
    page: Page, live_server: Any, chair: User
) -> None:
    login(page, live_server, "chair")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    expect(skip).to_have_text("跳到正文")
    expect(skip).to_be_visible()  # shown when focused
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/#content")
    assert page.evaluate("document.activeElement.id") == "content"
    page.keyboard.press("Tab")  # the next stop is inside the content, not the 18 of the menu
    assert page.evaluate("document.getElementById('content').contains(document.activeElement)")
