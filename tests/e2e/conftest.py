"""Playwright journeys in Debian's Chromium against pytest-django's live server.

Every test here is marked `e2e`. A test asks for `page` (a fresh browser context, so a fresh
session) and `live_server`; `login()` signs in through the real form. On failure the page is
saved to test-artifacts/e2e/<test name>.png. Every page also fails its test when a static asset
(CSS, JS, fonts) answers 4xx/5xx, a script throws or the Content-Security-Policy refuses
something (Chromium's console), so a broken STATICFILES_DIRS or an inline script shows up here.

A phone-sized page: `@pytest.mark.parametrize("page", [PHONE], indirect=True)`.
`open_menu(page, key)` clicks a menu entry (core.nav key) as a person would: opening the phone
menu and the entry's group first when they are closed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the test thread then uses the ORM
# (factories) and Django refuses that unless told it is safe here.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

E2E_DIR = Path(__file__).parent
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "Gonghui@2026"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

# Short enough that a broken journey fails fast, long enough for a loaded shared machine.
expect.set_options(timeout=10_000)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "sqlite_only: a long browser walk run in the SQLite suite only (not again on PostgreSQL)"
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e with `e2e` (so `-m "not e2e"` skips the browser); on
    PostgreSQL (scripts/test-pg.sh) leave out the `sqlite_only` walks, which the SQLite suite ran
    on the same pages (they check the browser's view of the pages, not the database)."""
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
    if os.environ.get("DATABASE_URL", "").startswith(("postgres", "pgsql")):
        left_out = [item for item in items if item.get_closest_marker("sqlite_only")]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if not item.get_closest_marker("sqlite_only")]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    """Keep each phase's report on the item, so fixtures can see in teardown whether the test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    browser = playwright_instance.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _artifact_name(nodename: str) -> str:
    return re.sub(r"[^\w.-]+", "_", nodename).strip("_") or "test"


@pytest.fixture
def page(request: pytest.FixtureRequest, browser: Browser, live_server: Any) -> Iterator[Page]:
    """A page in a new context (its own cookies). Optional indirect param: the viewport dict."""
    viewport = getattr(request, "param", None) or DESKTOP
    context = browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    broken_assets: list[str] = []
    script_errors: list[str] = []
    policy_refusals: list[str] = []  # what the Content-Security-Policy refused (core/security.py)

    def on_response(response: Any) -> None:
        if "/static/" in response.url and response.status >= 400:
            broken_assets.append(f"{response.status} {response.url}")

    def on_request_failed(req: Any) -> None:
        # ERR_ABORTED is the browser dropping an in-flight request because the test navigated
        # on (e.g. a web font still loading); a missing or broken file shows up as a 4xx/5xx above.
        if "/static/" in req.url and "ERR_ABORTED" not in str(req.failure):
            broken_assets.append(f"failed {req.url}: {req.failure}")

    page.on("response", on_response)
    page.on("requestfailed", on_request_failed)
    page.on("pageerror", lambda error: script_errors.append(str(error)))
    page.on(
        "console",
        lambda message: (
            policy_refusals.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    try:
        yield page
        call = getattr(request.node, "rep_call", None)
        if call is not None and call.failed:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"{_artifact_name(request.node.name)}.png"), full_page=True)
        elif call is not None and call.passed:
            assert not broken_assets, f"static assets did not load: {broken_assets}"
            assert not script_errors, f"uncaught script errors: {script_errors}"
            assert not policy_refusals, f"refused by the Content-Security-Policy: {policy_refusals}"
    finally:
        context.close()


def login(page: Page, live_server: Any, username: str, password: str = PASSWORD) -> None:
    """Sign in through the login form; returns once the signed-in header is shown."""
    response = page.goto(f"{live_server.url}/accounts/login/")
    assert response is not None
    assert response.ok, f"the login page answered {response.status}"
    page.locator("input[name=identifier]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("nav.navbar")).to_be_visible()


def open_menu(page: Page, key: str) -> None:
    """Click the menu entry registered as `key` (its `data-nav`), opening the collapsed phone
    menu and the entry's dropdown group first where needed."""
    # A phone menu still sliding open or shut (Bootstrap's `.collapsing`) ignores a toggle and moves
    # its links under the pointer: wait until it has settled, as a user's eye does.
    collapsing = page.locator("nav.navbar .collapsing")
    expect(collapsing).to_have_count(0)
    link = page.locator(f'nav.navbar [data-nav="{key}"]')
    if not link.is_visible():
        toggler = page.locator("nav.navbar .navbar-toggler")
        if toggler.is_visible() and toggler.get_attribute("aria-expanded") != "true":
            toggler.click()
            expect(collapsing).to_have_count(0)
        group = page.locator(f'nav.navbar li.dropdown:has([data-nav="{key}"]) > .dropdown-toggle')
        if group.count():
            group.click()
    link.click()


def export_download(page: Page, link: Any, target_dir: Path, *, timeout: float = 60_000) -> Path:
    """Click a document link (a locator, or a link's name) as a user does: the page goes to the
    export's status page, which downloads the file once the worker has built it (a PDF takes
    seconds on a loaded machine); save it under its own name, then go back with 返回."""
    locator = page.get_by_role("link", name=link) if isinstance(link, str) else link
    with page.expect_download(timeout=timeout) as info:
        locator.click(timeout=timeout)
    got = info.value
    assert got.failure() is None
    target = target_dir / got.suggested_filename
    got.save_as(target)
    expect(page.locator("#export-state")).to_have_text("已完成")
    page.locator("#export-back").click()
    return target
