"""Lighthouse (npm, in Debian's Chromium) on the pages a union officer opens most: the home page,
the member list and the dashboard, as a phone (Lighthouse's default: Moto G-class CPU, slow 4G,
simulated) and as a desktop (`--preset=desktop`). Target (issue 12 §5): performance ≥ 90 and
accessibility ≥ 95 on each.

`python -m bench.lighthouse` (or `make bench ARGS=lighthouse`, the scenario of the same name):

1. a database of its own, var/lighthouse.sqlite3 (BENCH_LIGHTHOUSE_DB), migrated and filled with
   `manage.py demo` once (the demo union's year of records);
2. a server on a free port in a child process: the project's WSGI application with DEBUG off,
   behind a front end as production has one: static files gzipped with a year's cache lifetime
   (as WhiteNoise or nginx serve them) and pages gzipped (nginx's default `gzip on`); Django's
   runserver would send both uncompressed (BENCH_LIGHTHOUSE_GZIP=0 measures that);
3. the demo chair signed in by a session cookie made in the server process (Django's test
   client `force_login`), passed to Lighthouse as a request header;
4. Lighthouse per page and form factor (CHROME_PATH=/usr/bin/chromium, --headless=new
   --no-sandbox); the JSON reports are kept in var/lighthouse/.

BENCH_LIGHTHOUSE_USER picks the demo account (default chair; county sees the dashboard with its
child-unit chart, but not the member list: BENCH_LIGHTHOUSE_PAGES=home,dashboard),
BENCH_LIGHTHOUSE_GZIP=0 sends static files uncompressed.

Prints one JSON line per page and form factor (scores 0–100, metrics in ms) and a table.
"""

from __future__ import annotations

import gzip
import json
import mimetypes
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import BENCH_FIELD_KEY

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
USER = os.environ.get("BENCH_LIGHTHOUSE_USER", "chair")
# 0: static files as Django's runserver sends them (no compression), to see what gzip is worth.
GZIP = os.environ.get("BENCH_LIGHTHOUSE_GZIP", "1") != "0"
ALL_PAGES = {"home": "/", "members": "/members/", "dashboard": "/reports/"}
PAGES = {
    name: ALL_PAGES[name]
    for name in os.environ.get("BENCH_LIGHTHOUSE_PAGES", ",".join(ALL_PAGES)).split(",")
    if name in ALL_PAGES
}
FORM_FACTORS = ("mobile", "desktop")
TARGET = {"performance": 90, "accessibility": 95}
METRICS = {
    "fcp_ms": "first-contentful-paint",
    "lcp_ms": "largest-contentful-paint",
    "tbt_ms": "total-blocking-time",
    "si_ms": "speed-index",
    "cls": "cumulative-layout-shift",
}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def database_url() -> str:
    path = Path(os.environ.get("BENCH_LIGHTHOUSE_DB", ROOT / "var" / "lighthouse.sqlite3"))
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def server_env() -> dict[str, str]:
    env = {**os.environ, "DATABASE_URL": database_url(), "DEBUG": "0", "SECURE_COOKIES": "0"}
    env.setdefault("GONGHUI_FIELD_KEY", BENCH_FIELD_KEY)
    env.pop("GONGHUI_ADMIN", None)  # bench.run turns the admin on for its own scenarios
    env["DJANGO_SETTINGS_MODULE"] = "gonghui.config.settings"
    return env


