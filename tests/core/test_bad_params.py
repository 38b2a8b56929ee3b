"""Unreadable numbers in a query string never answer 500 (issue 13 hole 6: `/members/?union=²`).

`'²'.isdigit()` is True but `int('²')` raises; thirty nines overflow the database's integer; a
sign or letters are not a number at all. The crawl below sends each of them, in every integer
parameter the views read (and every field of the page's own GET forms), to every page without
path parameters, as the chair and as the county officer: the answer is a page, a redirect or a
404/403, never a server error.
"""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from gonghui.core.params import int_list, int_param
from tests.test_crawl import PLAIN_ROUTES

pytestmark = pytest.mark.django_db

BAD_VALUES = ["²", "-1", "9" * 30, "abc"]
# Integer parameters the views read by hand (grep request.GET in gonghui); the page's own form
# fields are added per page.
INTEGER_PARAMS = [
    "union", "org", "group", "page", "year", "member", "report", "session", "term", "campaign",
    "poll", "visit", "health", "delegate", "option",
]  # fmt: skip
REFUSING = {"union", "org"}  # a union outside the user's reach answers 404 before anything else
ACCEPTED = {200, 302, 403, 404, 405}
SKIPPED = {"core:logout"}  # POST-only and ends the session: nothing to read from a query string
GET_FORM = re.compile(r"<form(?![^>]*method=\"post\")[^>]*>(.*?)</form>", re.S | re.I)
FIELD = re.compile(r"<(?:input|select)[^>]*\bname=\"([a-z_]+)\"", re.I)


def page_urls() -> list[tuple[str, str]]:
    urls = []
    for route in PLAIN_ROUTES:
        if route.name is None or route.name in SKIPPED:
            continue
        try:
            urls.append((route.name, reverse(route.name)))
        except NoReverseMatch:
            continue
    return urls


PAGES = page_urls()


def form_fields(content: str) -> set[str]:
    """The field names of the page's GET forms (filters), which the page reads back."""
    return {name for form in GET_FORM.findall(content) for name in FIELD.findall(form)} - {"q"}


def test_the_crawl_covers_the_list_pages_of_every_app():
    names = {name for name, _url in PAGES}
    assert {"members:list", "congress:proposals", "congress:suggestions", "voting:home", "notices:board",
            "care:visits", "care:totals", "reports:dashboard", "reports:statistics", "core:audit_list"} <= names  # fmt: skip


@pytest.mark.parametrize("value", BAD_VALUES, ids=["superscript-two", "negative", "thirty-nines", "letters"])
def test_int_param_answers_none_for_what_is_no_plain_number(value):
    assert int_param(value) is None


def test_int_param_reads_plain_numbers_within_bounds():
    assert int_param(" 42 ") == 42
    assert int_param("2026", minimum=2000, maximum=2027) == 2026
    assert int_param("1999", minimum=2000) is None
    assert int_param(str(2**63 - 1)) == 2**63 - 1
    assert int_param(str(2**63)) is None
    assert int_param(None) is None
    assert int_list(["3", "²", "x", "4", "-5"]) == [3, 4]


def test_the_member_list_with_a_superscript_union_answers_the_page(tree, chair, client_for):
    response = client_for(chair).get("/members/?union=²")

    assert response.status_code in (200, 404)


@pytest.mark.parametrize("persona", ["chair", "county_officer"])
@pytest.mark.parametrize("name,url", PAGES, ids=[name for name, _url in PAGES])
def test_no_page_answers_500_to_an_unreadable_number(name, url, persona, request, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = request.getfixturevalue(persona)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    plain = client.get(url)
    params = set(INTEGER_PARAMS)
    if plain.status_code == 200 and "html" in plain.get("Content-Type", ""):
        params |= form_fields(plain.content.decode())

    failures = []
    for value in BAD_VALUES:
        # The union/org parameters alone (an unreadable one is refused as missing: 404), the rest
        # at once, and those one at a time only when that answer (a refusal) could hide what a
        # later parameter would have done.
        rest = sorted(params - REFUSING)
        singles = [*REFUSING]
        together = client.get(f"{url}?{urlencode(dict.fromkeys(rest, value))}")
        if together.status_code not in (200, 302):
            singles += rest
        for param in singles:
            response = client.get(f"{url}?{urlencode({param: value})}")
            if response.status_code not in ACCEPTED:
                failures.append(f"{param}={value!r}: {response.status_code}")

    assert failures == []
