#!/usr/bin/env python
"""`make prod-smoke`: the production command (`scripts/serve.sh`, i.e. `make serve`) on a fresh
PostgreSQL database, driven as a union would use it. A CI step (.ci/run).

1. A wrong DATABASE_URL: serve.sh must refuse to start, saying so.
2. A fresh database (DATABASE_URL's server when it is PostgreSQL, else a throwaway cluster as
   scripts/test-pg.sh starts one); serve.sh on a free port with production settings (DEBUG off,
   random keys, plain-HTTP LAN mode); /healthz answers.
3. `manage.py init` creates the top union and its administrator; a school union, its chair, a
   member and an open poll are added through the services.
4. Chromium (Debian's): the administrator signs in; the member casts a vote; the chair uploads a
   member import (thousands of rows) on the import page.
5. The worker is killed (SIGKILL) in the middle of the import; serve.sh starts a new one, which
   marks the interrupted job failed with a 重试 (GONGHUI_WORKER_STALE_SECONDS=5); the chair
   clicks 重试 and confirms, and the import finishes (已完成) with every row written; the chair
   exports the member list, which the worker builds (the download has every row).
6. Everything is stopped; the database (or cluster) is removed.

Prints each step; the last line is "prod-smoke: ok" or "prod-smoke: FAILED ..." (exit 1).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PASSWORD = "Qingshan#2026"
IMPORT_ROWS = int(os.environ.get("SMOKE_IMPORT_ROWS", "6000"))
STARTED = time.monotonic()


class SmokeFailure(Exception):
    pass


def say(message: str) -> None:
    print(f"prod-smoke [{time.monotonic() - STARTED:5.1f}s] {message}", flush=True)


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def wait_for(what: str, probe: Callable[[], Any], *, timeout: float, every: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SmokeFailure(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(every)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- PostgreSQL ---------------------------------------------------------------------------------


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new, empty database; removed afterwards."""
    given = os.environ.get("DATABASE_URL", "")
    if given.startswith(("postgres://", "postgresql://", "pgsql://")):
        yield from _database_on(given)
    else:
        yield from _throwaway_cluster()


