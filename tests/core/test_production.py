"""The production way to run Gonghui (`make serve`): deploy checks, HTTPS and proxies, the
health endpoint, a wrong database, static files.

Settings are read once, at import, from the environment. Tests of what an environment makes of
them either run Django in a subprocess with that environment, or read settings.py afresh under
that environment (`settings_under`) and apply the security settings to this process with
pytest-django's `settings`, so the real middleware answers real requests."""

from __future__ import annotations

import json
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
SETTINGS_FILE = ROOT / "gonghui" / "config" / "settings.py"
FIELD_KEY = "production-test-field-key-" + "k" * 24
PUBLIC_HOST = "gonghui.example.org"

# What an environment decides about HTTPS, proxies and cookies.
SECURITY_SETTINGS = [
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_PROXY_SSL_HEADER",
    "CSRF_TRUSTED_ORIGINS",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
]


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A clean production environment: no DEBUG, a long random SECRET_KEY, the field key, the
    public host name; nothing inherited from the developer's shell but PATH and HOME."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "DJANGO_SETTINGS_MODULE": "gonghui.config.settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_FIELD_KEY": FIELD_KEY,
        "ALLOWED_HOSTS": PUBLIC_HOST,
        "GONGHUI_VAR_DIR": str(tmp_path / "var"),
    }
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 180) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def python(env: dict[str, str], code: str, timeout: int = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def settings_under(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    """settings.py evaluated afresh with `env` on top of a production environment."""
    for name in ("GONGHUI_HTTPS", "GONGHUI_PROXY", "CSRF_TRUSTED_ORIGINS", "SECURE_COOKIES", "ALLOWED_HOSTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {"DEBUG": "0", "ALLOWED_HOSTS": PUBLIC_HOST, **env}.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def apply(settings: Any, values: dict[str, Any]) -> None:
    for name in SECURITY_SETTINGS:
        setattr(settings, name, values.get(name))


def csrf_token(client: Client, **headers: Any) -> str:
    response = client.get("/accounts/login/", **headers)
    assert response.status_code == 200
    return response.cookies["csrftoken"].value


# --- check --deploy --------------------------------------------------------------------------------


@pytest.mark.parametrize("https", ["1", "0"], ids=["https", "plain-http-lan"])
def test_check_deploy_is_silent_with_production_settings(tmp_path, https):
    result = manage(
        production_env(tmp_path, GONGHUI_HTTPS=https), "check", "--deploy", "--fail-level", "WARNING"
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    assert result.stdout.startswith("System check identified no issues"), result.stdout


def test_check_deploy_refuses_the_demo_defaults(tmp_path):
    env = production_env(tmp_path)
    for name in ("SECRET_KEY", "GONGHUI_FIELD_KEY"):
        del env[name]

    result = manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 1
    for check in ("gonghui.E010", "gonghui.E100", "security.W004", "security.W008"):
        assert check in result.stderr, check


# --- HTTPS, proxies, cookies ----------------------------------------------------------------------


@pytest.mark.django_db
def test_with_https_declared_plain_http_is_redirected_to_https(settings, monkeypatch):
    apply(settings, settings_under(monkeypatch, GONGHUI_HTTPS="1"))

    response = Client().get("/accounts/login/", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 301
    assert response["Location"] == f"https://{PUBLIC_HOST}/accounts/login/"


@pytest.mark.django_db
def test_with_https_declared_pages_carry_a_one_year_hsts_header_and_secure_cookies(settings, monkeypatch):
    apply(settings, settings_under(monkeypatch, GONGHUI_HTTPS="1"))

    response = Client().get("/accounts/login/", HTTP_HOST=PUBLIC_HOST, secure=True)

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == "max-age=31536000"
    assert response.cookies["csrftoken"]["secure"] is True


@pytest.mark.django_db
def test_with_https_declared_the_health_check_may_still_ask_over_plain_http(settings, monkeypatch):
    apply(settings, settings_under(monkeypatch, GONGHUI_HTTPS="1"))

    response = Client().get("/healthz", HTTP_HOST=PUBLIC_HOST)

    assert response.status_code == 200


@pytest.mark.django_db
def test_behind_a_tls_proxy_a_post_from_a_trusted_origin_passes_the_csrf_check(settings, monkeypatch, chair):
    # The proxy (nginx on another host) reaches Gonghui as 10.0.0.5:8000 and says "https" in
    # X-Forwarded-Proto; the browser's Origin is the public name.
    values = settings_under(
        monkeypatch,
        GONGHUI_HTTPS="1",
        GONGHUI_PROXY="1",
        ALLOWED_HOSTS=f"{PUBLIC_HOST},10.0.0.5",
        CSRF_TRUSTED_ORIGINS=f"https://{PUBLIC_HOST}",
    )
    apply(settings, values)
    client = Client(enforce_csrf_checks=True)
    proxied = {"HTTP_HOST": "10.0.0.5:8000", "HTTP_X_FORWARDED_PROTO": "https"}
    token = csrf_token(client, **proxied)  # not redirected: the proxy's header counts as HTTPS

    response = client.post(
        "/accounts/login/",
        {"identifier": "chair", "password": "Gonghui@2026", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=f"https://{PUBLIC_HOST}",
        **proxied,
    )

    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/"
    assert response.cookies["sessionid"]["secure"] is True


@pytest.mark.django_db
def test_behind_a_tls_proxy_a_post_from_an_origin_not_listed_is_refused(settings, monkeypatch, chair):
    apply(
        settings,
        settings_under(
            monkeypatch, GONGHUI_HTTPS="1", GONGHUI_PROXY="1", ALLOWED_HOSTS=f"{PUBLIC_HOST},10.0.0.5"
        ),
    )
    client = Client(enforce_csrf_checks=True)
    proxied = {"HTTP_HOST": "10.0.0.5:8000", "HTTP_X_FORWARDED_PROTO": "https"}
    token = csrf_token(client, **proxied)

    response = client.post(
        "/accounts/login/",
        {"identifier": "chair", "password": "Gonghui@2026", "csrfmiddlewaretoken": token},
        HTTP_ORIGIN=f"https://{PUBLIC_HOST}",
        **proxied,
    )

    assert response.status_code == 403
    assert "sessionid" not in response.cookies


@pytest.mark.django_db
def test_a_plain_http_lan_install_sends_cookies_without_secure_and_no_hsts(settings, monkeypatch, chair):
    apply(settings, settings_under(monkeypatch, GONGHUI_HTTPS="0", ALLOWED_HOSTS="192.168.1.20"))
    client = Client(enforce_csrf_checks=True)
    token = csrf_token(client, HTTP_HOST="192.168.1.20")

    response = client.post(
        "/accounts/login/",
        {"identifier": "chair", "password": "Gonghui@2026", "csrfmiddlewaretoken": token},
        HTTP_HOST="192.168.1.20",
        HTTP_ORIGIN="http://192.168.1.20",
    )

    assert response.status_code == 302
    assert response.cookies["sessionid"]["secure"] == ""
    assert client.cookies["csrftoken"]["secure"] == ""
    assert "Strict-Transport-Security" not in response


# --- /healthz ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_or_session():
    response = Client().get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_does_not_answer(tmp_path):
    # Nothing listens on port 1: the database is down.
    env = production_env(tmp_path, DATABASE_URL="postgres://gonghui:secret@127.0.0.1:1/gonghui")
    code = (
        "import django, json; django.setup()\n"
        "from django.test import Client\n"
        "r = Client().get('/healthz', HTTP_HOST='gonghui.example.org')\n"
        "print(json.dumps([r.status_code, r.json()]))\n"
    )

    result = python(env, code)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [
        503,
        {"status": "error", "database": "unavailable"},
    ]
    assert "secret" not in result.stdout


def test_healthz_answers_503_when_the_database_does_not_answer_even_to_a_request_with_a_session_cookie(
    tmp_path,
):
    # A browser or a checker that kept a session cookie: the session and login middleware would
    # read the session from the database before the view runs.
    env = production_env(tmp_path, DATABASE_URL="postgres://gonghui:secret@127.0.0.1:1/gonghui")
    code = (
        "import django, json; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "client = Client(raise_request_exception=False)\n"
        "client.cookies[settings.SESSION_COOKIE_NAME] = 'x' * 32\n"
        "r = client.get('/healthz', HTTP_HOST='gonghui.example.org')\n"
        "print(json.dumps([r.status_code, r['Content-Type'], r.content.decode()]))\n"
    )

    result = python(env, code)

    assert result.returncode == 0, result.stderr
    status, content_type, body = json.loads(result.stdout.strip().splitlines()[-1])
    assert (status, content_type) == (503, "application/json"), body[:300]
    assert json.loads(body) == {"status": "error", "database": "unavailable"}
    assert "secret" not in result.stdout


# --- a wrong database ---------------------------------------------------------------------------------


def test_an_unreachable_database_stops_the_start_with_a_chinese_and_english_message(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgres://gonghui:secret@127.0.0.1:1/gonghui")

    result = manage(env, "check-database")

    assert result.returncode == 1
    assert "无法连接数据库（postgresql 127.0.0.1:1 gonghui），服务未启动" in result.stderr
    assert "Cannot connect to the database" in result.stderr
    assert "secret" not in result.stderr


def test_a_database_url_that_cannot_be_read_stops_with_a_clear_message(tmp_path):
    env = production_env(tmp_path, DATABASE_URL="postgress://gonghui:secret@db/gonghui")

    result = manage(env, "check")

    assert result.returncode == 1
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith(
        "django.core.exceptions.ImproperlyConfigured: 无法识别数据库地址 DATABASE_URL"
    )
    assert "DATABASE_URL cannot be read (scheme 'postgress')" in last_line
    assert "secret" not in result.stderr


def serve(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """scripts/serve.sh (`make serve`), expected to refuse before it serves anything."""
    return subprocess.run(
        ["bash", "scripts/serve.sh"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
    )


def test_the_production_command_refuses_to_start_on_an_unreachable_database(tmp_path):
    env = production_env(
        tmp_path,
        GONGHUI_HTTPS="0",
        DATABASE_URL="postgres://gonghui:secret@127.0.0.1:1/gonghui",
        GONGHUI_DB_WAIT_SECONDS="0",
    )

    result = serve(env)

    assert result.returncode == 1
    assert "无法连接数据库" in result.stderr
    assert "服务未启动 / not started." in result.stderr
    assert not (tmp_path / "var" / "staticfiles").exists()
    assert not (tmp_path / "var" / "run" / "web.pid").exists()


def test_the_production_command_refuses_to_start_without_keys_or_an_https_decision(tmp_path):
    env = production_env(tmp_path)
    for name in ("SECRET_KEY", "GONGHUI_FIELD_KEY"):
        del env[name]

    result = serve(env)

    assert result.returncode == 1
    assert "GONGHUI_HTTPS 未设置" in result.stderr
    assert "gonghui.E010" in result.stderr and "gonghui.E100" in result.stderr
    assert "部署检查未通过" in result.stderr
    assert not (tmp_path / "var" / "staticfiles").exists()


# --- static files -------------------------------------------------------------------------------------

SERVE_STATIC = """
import json, sys
from io import BytesIO
from wsgiref.util import setup_testing_defaults
from gonghui.config.wsgi import application

answers = {}
for path, encoding in json.loads(sys.argv[1]):
    environ = {"PATH_INFO": path, "HTTP_ACCEPT_ENCODING": encoding, "HTTP_HOST": "gonghui.example.org",
               "wsgi.input": BytesIO()}
    setup_testing_defaults(environ)
    seen = {}
    def start_response(status, headers, exc_info=None):
        seen["status"] = int(status.split()[0])
        seen["headers"] = dict(headers)
    body = b"".join(application(environ, start_response))
    answers[f"{path} {encoding}"] = {**seen, "length": len(body)}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> tuple[dict[str, str], dict[str, str]]:
    """collectstatic with the manifest storage into a temporary STATIC_ROOT (as `make serve`)."""
    tmp_path = tmp_path_factory.mktemp("static")
    env = production_env(tmp_path, GONGHUI_HTTPS="0", GONGHUI_STATIC_MANIFEST="1")
    result = manage(env, "collectstatic", "--noinput", "-v0", timeout=600)
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "var" / "staticfiles" / "staticfiles.json").read_text())
    return env, manifest["paths"]


def serve_static(env: dict[str, str], requests: list[tuple[str, str]]) -> dict[str, dict[str, Any]]:
    result = python(env, SERVE_STATIC.replace("sys.argv[1]", repr(json.dumps(requests))))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_collected_css_is_served_hashed_compressed_and_cached_for_a_year(collected):
    env, paths = collected
    hashed = paths["vendor/bootstrap/css/bootstrap.min.css"]
    assert hashed != "vendor/bootstrap/css/bootstrap.min.css"
    url = f"/static/{hashed}"

    answers = serve_static(env, [(url, "gzip"), (url, "gzip, deflate, br"), (url, "")])

    gzip, brotli, plain = answers[f"{url} gzip"], answers[f"{url} gzip, deflate, br"], answers[f"{url} "]
    for answer in (gzip, brotli, plain):
        assert answer["status"] == 200
        assert answer["headers"]["Cache-Control"] == "max-age=315360000, public, immutable"
    assert gzip["headers"]["Content-Encoding"] == "gzip"
    assert brotli["headers"]["Content-Encoding"] == "br"
    assert "Content-Encoding" not in plain["headers"]
    assert brotli["length"] < gzip["length"] < plain["length"] / 4


def test_collectstatic_takes_only_the_npm_files_the_pages_use(collected):
    _env, paths = collected

    vendor = sorted(name for name in paths if name.startswith("vendor/"))

    assert "vendor/echarts/echarts.simple.min.js" in vendor
    assert "vendor/htmx/htmx.min.js" in vendor
    assert "vendor/bootstrap/js/bootstrap.bundle.min.js" in vendor
    assert not [name for name in vendor if "/extension/" in name or ".rtl." in name or "esm" in name]
    assert len(vendor) < 15, vendor
