"""Error pages are the Chinese ones, and static files are served, with DEBUG off (issue 12 §4).

This module doubles as a URLconf (`pytest.mark.urls`): the project's URLs plus two views that
fail, with the project's handlers, so a 500 and a 400 can be provoked.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path

from gonghui.config import urls as project_urls

pytestmark = pytest.mark.django_db


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("tampered input")


urlpatterns = [path("test-boom/", _boom), path("test-suspicious/", _suspicious), *project_urls.urlpatterns]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

DJANGO_ENGLISH = (
    "Page not found",
    "Using the URLconf",
    "Forbidden",
    "Server Error",
    "Bad Request",
    "CSRF verification",
)


def _assert_chinese_page(response: HttpResponse, status: int, heading: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert heading in body
    assert '<html lang="zh-hans">' in body
    assert [text for text in DJANGO_ENGLISH if text in body] == []


def test_debug_is_off_by_default_and_the_development_flag_turns_it_on() -> None:
    code = "from gonghui.config import settings as s; print(s.DEBUG, sorted(s.ALLOWED_HOSTS))"
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "ALLOWED_HOSTS")}
    default = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert default.stdout.split(" ", 1)[0] == "False"
    assert "'127.0.0.1'" in default.stdout and "'localhost'" in default.stdout
    dev = subprocess.run(
        [sys.executable, "-c", code], env={**env, "DEBUG": "1"}, capture_output=True, text=True, check=True
    )
    assert dev.stdout.split(" ", 1)[0] == "True"


def test_a_member_meets_the_chinese_404_page_not_the_list_of_urls(client_for, member) -> None:
    assert settings.DEBUG is False
    response = client_for(member).get("/no-such-page/")
    _assert_chinese_page(response, 404, "没有找到您要的内容")
    assert "accounts/login" not in response.content.decode()  # no URL patterns listed


def test_an_anonymous_visitor_meets_the_chinese_404_page(client) -> None:
    _assert_chinese_page(client.get("/orgs/999999/children/x/"), 404, "没有找到您要的内容")


def test_a_page_the_member_may_not_open_shows_the_chinese_403_page(client_for, member) -> None:
    _assert_chinese_page(client_for(member).get("/audit/"), 403, "您没有权限访问此页面")


@pytest.mark.urls("tests.core.test_errors")
def test_a_server_error_shows_the_chinese_500_page(member) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(member)
    _assert_chinese_page(client.get("/test-boom/"), 500, "系统处理您的请求时出错了")


@pytest.mark.urls("tests.core.test_errors")
def test_a_bad_request_shows_the_chinese_400_page(client) -> None:
    _assert_chinese_page(client.get("/test-suspicious/"), 400, "无法处理这个请求")


def test_an_unknown_host_name_gets_the_chinese_400_page(client) -> None:
    _assert_chinese_page(client.get("/", HTTP_HOST="attacker.example"), 400, "无法处理这个请求")


def test_a_form_posted_without_its_security_token_gets_the_chinese_page() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "someone", "password": "x"})
    _assert_chinese_page(response, 403, "页面已过期")


@pytest.mark.parametrize(
    "asset",
    [
        "/static/core/gonghui.css",
        "/static/vendor/bootstrap/css/bootstrap.min.css",
        "/static/vendor/bootstrap/js/bootstrap.bundle.min.js",
        "/static/vendor/htmx/htmx.min.js",
    ],
)
def test_static_files_answer_200_with_debug_off(client, asset: str) -> None:
    assert settings.DEBUG is False
    response = client.get(asset)
    assert response.status_code == 200
    assert b"".join(response.streaming_content)  # type: ignore[attr-defined]