def _database_on(server_url: str) -> Iterator[str]:
    import psycopg

    name = f"gonghui_smoke_{secrets.token_hex(4)}"
    base, _, _db = server_url.rpartition("/")
    with psycopg.connect(server_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    say(f"database {name} on the server of DATABASE_URL")
    try:
        yield f"{base}/{name}"
    finally:
        with suppress(Exception), psycopg.connect(server_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _throwaway_cluster() -> Iterator[str]:
    versions = sorted(
        (int(p.name) for p in Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()), reverse=True
    )
    check(bool(versions), "no PostgreSQL server under /usr/lib/postgresql and no DATABASE_URL")
    pgbin = Path(f"/usr/lib/postgresql/{versions[0]}/bin")
    as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    pgtmp = Path(tempfile.mkdtemp(prefix="gonghui-smoke-pg."))
    pgtmp.chmod(0o700)
    if as_pg:
        shutil.chown(pgtmp, "postgres", "postgres")
    port = free_port()
    data, log = pgtmp / "data", pgtmp / "server.log"
    started = False
    try:
        subprocess.run([*as_pg, str(pgbin / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                        "--locale=C.UTF-8", "--no-instructions"], cwd=pgtmp, check=True, capture_output=True)  # fmt: skip
        options = (
            f"-p {port} -k {pgtmp} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        subprocess.run([*as_pg, str(pgbin / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60",
                        "-o", options, "start"], cwd=pgtmp, check=True, capture_output=True)  # fmt: skip
        started = True
        subprocess.run([str(pgbin / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "gonghui"],
                       check=True, capture_output=True)  # fmt: skip
        say(f"throwaway PostgreSQL {versions[0]} on 127.0.0.1:{port}")
        yield f"postgres://postgres@127.0.0.1:{port}/gonghui"
    finally:
        if started:
            subprocess.run([*as_pg, str(pgbin / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           cwd=pgtmp, capture_output=True)  # fmt: skip
        shutil.rmtree(pgtmp, ignore_errors=True)


# --- the production server ----------------------------------------------------------------------


def production_env(database_url: str, var_dir: Path, port: int) -> dict[str, str]:
    from cryptography.fernet import Fernet

    inherited = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GONGHUI_", "DJANGO_"))
        and k
        not in {
            "DATABASE_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "CSRF_TRUSTED_ORIGINS",
            "SECURE_COOKIES",
        }
    }
    return {
        **inherited,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "GONGHUI_FIELD_KEY": Fernet.generate_key().decode(),
        "GONGHUI_HTTPS": "0",  # a union's LAN: plain HTTP
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GONGHUI_VAR_DIR": str(var_dir),
        "GONGHUI_BIND": f"127.0.0.1:{port}",
        "GONGHUI_WEB_WORKERS": "2",
        "GONGHUI_WORKER_BEAT_SECONDS": "1",
        "GONGHUI_WORKER_STALE_SECONDS": "5",
        "GONGHUI_INIT_PASSWORD": PASSWORD,
        "DJANGO_SETTINGS_MODULE": "gonghui.config.settings",
    }


def refuses_a_wrong_database(env: dict[str, str]) -> None:
    wrong = {
        **env,
        "DATABASE_URL": "postgres://gonghui:secret@127.0.0.1:1/gonghui",
        "GONGHUI_DB_WAIT_SECONDS": "0",
    }
    result = subprocess.run(["bash", "scripts/serve.sh"], cwd=ROOT, env=wrong, capture_output=True, text=True,
                            timeout=120)  # fmt: skip
    output = result.stdout + result.stderr
    check(result.returncode != 0, "serve.sh started with an unreachable database")
    check(
        "无法连接数据库" in output and "Cannot connect to the database" in output,
        f"unclear refusal:\n{output}",
    )
    check("secret" not in output, "the refusal shows the database password")
    say("a wrong DATABASE_URL: serve.sh refused to start (无法连接数据库 / Cannot connect to the database)")


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError:
        return 0, {}, b""


class Server:
    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.env, self.log_path = env, log_path
        self.log = log_path.open("wb")
        # Its own session: at the end the whole group (gunicorn, the worker) can be stopped.
        self.process = subprocess.Popen(["bash", "scripts/serve.sh"], cwd=ROOT, env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def alive(self) -> bool:
        return self.process.poll() is None

    def worker_pid(self) -> int:
        path = Path(self.env["GONGHUI_VAR_DIR"]) / "run" / "worker.pid"
        return int(path.read_text().strip()) if path.exists() else 0

    def stop(self) -> int | None:
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                say("serve.sh did not stop within 60 s of SIGTERM: killing its process group")
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
        return self.process.poll()


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    check(result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


# --- data ----------------------------------------------------------------------------------------


def add_school_with_an_open_poll() -> dict[str, Any]:
    """A school union under the top union, its chair, three members (one with an account) and
    an open poll they may vote in: written through the services, as the pages would."""
    from gonghui.core import services as core
    from gonghui.core.enums import OrgKind, Role, UnitType
    from gonghui.core.models import Org, User
    from gonghui.members import idcard
    from gonghui.members import services as members
    from gonghui.voting import services as voting
    from gonghui.voting.enums import PollKind, PollState

    admin = User.objects.get(username="admin")
    root = Org.objects.get(parent=None)
    school = core.org_create(actor=admin, parent=root, name="青山县第一中学工会", kind=OrgKind.GRASSROOTS,
                             unit_type=UnitType.SCHOOL, workforce=120)  # fmt: skip
    chair = core.user_create(
        actor=admin, username="chair", name="李梅", password=PASSWORD, mobile="13900000002"
    )
    core.role_assign(actor=admin, user=chair, org=school, role=Role.CHAIR)
    voter = core.user_create(
        actor=admin, username="member", name="王小明", password=PASSWORD, mobile="13900000003"
    )
    core.role_assign(actor=admin, user=voter, org=school, role=Role.MEMBER)
    people = []
    for sequence, name in enumerate(["王小明", "赵丽", "孙强"], start=1):
        number = idcard.make("430121", dt.date(1980, 5, 1), sequence)
        people.append(
            members.member_create(actor=chair, union=school, data={"name": name, "id_number": number})
        )
    people[0].user = voter
    people[0].save(update_fields=["user"])
    poll = voting.poll_create(
        actor=chair, org=school, kind=PollKind.SIMPLE, title="食堂满意度投票", choose_max=1
    )
    for option in ("满意", "基本满意", "不满意"):
        voting.option_add(actor=chair, poll=poll, name=option)
    voting.electorate_add(actor=chair, poll=poll, members=people)
    voting.poll_set_state(actor=chair, poll=poll, to=PollState.OPEN)
    return {"school": school.pk, "poll": poll.pk}


def member_workbook(rows: int) -> bytes:
    """Our import template's columns, `rows` members with valid (synthetic) ID numbers."""
    from openpyxl import Workbook

    from gonghui.members import idcard
    from gonghui.members.rows import COLUMNS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("会员")
    headers = ["姓名", "身份证号", "手机号", "工作岗位/职务"]
    assert all(any(c.header == h for c in COLUMNS) for h in headers)
    sheet.append(headers)
    first = dt.date(1970, 1, 1)
    surnames, given = (
        "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗",
        "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂",
    )
    for index in range(rows):
        name = surnames[index % 20] + given[index // 20 % 22] + given[index // 440 % 22]
        number = idcard.make("430122", first + dt.timedelta(days=index // 900), 100 + index % 900)
        sheet.append([name, number, f"137{index:08d}", "教师"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- the browser -----------------------------------------------------------------------------------

BROKEN_ASSETS: dict[str, list[str]] = {}  # static files that answered 4xx/5xx, by who saw them
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]  # fmt: skip


def login(browser: Any, base: str, username: str) -> Any:
    from playwright.sync_api import expect

    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    broken = BROKEN_ASSETS.setdefault(username, [])
    page.on(
        "response",
        lambda r: broken.append(f"{r.status} {r.url}") if "/static/" in r.url and r.status >= 400 else None,
    )
    page.goto(f"{base}/accounts/login/")
    page.locator("input[name=identifier]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("nav.navbar")).to_be_visible()
    return page


def run() -> None:
    check(Path("/usr/bin/chromium").exists(), "/usr/bin/chromium is missing (make test-deps installs it)")
    work = Path(tempfile.mkdtemp(prefix="gonghui-smoke."))
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    server: Server | None = None
    try:
        with fresh_database() as database_url:
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            env = production_env(database_url, work / "var", port)
            refuses_a_wrong_database(env)

            server = Server(env, artifacts / "prod-smoke-server.log")
            say(f"make serve's script started (pid {server.process.pid}) on {base}; waiting for /healthz")

            def healthy() -> bool:
                check(
                    server is not None and server.alive(),
                    f"serve.sh exited early:\n{server and server.tail()}",
                )
                status, _headers, body = http_get(f"{base}/healthz")
                return status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}

            wait_for("/healthz to answer ok", healthy, timeout=300, every=1)
            say("/healthz: 200 {status: ok}; checks, collectstatic and migrate passed")

            say(manage(env, "init", "--no-input", "--org-name", "青山县总工会", "--username", "admin",
                       "--name", "张建华").strip())  # fmt: skip

            os.environ.update(env)
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM beside Playwright's event loop
            sys.path.insert(0, str(ROOT))
            import django

            django.setup()
            from gonghui.core.exports.models import ExportJob
            from gonghui.core.imports.models import ImportJob
            from gonghui.members.models import Member
            from gonghui.voting.models import Participation

            ids = add_school_with_an_open_poll()
            say("added a school union, its chair, 3 members and an open poll")

            status, headers, body = http_get(f"{base}/accounts/login/")
            check(status == 200, f"the login page answered {status}")
            css = next(
                (part.split('"')[0] for part in body.decode().split('href="')
                 if "bootstrap.min." in part.split('"')[0]), "")  # fmt: skip
            check(css.count(".") >= 3, f"the stylesheet is not served under a hashed name: {css!r}")
            status, headers, _ = http_get(f"{base}{css}", {"Accept-Encoding": "gzip, br"})
            check(status == 200 and headers.get("Content-Encoding") == "br", f"{css}: {status} {headers}")
            check("immutable" in headers.get("Cache-Control", ""), f"{css}: Cache-Control {headers}")
            say(f"static files: {css} served brotli-compressed, {headers.get('Cache-Control')}")

            from playwright.sync_api import expect, sync_playwright

            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                try:
                    admin = login(browser, base, "admin")
                    expect(admin.locator("body")).to_contain_text("青山县总工会")
                    say("Chromium: the administrator made by init signed in")

                    voter = login(browser, base, "member")
                    voter.goto(f"{base}/voting/")
                    voter.locator("#my-polls li", has_text="食堂满意度投票").get_by_role(
                        "link", name="去投票"
                    ).click()
                    voter.locator("#ballot-form label", has_text="基本满意").locator("input").check()
                    voter.get_by_role("button", name="提交选票").click()
                    expect(voter.locator("main h1")).to_have_text("投票成功")
                    check(
                        Participation.objects.filter(poll_id=ids["poll"]).count() == 1,
                        "the vote was not recorded",
                    )
                    say("Chromium: the member cast a vote (投票成功, one participation row)")

                    workbook = work / "会员导入.xlsx"
                    workbook.write_bytes(member_workbook(IMPORT_ROWS))
                    chair = login(browser, base, "chair")
                    chair.goto(f"{base}/imports/new/?kind=members&union={ids['school']}")
                    chair.locator("input[type=file]").set_input_files(str(workbook))
                    chair.locator("#upload").click()
                    chair.wait_for_url("**/imports/job/**")
                    job = ImportJob.objects.latest("created_at")
                    say(f"Chromium: the chair uploaded {IMPORT_ROWS} member rows (job {job.key})")

                    interrupt_and_recover(server, chair, job, ImportJob)

                    job.refresh_from_db()
                    check(job.state == ImportJob.State.DONE, f"the import ended {job.state}: {job.message}")
                    count = Member.objects.filter(org_id=ids["school"]).count()
                    check(
                        count == 3 + IMPORT_ROWS,
                        f"{count} members after the import, expected {3 + IMPORT_ROWS}",
                    )
                    say(
                        f"the import finished (已完成): {job.created_count} members written, {count} in the union"
                    )

                    # The member list as Excel: built by the worker (core.exports), not by gunicorn.
                    chair.goto(f"{base}/members/?union={ids['school']}")
                    with chair.expect_download(timeout=180_000) as info:
                        chair.locator("#export-link").click()
                    listing = work / "members.xlsx"
                    info.value.save_as(listing)
                    from openpyxl import load_workbook

                    sheet = load_workbook(listing, read_only=True).active
                    rows = sum(1 for _ in sheet.iter_rows()) - 1 if sheet is not None else 0
                    check(rows == count, f"the exported list has {rows} rows, expected {count}")
                    check(ExportJob.objects.filter(state="done").count() == 1, "the export job is not done")
                    say(f"Chromium: the chair exported the member list ({rows} rows) through the worker")

                    broken = [url for urls in BROKEN_ASSETS.values() for url in urls]
                    check(not broken, f"static files failed to load: {broken}")
                except Exception:
                    for name, page in (("admin", locals().get("admin")), ("voter", locals().get("voter")),
                                       ("chair", locals().get("chair"))):  # fmt: skip
                        if page is not None:
                            with suppress(Exception):
                                page.screenshot(
                                    path=str(artifacts / f"prod-smoke-{name}.png"), full_page=True
                                )
                    raise
                finally:
                    browser.close()

            check(server.alive(), f"serve.sh died:\n{server.tail()}")
            rc = server.stop()
            server = None
            check(rc == 143, f"serve.sh ended with {rc} on SIGTERM (expected 143)")
            say("SIGTERM: serve.sh stopped gunicorn and the worker")
            from django.db import connections

            connections.close_all()
    finally:
        if server is not None:
            say(f"stopping serve.sh; its log ends:\n{server.tail(25)}")
            server.stop()
        shutil.rmtree(work, ignore_errors=True)


def interrupt_and_recover(server: Server, page: Any, job: Any, ImportJob: Any) -> None:
    from playwright.sync_api import expect

    running = (ImportJob.State.VALIDATING, ImportJob.State.APPLYING)
    confirmed = []

    def in_progress() -> bool:
        job.refresh_from_db()
        if job.state == ImportJob.State.PREVIEW and not confirmed:
            # Checked before the kill could land: confirm it, and interrupt the apply instead.
            page.reload()
            page.locator("#confirm-import").click()
            confirmed.append(True)
            return False
        if job.state == ImportJob.State.PREVIEW:
            return False
        check(
            job.state in running, f"the import ended {job.state} before the worker was killed: {job.message}"
        )
        return job.processed_rows > 0

    wait_for("the worker to start on the import", in_progress, timeout=120, every=0.2)
    old = server.worker_pid()
    check(old > 0, "no worker pid in var/run/worker.pid")
    os.kill(old, signal.SIGKILL)
    step = job.get_state_display()
    say(f"killed the worker (pid {old}, SIGKILL) at {job.processed_rows}/{job.total_rows} rows ({step})")

    wait_for("serve.sh to start a new worker", lambda: server.worker_pid() not in (0, old), timeout=60)
    say(f"serve.sh started a new worker (pid {server.worker_pid()})")

    def recovered() -> bool:
        job.refresh_from_db()
        return job.state == ImportJob.State.FAILED

    wait_for("the interrupted job to be marked failed", recovered, timeout=120, every=1)
    check(bool(job.retry_step), f"the interrupted job cannot be retried: {job.message}")
    page.reload()
    expect(page.locator("#job-state")).to_have_text("失败")
    say(f"the new worker marked the job failed with 重试: {job.message}")

    page.locator("#retry-import").click()
    if job.retry_step == ImportJob.Step.VALIDATE:
        expect(page.locator("#confirm-import")).to_be_visible(timeout=180_000)
        say("重试: checked again, no errors; confirming the import")
        page.locator("#confirm-import").click()
    expect(page.locator("#job-state")).to_have_text("已完成", timeout=240_000)


def _stop(signum: int, frame: Any) -> None:
    # CI's timeout sends SIGTERM: unwind, so the server, the browser and the database are removed.
    raise SmokeFailure(f"stopped by signal {signum}")


def main() -> int:
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    try:
        run()
    except SmokeFailure as failure:
        say(f"FAILED: {failure}")
        print("prod-smoke: FAILED", flush=True)
        return 1
    except Exception as error:  # a crash of the smoke itself is a failure too
        import traceback

        traceback.print_exc()
        print(f"prod-smoke: FAILED ({type(error).__name__}: {error})", flush=True)
        return 1
    print(f"prod-smoke: ok ({time.monotonic() - STARTED:.0f}s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
