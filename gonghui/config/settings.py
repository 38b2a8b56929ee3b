"""Gonghui settings: one file, driven by environment variables.

Defaults give the zero-setup demo (SQLite in ./var), with DEBUG off so users meet the Chinese
error pages; DEBUG=1 turns on Django's debug pages for development. Production sets
DATABASE_URL, SECRET_KEY and GONGHUI_FIELD_KEY.
"""

import os
import warnings
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("GONGHUI_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


# Off unless asked for: with DEBUG on, a member meets Django's English pages (a 404 lists every URL).
DEBUG = env_bool("DEBUG", False)
# The demo's key; with DEBUG off `check --deploy` (and so `make serve`) refuses it (core/checks.py).
DEVELOPMENT_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = os.environ.get("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
    if host.strip()
]

# --- HTTPS and reverse proxies ------------------------------------------------------------------
# GONGHUI_HTTPS=1: users reach Gonghui over HTTPS (directly or through a TLS proxy). Plain HTTP is
# redirected, browsers are told to keep to HTTPS for a year (HSTS, not preloaded), and cookies
# are sent over HTTPS only. GONGHUI_HTTPS=0 declares a plain-HTTP install (a union's LAN): no
# redirect, no HSTS, cookies usable without TLS. Unset (the demo) is the same as 0, but then
# `check --deploy` reports the missing HTTPS settings, so `make serve` asks for a decision.
GONGHUI_HTTPS_DECLARED = os.environ.get("GONGHUI_HTTPS", "").strip() != ""
GONGHUI_HTTPS = env_bool("GONGHUI_HTTPS", False)
SECURE_SSL_REDIRECT = GONGHUI_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600 if GONGHUI_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = GONGHUI_HTTPS and env_bool("GONGHUI_HSTS_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = False
# The load balancer or health checker asks for /healthz over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# GONGHUI_PROXY=1: a reverse proxy (nginx, Caddy, a cloud load balancer) terminates TLS and says so
# in X-Forwarded-Proto. Only set it when the proxy always sets (or overwrites) that header:
# otherwise a client could claim HTTPS itself.
# The client's address (audit log, per-address login limit) is then the last X-Forwarded-For entry.
GONGHUI_PROXY = env_bool("GONGHUI_PROXY", False)
if GONGHUI_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Origins whose POSTs pass the CSRF check besides the host itself, e.g. when the proxy answers on
# another name or port: "https://gonghui.example.org,https://gh.example.org:8443".
CSRF_TRUSTED_ORIGINS = [
    origin.strip() for origin in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    # collectstatic leaves out the npm builds the pages do not use (gonghui/config/apps.py).
    "gonghui.config.apps.StaticFilesConfig",
    "django_htmx",
    # Background work: Django's task API (the django-tasks backport) on the database backend.
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "gonghui.core",
    "gonghui.members",
    "gonghui.congress",
    "gonghui.voting",
    "gonghui.notices",
    "gonghui.care",
    "gonghui.activities",
    "gonghui.reports",
]

# Django's admin is off by default: every user-facing page goes through core.access, the admin
# does not. The benchmark turns it on to compare against its changelist.
GONGHUI_ADMIN = env_bool("GONGHUI_ADMIN", False)
if GONGHUI_ADMIN:
    INSTALLED_APPS.insert(0, "django.contrib.admin")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and download safety headers on every response (core/security.py).
    "gonghui.core.security.ContentSecurityPolicyMiddleware",
    # Static files (ours and the npm assets below) are served with DEBUG off too.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # /healthz is answered here, before anything reads the session from the database (503, not 500).
    "gonghui.core.middleware.HealthzMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a timed-out session leaves a message on the login page.
    "gonghui.core.middleware.IdleTimeoutMiddleware",
    "gonghui.core.middleware.AccessMiddleware",
    "gonghui.core.middleware.CurrentOrgMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "gonghui.config.urls"
WSGI_APPLICATION = "gonghui.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.shell",
            ],
        },
    }
]


def database_from_url(url: str) -> dict[str, Any]:
    """DATABASE_URL as Django's DATABASES entry; a URL that cannot be read stops the start with a
    message saying so (in Chinese and English), not a traceback or an English 500 later."""
    try:
        return dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 0)))
    except (ValueError, KeyError) as error:  # UnknownSchemeError is a ValueError
        # Only the scheme is named: the rest of the URL may hold a password.
        scheme = url.split("://")[0][:20] if "://" in url else ""
        raise ImproperlyConfigured(
            f"无法识别数据库地址 DATABASE_URL（开头为“{scheme}”）：应为 postgres://用户:密码@主机:5432/库名 "
            f"或 sqlite:////绝对路径/gonghui.sqlite3。DATABASE_URL cannot be read (scheme '{scheme}'): "
            f"use postgres://user:password@host:5432/dbname or sqlite:////absolute/path/gonghui.sqlite3."
        ) from error


DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"))
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the demo server read while a background import writes.
    DATABASES["default"].setdefault("OPTIONS", {})["init_command"] = (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA case_sensitive_like=ON;"
    )
    DATABASES["default"]["OPTIONS"]["transaction_mode"] = "IMMEDIATE"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["gonghui.core.auth.MobileOrUsernameBackend"]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "gonghui.core.validators.ChineseMinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "gonghui.core.validators.CharacterClassValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]

# Sessions live on the server (database), so logout really ends them.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
GONGHUI_IDLE_TIMEOUT_SECONDS = env_int("GONGHUI_IDLE_TIMEOUT_SECONDS", 30 * 60)
SESSION_COOKIE_AGE = GONGHUI_IDLE_TIMEOUT_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# Secure-only cookies follow GONGHUI_HTTPS (a plain-HTTP LAN install could not sign in otherwise);
# SECURE_COOKIES overrides it either way.
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", GONGHUI_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# An expired or missing CSRF token gets the Chinese page, not Django's English one.
CSRF_FAILURE_VIEW = "gonghui.core.views.errors.csrf_failure"

# Login throttling (core/auth.py): after GONGHUI_LOCKOUT_ATTEMPTS wrong passwords in a row an account
# waits GONGHUI_LOCKOUT_FIRST_SECONDS before the next try from a new device, twice as long after each
# further failure, at most GONGHUI_LOCKOUT_SECONDS; the count is forgotten after a quiet
# GONGHUI_LOCKOUT_RESET_SECONDS. One client address waits the same way after
# GONGHUI_IP_LOCKOUT_ATTEMPTS failures within GONGHUI_IP_LOCKOUT_WINDOW_SECONDS, whatever the names
# tried. A browser that logged in before (known for GONGHUI_KNOWN_DEVICE_DAYS) is not held back.
GONGHUI_LOCKOUT_ATTEMPTS = env_int("GONGHUI_LOCKOUT_ATTEMPTS", 5)
GONGHUI_LOCKOUT_FIRST_SECONDS = env_int("GONGHUI_LOCKOUT_FIRST_SECONDS", 60)
GONGHUI_LOCKOUT_SECONDS = env_int("GONGHUI_LOCKOUT_SECONDS", 15 * 60)
GONGHUI_LOCKOUT_RESET_SECONDS = env_int("GONGHUI_LOCKOUT_RESET_SECONDS", 24 * 3600)
GONGHUI_IP_LOCKOUT_ATTEMPTS = env_int("GONGHUI_IP_LOCKOUT_ATTEMPTS", 20)
GONGHUI_IP_LOCKOUT_WINDOW_SECONDS = env_int("GONGHUI_IP_LOCKOUT_WINDOW_SECONDS", 3600)
GONGHUI_KNOWN_DEVICE_DAYS = env_int("GONGHUI_KNOWN_DEVICE_DAYS", 180)
# Key for encrypting personal data at rest (ID numbers) and keying ballots and paper codes
# (core/keys.py). Required with DEBUG off: the system check gonghui.E010 refuses to start without it.
GONGHUI_FIELD_KEY = os.environ.get("GONGHUI_FIELD_KEY", "")
# Django's task framework (django-tasks backport): jobs are rows in the database, run by
# `manage.py worker`. Tests use django_tasks.backends.immediate.ImmediateBackend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GONGHUI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# Workers (`manage.py worker`) beat every GONGHUI_WORKER_BEAT_SECONDS; one not seen for
# GONGHUI_WORKER_STALE_SECONDS is gone, and the jobs it was running are marked interrupted (重试).
GONGHUI_WORKER_BEAT_SECONDS = env_int("GONGHUI_WORKER_BEAT_SECONDS", 5)
GONGHUI_WORKER_STALE_SECONDS = env_int("GONGHUI_WORKER_STALE_SECONDS", 60)
# One limit for every uploaded file (photos, documents, attachments, import workbooks).
GONGHUI_MAX_UPLOAD_MB = env_int("GONGHUI_MAX_UPLOAD_MB", 20)
# Imports (core/imports/limits.py): uploaded workbooks are checked while streaming, before the
# reader sees them, so no file can make a worker grow without bound.
GONGHUI_IMPORT_MAX_CELL_CHARS = env_int("GONGHUI_IMPORT_MAX_CELL_CHARS", 2000)
GONGHUI_IMPORT_MAX_XML_MB = env_int("GONGHUI_IMPORT_MAX_XML_MB", 100)
GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB = env_int("GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB", 30)
GONGHUI_IMPORT_MAX_CELLS = env_int("GONGHUI_IMPORT_MAX_CELLS", 2_000_000)
# Uploaded import files hold ID numbers in clear: the scheduled job deletes them after this.
GONGHUI_IMPORT_KEEP_DAYS = env_int("GONGHUI_IMPORT_KEEP_DAYS", 7)
# Generated documents (member lists with personal data among them) are deleted after this long.
GONGHUI_EXPORT_KEEP_HOURS = env_int("GONGHUI_EXPORT_KEEP_HOURS", 24)
# Content-Security-Policy (core/security.py): scripts and styles only from our own static files; no
# inline script, handler, style attribute or <style> anywhere (tests/core/test_csp.py).
GONGHUI_CSP = os.environ.get(
    "GONGHUI_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
GONGHUI_CSP_REPORT_ONLY = env_bool("GONGHUI_CSP_REPORT_ONLY", False)
# Audit events are kept at least 184 days whatever this says (see core.audit.retention_days).
GONGHUI_AUDIT_RETENTION_DAYS = env_int("GONGHUI_AUDIT_RETENTION_DAYS", 184)

LANGUAGE_CODE = "zh-hans"
# Chinese only: with English listed, LocaleMiddleware gave a browser set to English (Chromium's
# default) English form errors and error-page language tags among the Chinese texts.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "gonghui" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
# Browser assets come from npm (package.json, `make setup`); Django serves them straight from
# node_modules. GONGHUI_NODE_MODULES names another directory (the tests point it at an empty one).
NODE_MODULES = Path(os.environ.get("GONGHUI_NODE_MODULES") or BASE_DIR / "node_modules")
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# A missing directory is left out rather than warned about (staticfiles.W004); the system check
# gonghui.E020 (core/asset_checks.py) then refuses to start without the files the pages load.
STATICFILES_DIRS = [(prefix, path) for prefix, path in STATICFILES_DIRS if path.exists()]
# WhiteNoise serves them through the staticfiles finders (app static/ and node_modules above), so
# the demo needs no collectstatic step; files are re-read on change only with DEBUG on.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
# Without collectstatic, STATIC_ROOT does not exist; the finders serve everything, so that is fine.
warnings.filterwarnings("ignore", message=r"No directory at: .*staticfiles", category=UserWarning)
# Production (`make serve` sets GONGHUI_STATIC_MANIFEST=1 and runs collectstatic): hashed file
# names (so WhiteNoise sends them with a one-year immutable Cache-Control), gzip and brotli copies
# made once at collectstatic, served from STATIC_ROOT without the finders. Off for the demo and
# the tests, which must not depend on collectstatic having run.
GONGHUI_STATIC_MANIFEST = env_bool("GONGHUI_STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if GONGHUI_STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if GONGHUI_STATIC_MANIFEST:
    WHITENOISE_USE_FINDERS = False
    # Templates name files through {% static %}, i.e. by their hashed names: the unhashed copies
    # are not needed (half the disk, half the compression time).
    WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

# --- System checks that do not apply ----------------------------------------------------------------
SILENCED_SYSTEM_CHECKS = [
    # HSTS is sent for Gonghui's own host only (GONGHUI_HSTS_SUBDOMAINS=1 extends it): unions often
    # run it under their organisation's domain, whose other sites may still be plain HTTP.
    "security.W005",
    # Preloading is a browser-wide, hard-to-undo commitment for the whole domain; not ours to make.
    "security.W021",
]
if GONGHUI_HTTPS_DECLARED and not GONGHUI_HTTPS:
    # A declared plain-HTTP install (GONGHUI_HTTPS=0, a union's LAN): HTTPS redirect, HSTS and
    # Secure-only cookies cannot work without TLS, so their deployment warnings do not apply.
    SILENCED_SYSTEM_CHECKS += ["security.W004", "security.W008", "security.W012", "security.W016"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING").upper()},
}
