"""Walk a signed-in user's pages in Chromium, as a person would: from the home page, follow every
link of the menu and of each page, one page per URL name (the first link found to it), and check
each page at both viewports.

Used by test_accessibility.py (axe-core on every page) and test_layout.py (nothing overflows).
Files (DOCX/PDF/XLSX, photos, attachments) and actions that are not pages are not opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP_WIDE = {"width": 1366, "height": 768}
PHONE_TALL = {"width": 390, "height": 844}
VIEWPORTS = {"1366": DESKTOP_WIDE, "390": PHONE_TALL}

# URL names whose GET is not a page to look at: files, the bell fragment, leaving the session.
SKIP_NAMES = {
    "core:logout",
    "core:org_switch",
    "core:notification_bell",
    "core:notification_read_all",
    "core:org_children",
}
SKIP_WORDS = ("export", "template", "errors", "docx", "pdf", "attachment", "document", "photo")
FILE_SUFFIXES = (".docx", ".pdf", ".xlsx", ".xls", ".csv", ".zip", ".png", ".jpg")


@dataclass
class Visit:
    """One page of the walk: its URL name, its address and what each check found there."""

    name: str
    url: str
    problems: list[str] = field(default_factory=list)


def page_name(path: str) -> str | None:
    """The URL name a same-site path resolves to, or None for what is not a page to walk."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    name = match.view_name
    if (
        path.lower().endswith(FILE_SUFFIXES)
        or not name
        or name in SKIP_NAMES
        or any(word in name for word in SKIP_WORDS)
    ):
        return None
    return name


def links(page: Page, origin: str) -> list[str]:
    """Same-site links on the page (menu first: it comes first in the document)."""
    hrefs: list[str] = page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)")
    found = []
    for href in hrefs:
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" != origin or not parts.path:
            continue
        found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return found


def walk(
    page: Page, base_url: str, check: Callable[[Page, Visit], None], *, limit: int = 80
) -> Iterator[Visit]:
    """Breadth-first over the pages reachable from the home page; `check(page, visit)` runs on
    each page after it has loaded and adds what it finds to `visit.problems`."""
    origin = base_url.rstrip("/")
    queue = ["/"]
    seen: set[str] = set()
    while queue and len(seen) < limit:
        path = queue.pop(0)
        name = page_name(path.split("?")[0])
        if name is None or name in seen:
            continue
        seen.add(name)
        visit = Visit(name=name, url=path)
        try:
            response = page.goto(origin + path)
        except PlaywrightError as error:  # a file offered for download is not a page
            if "Download is starting" in str(error):
                continue
            raise
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        check(page, visit)  # an error page is a page its user sees too
        if response.ok:  # its links are the shell's, already queued
            queue.extend(link for link in links(page, origin) if link not in queue)
        yield visit


def inject_axe(page: Page) -> None:
    """Put axe-core into the page. Not with add_script_tag: that is an inline <script>, which the
    site's Content-Security-Policy refuses; a function Playwright evaluates is not subject to it."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate("() => {\n" + AXE_SCRIPT.read_text(encoding="utf-8") + "\n}")


def axe_serious(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.x A/AA and
    best practices), one line each with the first offending elements."""
    inject_axe(page)
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {resultTypes: ['violations']});
            return r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => `${v.impact} ${v.id}: ` + v.nodes.slice(0, 8).map(
                    n => n.target.join(' ') + (n.any[0] ? ` (${n.any[0].message})` : '')).join('; '));
        }"""
    )
    return list(result)


def overflow(page: Page) -> list[str]:
    """What sticks out sideways: the document wider than the window, or a header element past
    its right edge."""
    found = page.evaluate(
        """() => {
            const out = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > doc.clientWidth) out.push(`page ${doc.scrollWidth} > ${doc.clientWidth} px`);
            const header = document.querySelector('nav.navbar');
            if (header) {
                const width = doc.clientWidth;
                for (const node of header.querySelectorAll('a, button, select, .navbar-brand')) {
                    const box = node.getBoundingClientRect();
                    if (box.width && box.right > width + 0.5) out.push(`header: ${node.id || node.textContent.trim().slice(0, 30) || node.tagName} ends at ${Math.round(box.right)} px`);
                }
                if (header.scrollWidth > header.clientWidth) out.push(`header ${header.scrollWidth} > ${header.clientWidth} px`);
            }
            return out;
        }"""
    )
    return list(found)