def prepare_database() -> None:
    """Migrate the Lighthouse database and load the demo into it unless it is there already."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=server_env(), check=True)
    subprocess.run(
        [*manage, "demo", "--if-empty"], cwd=ROOT, env=server_env(), check=True, stdout=subprocess.DEVNULL
    )
    log(f"  lighthouse: database ready in {time.perf_counter() - started:.1f} s ({database_url()})")


# --- the server (child process) ----------------------------------------------------------------

COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


def static_app(prefix: str, find: Callable[[str], str | None]) -> Callable[..., Iterable[bytes]]:
    """WSGI: the file under `prefix` (found by the staticfiles finders), gzipped when the client
    takes it and it is text, with a long cache lifetime, as a production front end sends it."""
    cache: dict[tuple[str, bool], tuple[bytes, str]] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        name = environ.get("PATH_INFO", "")[len(prefix) :]
        zipped = GZIP and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")
        if (name, zipped) not in cache:
            found = find(name) if name else None
            if found is None:
                start_response("404 Not Found", [("Content-Type", "text/plain")])
                return [b"not found"]
            body = Path(found).read_bytes()
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            if zipped and kind.startswith(COMPRESSIBLE):
                body = gzip.compress(body, 9)
            cache[(name, zipped)] = (body, kind)
        body, kind = cache[(name, zipped)]
        headers = [
            ("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else "")),
            ("Content-Length", str(len(body))),
            ("Cache-Control", "public, max-age=31536000"),
            ("Vary", "Accept-Encoding"),
        ]
        if zipped and kind.startswith(COMPRESSIBLE):
            headers.append(("Content-Encoding", "gzip"))
        start_response("200 OK", headers)
        return [body]

    return app


def serve(username: str) -> None:
    """In the child: print "session KEY" and "listening HOST PORT", then serve until ended."""
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.staticfiles import finders
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application
    from django.test import Client

    from gonghui.core.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    print("session", client.cookies[settings.SESSION_COOKIE_NAME].value, flush=True)

    django_app = get_wsgi_application()
    prefix = "/" + settings.STATIC_URL.lstrip("/")
    static = static_app(prefix, finders.find)

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(prefix):
            return static(environ, start_response)
        if not (GZIP and "gzip" in environ.get("HTTP_ACCEPT_ENCODING", "")):
            return django_app(environ, start_response)
        # Pages gzipped on the way out, as nginx's default `gzip on` does for text/html.
        started: list[Any] = []
        body = b"".join(django_app(environ, lambda status, headers, *exc: started.extend([status, headers])))
        status, headers = started
        names = {name.lower() for name, _ in headers}
        kind = next((value for name, value in headers if name.lower() == "content-type"), "")
        if kind.startswith("text/html") and "content-encoding" not in names:
            body = gzip.compress(body, 6)
            headers = [(n, v) for n, v in headers if n.lower() != "content-length"]
            headers += [("Content-Encoding", "gzip"), ("Content-Length", str(len(body)))]
        start_response(status, headers)
        return [body]

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler)
    server.set_app(app)
    print("listening", *server.server_address[:2], flush=True)
    server.serve_forever()


@dataclass(frozen=True)
class Server:
    base: str
    session: str


@contextmanager
def server(username: str = USER) -> Iterator[Server]:
    child = subprocess.Popen(
        [sys.executable, "-m", "bench.lighthouse", "--serve", username],
        cwd=ROOT,
        env=server_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None
        session = child.stdout.readline().split()
        listening = child.stdout.readline().split()
        if len(session) != 2 or session[0] != "session" or len(listening) != 3:
            raise RuntimeError(f"the Lighthouse server did not start: {session} {listening}")
        yield Server(f"http://{listening[1]}:{listening[2]}", session[1])
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


# --- Lighthouse ---------------------------------------------------------------------------------


def lighthouse(url: str, session: str, form_factor: str, report: Path) -> dict[str, Any]:
    command = [
        "node",
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        f"--extra-headers={json.dumps({'Cookie': f'sessionid={session}'})}",
    ]
    if form_factor == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, cwd=ROOT, env={**os.environ, "CHROME_PATH": CHROME}, check=True, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def scores(result: dict[str, Any]) -> dict[str, Any]:
    audits = result["audits"]
    row: dict[str, Any] = {
        name: round((result["categories"][name]["score"] or 0) * 100)
        for name in ("performance", "accessibility")
    }
    for key, audit in METRICS.items():
        value = audits[audit].get("numericValue")
        row[key] = round(value, 3 if key == "cls" else 0) if value is not None else None
    failed = [
        audit_id
        for audit_id, audit in audits.items()
        if audit.get("scoreDisplayMode") == "binary" and audit.get("score") == 0
        and any(ref["id"] == audit_id for ref in result["categories"]["accessibility"]["auditRefs"])
    ]  # fmt: skip
    row["accessibility_failures"] = failed
    row["final_url"] = result.get("finalDisplayedUrl") or result.get("finalUrl")
    return row


def measure() -> list[dict[str, Any]]:
    if not LIGHTHOUSE.exists():
        raise SystemExit("lighthouse is not installed: run `make setup` (npm ci)")
    prepare_database()
    reports = ROOT / "var" / "lighthouse"
    reports.mkdir(parents=True, exist_ok=True)
    rows = []
    with server() as live:
        for name, path in PAGES.items():
            for form_factor in FORM_FACTORS:
                started = time.perf_counter()
                result = lighthouse(
                    live.base + path, live.session, form_factor, reports / f"{name}-{form_factor}.json"
                )
                row = {"scenario": "lighthouse", "page": name, "path": path, "form_factor": form_factor}
                row |= scores(result)
                if not row["final_url"].endswith(path):
                    raise RuntimeError(
                        f"Lighthouse measured {row['final_url']}, not {path}: was the session refused?"
                    )
                row["ok"] = all(row[key] >= target for key, target in TARGET.items())
                log(f"  lighthouse {name} {form_factor}: {time.perf_counter() - started:.0f} s")
                rows.append(row)
    return rows


def table(rows: list[dict[str, Any]]) -> str:
    header = (
        "page",
        "form factor",
        "performance",
        "accessibility",
        "FCP ms",
        "LCP ms",
        "TBT ms",
        "CLS",
        "ok",
    )
    lines = [
        (
            f"{r['page']} {r['path']}",
            r["form_factor"],
            str(r["performance"]),
            str(r["accessibility"]),
            str(r["fcp_ms"]),
            str(r["lcp_ms"]),
            str(r["tbt_ms"]),
            str(r["cls"]),
            "yes" if r["ok"] else "NO",
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in [header, *lines]) for i in range(len(header))]
    render = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in [header, *lines]
    ]
    return "\n".join([render[0], "-" * len(render[0]), *render[1:]])


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        serve(argv[1] if len(argv) > 1 else USER)
        return 0
    rows = measure()
    for row in rows:
        print(json.dumps(row, ensure_ascii=False), flush=True)
    print()
    print(f"Lighthouse, {USER} signed in, static files {'gzipped' if GZIP else 'uncompressed'}; targets: performance ≥ {TARGET['performance']}, "
          f"accessibility ≥ {TARGET['accessibility']}")  # fmt: skip
    print(table(rows))
    return 0 if all(row["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main(sys.argv[1:]))
