"""No dead links: every same-site link a page shows its viewer opens (issue 12 §4).

Each demo persona starts at the home page and follows every link of every page it reaches
(GET only, logout skipped, at most SAMPLES URLs per URL pattern and set of query parameters), and
no link may answer 403, 404 or 500: a page shows a link only where its viewer may go.

The data is the product's own demo (`gonghui demo`: a year of records in every area), built once
for this module with its first three schools instead of forty, so the crawl stays within about a
minute and a half on SQLite. PDF layout (WeasyPrint, seconds per file) is replaced by a stub: the
download's view, access checks and template still run, and other tests open the real PDFs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from gonghui.core import demo
from gonghui.core.models import User

from .linkcrawl import crawl, links_of

pytestmark = pytest.mark.django_db

SAMPLES = 1
# The demo's accounts: the county officer, the chair, committee members with four portfolios
# (文体, 经审, 女工, 生活), a group leader, a delegate, a member, a handling department, and the
# chair of a sibling union.
PERSONAS = ["county", "chair", "committee", "auditor", "women", "welfare", "leader", "delegate", "member", "dept",
            "chair2"]  # fmt: skip


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
    with mock.patch(
        "gonghui.core.pdf.html_to_pdf", return_value=b"%PDF-1.4\n% layout skipped by test_links\n"
    ):
        yield


@pytest.mark.parametrize("username", PERSONAS)
def test_every_link_a_persona_is_shown_opens(demo_data: None, no_pdf_layout: None, username: str) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    result = crawl(client, samples=SAMPLES)
    assert len(result.visited) > 10, result.visited  # the crawl really walked the persona's pages
    assert [str(dead) for dead in result.dead] == []


def test_the_crawler_reads_links_and_reports_a_dead_one(demo_data: None) -> None:
    html = '<a href="/orgs/">组织</a><a href="#top">顶部</a><a href="https://example.org/">外链</a>'
    assert links_of(html) == ["/orgs/", "#top", "https://example.org/"]
    client = Client()
    client.force_login(User.objects.get(username="member"))
    result = crawl(client, start=["/orgs/999999/"])
    assert [(dead.url, dead.status) for dead in result.dead] == [("/orgs/999999/", 404)]
