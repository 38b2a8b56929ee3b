"""Gonghui settings: one file, driven by environment variables.

Defaults give the zero-setup demo (SQLite in ./var), with DEBUG off so users meet the Chinese
error pages; DEBUG=1 turns on Django's debug pages for development. Production sets
DATABASE_URL, SECRET_KEY and GONGHUI_FIELD_KEY.
"""

import os
import warnings
from pathlib import Path

import dj_database_url

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
if env_bool("GONGHUI_PROXY", False):
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
    "django.contrib.staticfiles",
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
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After messages: a timed-out session leaves a message on the login page.
    "gonghui.core.middleware.IdleTimeoutMiddleware",
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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
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

GONGHUI_LOCKOUT_ATTEMPTS = env_int("GONGHUI_LOCKOUT_ATTEMPTS", 5)
GONGHUI_LOCKOUT_SECONDS = env_int("GONGHUI_LOCKOUT_SECONDS", 15 * 60)
# Key for encrypting personal data at rest (ID numbers). Falls back to SECRET_KEY for the demo.
GONGHUI_FIELD_KEY = os.environ.get("GONGHUI_FIELD_KEY", "")
# Background work (imports): "thread" runs it beside the web process (demo, single server);
# "inline" runs it at once (tests). A queue backend plugs in here without code changes.
GONGHUI_TASK_RUNNER = os.environ.get("GONGHUI_TASK_RUNNER", "thread")
# Django's task framework (django-tasks backport): jobs are rows in the database, run by
# `manage.py worker`. Tests use django_tasks.backends.immediate.ImmediateBackend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("GONGHUI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# One limit for every uploaded file (photos, documents, attachments, import workbooks).
GONGHUI_MAX_UPLOAD_MB = env_int("GONGHUI_MAX_UPLOAD_MB", 20)
# Content-Security-Policy: scripts only from our own origin (no inline scripts or handlers).
# Styles allow inline attributes (Bootstrap utilities and ECharts set them).
GONGHUI_CSP = os.environ.get(
    "GONGHUI_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'",
)
# Report-only until every template is free of inline scripts (then enforced).
GONGHUI_CSP_REPORT_ONLY = env_bool("GONGHUI_CSP_REPORT_ONLY", True)
# Audit events are kept at least 184 days whatever this says (see core.audit.retention_days).
GONGHUI_AUDIT_RETENTION_DAYS = env_int("GONGHUI_AUDIT_RETENTION_DAYS", 184)

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gonghui" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
NODE_MODULES = BASE_DIR / "node_modules"
# Browser assets come from npm (package.json); Django serves them straight from node_modules.
STATICFILES_DIRS = [
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/bootstrap-icons", NODE_MODULES / "bootstrap-icons" / "font"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
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
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
