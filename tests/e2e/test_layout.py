"""Nothing sticks out sideways (issue 12 §4): each persona's main pages, the home page and every
entry of their menu, at a laptop's 1366 px and a phone's 390 px, keep the document within the
window (scrollWidth <= clientWidth) and the header on the screen: one row of menu at 1366 px,
the collapsed menu at 390 px, closed and with each group open."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from gonghui.core.models import User

from .conftest import login
from .walk import DESKTOP_WIDE, PHONE_TALL, overflow

PERSONAS = [
    "county_officer",
    "chair",
    "committee_member",
    "member",
    "other_union_chair",
    "department_handler",
]
# The red bar at 1366 px: brand, menu and user controls on one line (wrapped, it is ~86 px).
ONE_ROW_PX = 64


def main_pages(page: Page) -> list[str]:
    """The home page and every menu entry's address, as the header lists them."""
    hrefs = page.eval_on_selector_all(
        "nav.navbar [data-nav]", "nodes => nodes.map(n => n.getAttribute('href'))"
    )
    return ["/", *dict.fromkeys(hrefs)]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("page", [DESKTOP_WIDE], indirect=True)
def test_main_pages_fit_1366_and_390_px_with_the_header_on_screen(
    page: Page, live_server: Any, persona: str, request: pytest.FixtureRequest
) -> None:
    user: User = request.getfixturevalue(persona)
    login(page, live_server, user.username)
    problems = []
    for path in main_pages(page):
        page.goto(f"{live_server.url}{path}")
        page.set_viewport_size(DESKTOP_WIDE)
        expect(page.locator("nav.navbar .navbar-toggler")).to_be_hidden()
        problems += [f"1366 {path}: {p}" for p in overflow(page)]
        height = page.locator("nav.navbar").bounding_box()["height"]
        if height > ONE_ROW_PX:
            problems.append(f"1366 {path}: the header wraps to {height:.0f} px")
        page.set_viewport_size(PHONE_TALL)
        problems += [f"390 {path}: {p}" for p in overflow(page)]

    # The phone menu, open, with each of its groups open in turn.
    page.locator("nav.navbar .navbar-toggler").click()
    expect(page.locator("#main-nav")).to_be_visible()
    for group in page.locator("nav.navbar .dropdown-toggle[data-nav-group]").all():
        group.click()
        expect(group).to_have_attribute("aria-expanded", "true")
        problems += [f"390 menu {group.inner_text().strip()} open: {p}" for p in overflow(page)]
    assert problems == []
