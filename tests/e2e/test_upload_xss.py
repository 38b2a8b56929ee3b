"""Stored XSS through a visit photo (issue 13, hole 1), in Chromium.

The probe uploaded an HTML page as a 慰问 photo; /care/visit-photos/<id>/ served it inline as
text/html and its script ran as the chair who opened it. Now:

* the upload form refuses HTML and SVG (Pillow must read a JPEG, PNG, GIF or WebP picture) and
  says so in Chinese; nothing is stored;
* a file stored before that check (a row written directly, as an old row would be) reaches the
  browser only as a download (attachment, application/octet-stream, nosniff, a sandbox policy):
  opened from the visit page or by its address, its script never runs, and no dialog opens.

Both with the site's Content-Security-Policy enforced and only reported: the file serving alone
must hold.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, expect

from gonghui.care.models import Visit, VisitPhoto
from gonghui.core.models import User
from gonghui.core.security import STRICT_POLICY
from tests.care.visit_factories import make_visit, set_condolence_standards
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import login

NOT_A_PICTURE = "请上传 JPG、PNG、GIF 或 WebP 格式的图片。"
# Each would set window.xss and open a dialog if the browser ran it.
HTML_PAGE = (
    b"<!DOCTYPE html><html><body><h1>photo</h1>"
    b"<script>window.xss=1;alert('xss');document.title='xss'</script>"
    b"<img src=x onerror=\"window.xss=1;alert('xss')\"></body></html>"
)
SVG_IMAGE = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100" onload="window.xss=1;alert(\'xss\')">'
    b'<script>window.xss=1;alert(\'xss\')</script><rect width="100" height="100" fill="red"/></svg>'
)
FILES = {"慰问.html": (HTML_PAGE, "text/html"), "慰问.svg": (SVG_IMAGE, "image/svg+xml")}


@pytest.fixture(params=["enforced", "report-only"])
def policy(request: pytest.FixtureRequest, settings: Any, tmp_path: Any) -> str:
    settings.MEDIA_ROOT = tmp_path
    settings.GONGHUI_CSP = STRICT_POLICY
    settings.GONGHUI_CSP_REPORT_ONLY = request.param == "report-only"
    return str(request.param)


@pytest.fixture
def visit(tree: Tree) -> Visit:
    set_condolence_standards(tree.school1)
    return make_visit(tree.school1, [MemberFactory(union=tree.school1, name="王老师")])


def watch_dialogs(page: Page) -> list[str]:
    opened: list[str] = []

    def dismiss(dialog: Any) -> None:
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    return opened


def xss_ran(page: Page) -> bool:
    return bool(page.evaluate("() => typeof window.xss !== 'undefined' || document.title === 'xss'"))


def test_the_chair_cannot_upload_html_or_svg_as_a_visit_photo(
    page: Page, live_server: Any, policy: str, visit: Visit, chair: User
) -> None:
    dialogs = watch_dialogs(page)
    login(page, live_server, chair.username)
    page.goto(f"{live_server.url}/care/visits/{visit.pk}/")

    for name, (content, mime) in FILES.items():
        form = page.locator(f"form[action='/care/visits/{visit.pk}/photos/']")
        form.locator("input[name=photo]").set_input_files({"name": name, "mimeType": mime, "buffer": content})
        form.get_by_role("button", name="上传").click()

        expect(page.get_by_role("alert").filter(has_text=NOT_A_PICTURE)).to_be_visible()
        assert not xss_ran(page), name

    assert VisitPhoto.objects.filter(visit=visit).count() == 0
    assert dialogs == []


@pytest.mark.parametrize("name", list(FILES))
def test_a_stored_html_or_svg_photo_runs_no_script_when_the_chair_opens_it(
    page: Page, live_server: Any, policy: str, visit: Visit, chair: User, name: str
) -> None:
    content, _mime = FILES[name]
    photo = VisitPhoto.objects.create(visit=visit, photo=ContentFile(content, name=name), name=name)
    photo_url = f"{live_server.url}/care/visit-photos/{photo.pk}/"
    dialogs = watch_dialogs(page)
    login(page, live_server, chair.username)

    # The visit page shows it as a (broken) picture: an <img> never runs script.
    page.goto(f"{live_server.url}/care/visits/{visit.pk}/")
    expect(page.get_by_role("img", name=name)).to_be_attached()
    page.wait_for_load_state("load")
    assert not xss_ran(page)

    # Clicking the picture, and typing its address, both end in a download: the page stays.
    with page.expect_download() as clicked:
        page.get_by_role("link", name=name).click()
    assert clicked.value.suggested_filename == name
    # page.goto raises when the navigation turns into a download (net::ERR_ABORTED)
    with page.expect_download() as typed, contextlib.suppress(PlaywrightError):
        page.goto(photo_url)
    assert typed.value.suggested_filename == name
    assert page.url == f"{live_server.url}/care/visits/{visit.pk}/"
    assert not xss_ran(page)

    # Fetched by a script of the site (as a page would), it is an opaque download, not HTML.
    headers = page.evaluate(
        """async (url) => {
            const response = await fetch(url, {credentials: "same-origin"});
            return {type: response.headers.get("content-type"), disposition: response.headers.get("content-disposition"),
                    sniff: response.headers.get("x-content-type-options"), csp: response.headers.get("content-security-policy")};
        }""",
        photo_url,
    )
    assert headers["type"] == "application/octet-stream"
    assert headers["disposition"].startswith("attachment;")
    assert headers["sniff"] == "nosniff"
    assert headers["csp"] == "sandbox; default-src 'none'"

    page.goto(f"{live_server.url}/care/visits/{visit.pk}/")
    page.wait_for_load_state("load")
    assert not xss_ran(page)
    assert dialogs == []
