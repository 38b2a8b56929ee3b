"""Content-Security-Policy (issue 13, "Behind a proxy"): every page carries the strict policy,
enforced, and no template or page holds what that policy would refuse: an inline script, an
inline event handler (onclick=…), an htmx hx-on attribute, a `javascript:` URL, a style
attribute or a <style> element. Behaviour lives in core/static/core/gonghui.js (data- attributes),
styles in static CSS files.

The crawl walks the product's own demo (three schools) as each demo persona, like
tests/test_links.py, and checks every HTML page it reaches, as rendered (so HTML written by Python,
such as the member list's rows, is checked too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from gonghui.care.models import VisitPhoto
from gonghui.core import demo
from gonghui.core.models import User
from gonghui.core.security import STRICT_POLICY
from tests.care.visit_factories import make_visit, set_condolence_standards
from tests.linkcrawl import crawl
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

GONGHUI = Path(__file__).resolve().parents[2] / "gonghui"
# Templates WeasyPrint lays out into PDF files: never served to a browser, so no policy applies.
PDF_TEMPLATES = "/pdf/"
DEMO_PERSONAS = ["county", "chair", "committee", "auditor", "women", "welfare", "leader", "delegate", "member",
                 "dept", "chair2"]  # fmt: skip


@pytest.fixture
def enforced(settings: Any) -> Any:
    settings.GONGHUI_CSP = STRICT_POLICY
    settings.GONGHUI_CSP_REPORT_ONLY = False
    return settings


# --- the policy itself ---------------------------------------------------------------------------


def test_the_strict_policy_allows_scripts_and_styles_from_our_own_files_only():
    directives = dict(part.split(" ", 1) for part in STRICT_POLICY.split("; "))

    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data: blob:"
    assert directives["font-src"] == "'self' data:"
    assert directives["connect-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in STRICT_POLICY


def test_the_site_enforces_the_strict_policy_by_default():
    """The settings' defaults (without GONGHUI_CSP / GONGHUI_CSP_REPORT_ONLY in the environment)."""
    assert django_settings.GONGHUI_CSP == STRICT_POLICY
    assert django_settings.GONGHUI_CSP_REPORT_ONLY is False


def test_a_page_carries_the_enforced_policy_and_nosniff(enforced, chair, client_for):
    response = client_for(chair).get(reverse("core:home"))

    assert response.status_code == 200
    assert response["Content-Security-Policy"] == STRICT_POLICY
    assert "Content-Security-Policy-Report-Only" not in response
    assert response["X-Content-Type-Options"] == "nosniff"


def test_the_login_page_and_a_not_found_page_carry_the_policy_too(enforced, client):
    assert client.get(reverse("core:login"))["Content-Security-Policy"] == STRICT_POLICY
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert missing["Content-Security-Policy"] == STRICT_POLICY


def test_while_report_only_the_policy_goes_out_in_the_report_only_header(settings, chair, client_for):
    settings.GONGHUI_CSP = STRICT_POLICY
    settings.GONGHUI_CSP_REPORT_ONLY = True

    response = client_for(chair).get(reverse("core:home"))

    assert response["Content-Security-Policy-Report-Only"] == STRICT_POLICY
    assert "Content-Security-Policy" not in response


def test_a_stored_file_keeps_its_sandbox_under_the_enforced_page_policy(
    enforced, tree, chair, client_for, tmp_path
):
    enforced.MEDIA_ROOT = tmp_path
    set_condolence_standards(tree.school1)
    visit = make_visit(tree.school1, [MemberFactory(union=tree.school1)])
    photo = VisitPhoto.objects.create(
        visit=visit, photo=ContentFile(b"<script>window.xss=1</script>", name="x.html"), name="x.html"
    )

    response = client_for(chair).get(reverse("care:visit_photo", args=[photo.pk]))

    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Disposition"].startswith("attachment;")


# --- what the policy would refuse: in the templates ----------------------------------------------

TEMPLATE_FINDINGS = {
    "inline script": re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I),
    "inline event handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "hx-on attribute": re.compile(r"\shx-on[:-]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "style element": re.compile(r"<style\b", re.I),
}


def served_templates() -> list[Path]:
    found = sorted(
        path for path in GONGHUI.rglob("templates/**/*.html") if PDF_TEMPLATES not in path.as_posix()
    )
    assert len(found) > 50  # the walk really found the templates
    return found


DJANGO_TAGS = re.compile(r"{%.*?%}|{#.*?#}", re.S)  # `{% blocktranslate with online=… %}` is no handler


def template_findings(text: str) -> list[str]:
    markup = DJANGO_TAGS.sub("", text)
    return [what for what, pattern in TEMPLATE_FINDINGS.items() if pattern.search(markup)]


