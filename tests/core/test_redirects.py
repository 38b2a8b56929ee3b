"""No open redirect (issue 13 hole 6): every `next`/`back` a request carries goes through
core.views.base.local_url, so a link that starts on our site cannot send a chair elsewhere."""

from __future__ import annotations

import pathlib
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from gonghui.core import services
from gonghui.core.views.base import local_url

pytestmark = pytest.mark.django_db

OFF_SITE = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    " https://evil.example/",
    "http://testserver@evil.example/",
    "members:list",  # a URL name: not a page address either
]
COLUMNS = reverse("members:columns")
BULK = reverse("members:bulk")
MEMBER_LIST = reverse("members:list")
LOGIN = reverse("core:login")


@pytest.mark.parametrize("back", OFF_SITE)
def test_the_column_picker_never_sends_the_browser_off_site(tree, chair, client_for, back):
    response = client_for(chair).post(COLUMNS, {"columns": ["name"], "back": back})

    assert response.status_code == 302
    assert response["Location"] == MEMBER_LIST


def test_the_column_picker_goes_back_to_the_list_page_it_came_from(tree, chair, client_for):
    back = f"{MEMBER_LIST}?status=current&page=2"

    response = client_for(chair).post(COLUMNS, {"columns": ["name"], "back": back})

    assert response["Location"] == back


@pytest.mark.parametrize("back", OFF_SITE)
def test_a_bulk_action_never_sends_the_browser_off_site(tree, chair, client_for, back):
    response = client_for(chair).post(BULK, {"ids": "", "action": "move", "back": back})

    assert response.status_code == 302
    assert response["Location"] == MEMBER_LIST


def test_a_bulk_action_goes_back_to_the_filtered_list(tree, chair, client_for):
    back = f"{MEMBER_LIST}?union={tree.school1.pk}"

    response = client_for(chair).post(BULK, {"ids": "", "action": "move", "back": back})

    assert response["Location"] == back


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_the_login_page_never_sends_the_browser_off_site(chair, next_url):
    client = Client()

    response = client.post(LOGIN, {"identifier": "chair", "password": "Gonghui@2026", "next": next_url})

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


@pytest.mark.parametrize("next_url", OFF_SITE)
def test_an_off_site_next_in_the_login_link_is_not_put_into_the_form(db, next_url):
    content = Client().get(LOGIN, {"next": next_url}).content.decode()

    assert 'name="next" value=""' in content


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x"])
def test_a_message_link_off_site_is_not_followed(tree, chair, client_for, url):
    notification = services.notification_send(users=[chair], title="可疑链接", url=url)[0]

    response = client_for(chair).post(
        reverse("core:notification_read", args=[notification.pk]), {"follow": "1"}
    )

    assert response["Location"] == reverse("core:notification_list")


def test_a_page_reached_over_https_does_not_send_the_browser_back_to_plain_http():
    request = RequestFactory().get("/", secure=True)

    assert local_url(request, "http://testserver/members/") == ""
    assert local_url(request, "https://testserver/members/") == "https://testserver/members/"
    assert local_url(request, "/members/") == "/members/"


def test_a_full_address_of_this_site_is_kept_but_another_host_is_not():
    request = RequestFactory().get("/")

    assert local_url(request, "http://testserver/members/?page=2") == "http://testserver/members/?page=2"
    assert local_url(request, "http://evil.example/members/") == ""
    assert local_url(request, None) == ""


# Reads of a redirect target from the request, and what must wrap each of them.
TARGET_READ = re.compile(
    r"""request\.(?:POST|GET)\.get\(\s*["'](?:next|back|return|return_to|redirect)["']"""
)


def test_every_next_or_back_read_from_a_request_goes_through_local_url():
    root = pathlib.Path(__file__).resolve().parents[2] / "gonghui"
    unchecked = []
    for path in sorted(root.rglob("*.py")):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if TARGET_READ.search(line) and not re.search(r"\b(local_url|redirect_back)\(", line):
                unchecked.append(f"{path.relative_to(root)}:{number}: {line.strip()}")

    assert unchecked == []
    assert TARGET_READ.search('redirect(request.POST.get("back") or "members:list")')
