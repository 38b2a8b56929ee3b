"""Every error page is Chinese with DEBUG off: 400, 403, 404, 500 and a CSRF failure, from real
requests (issue 13 hole 6), and also the pages gunicorn answers itself.

Why the probe saw English 400/500 pages under gunicorn: Django's own pages were Chinese already,
but gunicorn answers a malformed request (a bad request line or header name, headers too large)
before Django sees it, and an exception escaping the application (an error page that cannot be
rendered, e.g. a static file missing from the manifest), with its built-in English page.
gunicorn.conf.py now installs config/gunicorn_errors.py's Chinese page, and the 400/500 handlers
fall back to a plain Chinese page when their template fails.

This module doubles as a URLconf (`pytest.mark.urls`): the project's URLs plus a view that fails.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path, reverse

from gonghui.config import urls as project_urls

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("test-boom/", _boom), *project_urls.urlpatterns]
handler400 = project_urls.handler400
handler403 = project_urls.handler403
handler404 = project_urls.handler404
handler500 = project_urls.handler500

ENGLISH = (
    "Bad Request",
    "Server Error",
    "Forbidden",
    "Not Found",
    "CSRF verification",
    "Page not found",
    'lang="en"',
)
# An English browser (Chromium's default) must not get English pages or lang="en" either.
BROWSERS = {"chinese": "zh-CN,zh;q=0.9", "english": "en-US,en;q=0.9"}


def assert_chinese(response: HttpResponse, status: int, heading: str) -> None:
    body = response.content.decode()
    assert response.status_code == status
    assert heading in body
    assert 'lang="zh-hans"' in body
    assert [word for word in ENGLISH if word in body] == []


@pytest.fixture(params=list(BROWSERS))
def language(request) -> str:
    return BROWSERS[request.param]


@pytest.mark.urls("tests.core.test_error_pages")
def test_a_failing_view_answers_the_chinese_500_page(member, language):
    assert settings.DEBUG is False
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(member)

    assert_chinese(client.get("/test-boom/"), 500, "抱歉，系统处理您的请求时出错了")


def test_an_unknown_host_name_answers_the_chinese_400_page(db, language):
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/", HTTP_HOST="evil.example")

    assert_chinese(response, 400, "无法处理这个请求")


def test_a_post_without_its_csrf_token_answers_the_chinese_page(chair, language):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(chair)

    response = client.post(reverse("core:logout"))

    assert_chinese(response, 403, "页面已过期，本次提交没有保存")
    assert client.get(reverse("core:home")).status_code == 200  # still logged in


def test_a_page_the_member_may_not_open_answers_the_chinese_403_page(member, client_for):
    assert_chinese(client_for(member).get(reverse("core:audit_list")), 403, "您没有权限访问此页面")


def test_a_missing_page_answers_the_chinese_404_page(db, language):
    assert_chinese(Client(HTTP_ACCEPT_LANGUAGE=language).get("/no-such-page/"), 404, "没有找到您要的内容")


@pytest.mark.urls("tests.core.test_error_pages")
def test_the_500_page_is_chinese_even_when_its_template_cannot_be_rendered(member, settings, tmp_path):
    # Hashed static files switched on without collectstatic: `{% static %}` raises in the error
    # page itself. Before, that exception reached gunicorn, which answered in English.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path
    client = Client(raise_request_exception=False)
    client.force_login(member)

    assert_chinese(client.get("/test-boom/"), 500, "抱歉，系统处理您的请求时出错了")


def test_the_400_page_is_chinese_even_when_its_template_cannot_be_rendered(db, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    settings.STATIC_ROOT = tmp_path

    assert_chinese(Client().get("/", HTTP_HOST="evil.example"), 400, "无法处理这个请求")


# --- the pages gunicorn answers itself ---------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _raw(port: int, request: bytes) -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    return data.decode()


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn as `make serve` starts it (gunicorn.conf.py), one worker, on a free port."""
    port = _free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "GONGHUI_VAR_DIR": str(tmp_path),
        "GONGHUI_BIND": f"127.0.0.1:{port}",
        "GONGHUI_WEB_WORKERS": "1",
        "LOG_LEVEL": "warning",
    }
    (tmp_path / "run").mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            time.sleep(0.2)
    else:
        server.kill()
        pytest.fail("gunicorn did not start")
    time.sleep(1)  # the worker forks after the socket listens
    yield port
    server.terminate()
    server.wait(timeout=30)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /\x01 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",  # a control character in the request line
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n",  # a space in a header name
    ],
    ids=["request-line", "header-name"],
)
def test_a_request_gunicorn_refuses_itself_gets_the_chinese_page(gunicorn, request_bytes):
    answer = _raw(gunicorn, request_bytes)
    head, _sep, body = answer.partition("\r\n\r\n")

    assert head.startswith("HTTP/1.1 400 ")
    assert "charset=utf-8" in head
    assert "无法处理这个请求" in body
    assert 'lang="zh-hans"' in body
    assert "Bad Request" not in body