def test_the_template_check_finds_each_thing_the_policy_refuses():
    assert template_findings('<button onclick="go()">') == ["inline event handler"]
    assert template_findings("<script>alert(1)</script>") == ["inline script"]
    assert template_findings('<a href="javascript:void(0)">') == ["javascript: URL"]
    assert template_findings('<div hx-on:click="x()">') == ["hx-on attribute"]
    assert template_findings('<div style="width: 1px">') == ["style attribute"]
    assert template_findings("<style>p {}</style>") == ["style element"]
    assert template_findings('<script src="/static/a.js" defer></script><p data-confirm="确定？">') == []
    assert (
        template_findings("{% blocktranslate with online=n %}网上{{ online }}人{% endblocktranslate %}") == []
    )


def test_no_template_holds_an_inline_script_handler_or_style():
    findings = [
        f"{path.relative_to(GONGHUI)}: {what}"
        for path in served_templates()
        for what in template_findings(path.read_text(encoding="utf-8"))
    ]

    assert findings == []


def test_every_page_template_loads_the_behaviour_script():
    """Pages that do not extend base.html (the print sheets) load core/gonghui.js themselves."""
    standalone = [
        path
        for path in served_templates()
        if "<html" in (text := path.read_text(encoding="utf-8")) and "core/gonghui.js" not in text
    ]
    error_pages = {"_plain.html"}  # no behaviour at all: a message and a link

    assert [p.relative_to(GONGHUI).as_posix() for p in standalone if p.name not in error_pages] == []


# --- what the policy would refuse: in every page a persona reaches -------------------------------


class _Refused(HTMLParser):
    """What an enforced policy refuses in one rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" not in names and names.get("type") != "application/json":
            self.found.append("inline script")
        if tag == "style":
            self.found.append("style element")
        for name, value in names.items():
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            elif name.startswith("hx-on"):
                self.found.append(f"{name} on <{tag}>")
            elif name == "style":
                self.found.append(f"style= on <{tag}>")
            elif name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"javascript: URL on <{tag}>")


def refused_in(html: str) -> list[str]:
    parser = _Refused()
    parser.feed(html)
    return parser.found


def test_the_page_check_finds_each_thing_the_policy_refuses():
    html = (
        '<script>x()</script><script type="application/json">{}</script><script src="/a.js"></script>'
        '<style>p{}</style><td style="min-width: 8rem"><a href="javascript:x()">'
        '<input onclick="x()"><div hx-on:click="x()">'
    )

    assert refused_in(html) == ["inline script", "style element", "style= on <td>", "javascript: URL on <a>",
                                "onclick= on <input>", "hx-on:click on <div>"]  # fmt: skip


class PolicyCheckingClient(Client):
    """A test client that checks the headers and the markup of every page it GETs."""

    def __init__(self) -> None:
        super().__init__()
        self.pages = 0
        self.problems: list[str] = []

    def get(self, path: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        response = super().get(path, *args, **kwargs)
        self.pages += 1
        if response.get("Content-Security-Policy") != STRICT_POLICY:
            self.problems.append(
                f"{path}: Content-Security-Policy {response.get('Content-Security-Policy')!r}"
            )
        if response.get("X-Content-Type-Options") != "nosniff":
            self.problems.append(f"{path}: no nosniff")
        if "text/html" in response.get("Content-Type", "") and not getattr(response, "streaming", False):
            self.problems += [f"{path}: {what}" for what in refused_in(response.content.decode())]
        return response


@pytest.fixture(scope="module")
def demo_data(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock():
        fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
        with override_settings(PASSWORD_HASHERS=fast), mock.patch.object(demo, "SCHOOLS", demo.SCHOOLS[:3]):
            demo.build_demo()
        yield
        call_command("flush", interactive=False, verbosity=0)  # later modules start from an empty database


@pytest.fixture
def no_pdf_layout() -> Iterator[None]:
    with mock.patch("gonghui.core.pdf.html_to_pdf", return_value=b"%PDF-1.4\n% layout skipped by test_csp\n"):
        yield


@pytest.mark.parametrize("username", DEMO_PERSONAS)
def test_every_page_a_persona_reaches_carries_the_policy_and_nothing_it_refuses(
    demo_data: None, no_pdf_layout: None, enforced: Any, username: str
) -> None:
    client = PolicyCheckingClient()
    client.force_login(User.objects.get(username=username))

    result = crawl(client, samples=1)

    assert len(result.visited) > 10, result.visited  # the crawl really walked the persona's pages
    assert client.pages >= len(result.visited)
    assert client.problems == []
