"""Voting: N voters (BENCH_VOTERS, 2,000) cast their ballots concurrently through the member's
ballot endpoint (POST /voting/<poll>/vote/) of a real HTTP server, against the same two INSERTs
(participation + ballot) done by raw SQL at the same concurrency, in the same run.

The server: Django's threaded WSGI server (`django.core.servers.basehttp.ThreadedWSGIServer`, the
one `runserver` uses: a thread per connection) running the project's WSGI application in a child
process (`serve()`), so the clients do not share its interpreter lock; BENCH_VOTING_PROCESSES (1)
such processes on one port (SO_REUSEPORT); persistent database connections (DB_CONN_MAX_AGE, 60
unless set), DEBUG off.

The clients: BENCH_VOTING_THREADS (32; 8 on SQLite) threads, each with one keep-alive HTTP connection (opened,
and warmed by one untimed GET of the ballot page, before the clock starts), take voters from a
shared queue; each voter is one POST with its session cookie, a CSRF cookie and token, and 5–7 of
the 9 candidates ticked. Voters are signed in by writing their sessions directly (login cost is not
measured; see bench/voting_seed.py). Timed: wall time from the start signal to the last answer
(→ ballots/s) and each POST from send to the end of the answer (p50/p95/p99). Checked afterwards:
every answer is the receipt page, the poll holds exactly N ballots and N participations, and the
receipts shown are exactly the receipts stored.

The reference: the two INSERT statements the endpoint's `ballot_cast` sends (recorded from one
POST with `connection.execute_wrapper`, inside a transaction rolled back afterwards), run with
a cursor for every voter, one transaction per voter, by the same number of threads, each with its
own database connection, parameters prepared beforehand. It runs before and after the HTTP run
(the poll emptied in between) and both runs are pooled, so drift on the shared machine hits both
sides alike.

Figures (ratio = HTTP / raw SQL): `cast_throughput` (value = wall ms per ballot = 1000 / ballots
per second; extra keys `ballots_per_s`, `reference_ballots_per_s`), `cast_p50`, `cast_p95`,
`cast_p99` (per-request latency). Extra keys: `threads`, `voters`, `post_statements` (SQL
statements one POST sends, savepoints not counted), `server_cpu_ms_per_ballot` (the server
processes' CPU time over the HTTP run, from /proc), `server_processes`, `conn_max_age`, `problems`
(failed checks: logged, and the run goes on).

SQLite runs it too (file database, WAL, writers serialised by BEGIN IMMEDIATE), with 8 threads;
the issue's figure is PostgreSQL's (BENCH_DATABASE_URL).
"""

from __future__ import annotations

import http.client
import math
import os
import queue
import random
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection, connections, models, transaction
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from bench import voting_seed
from bench.measure import Pair, Result, result
from bench.pages import Statement, statements
from gonghui.voting import sealing, services
from gonghui.voting.enums import Channel
from gonghui.voting.models import Ballot, Participation, Poll

SCENARIO = "voting"
VOTERS = int(os.environ.get("BENCH_VOTERS", "2000"))
# Client threads (as many database connections for the reference, and server threads): 32 on
# PostgreSQL; 8 on SQLite, whose writers queue on one file lock with a 5 s busy timeout (at 32, some
# POSTs wait longer than that on this shared machine and fail with "database is locked").
THREADS = int(os.environ.get("BENCH_VOTING_THREADS", "0"))
PG_THREADS, SQLITE_THREADS = 32, 8
PROCESSES = int(os.environ.get("BENCH_VOTING_PROCESSES", "1"))
CONN_MAX_AGE = os.environ.get("DB_CONN_MAX_AGE") or "60"
RECEIPT = re.compile(rb'id="receipt">\s*([0-9A-Z]{5}-[0-9A-Z]{5})\s*<')
CSRF_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TIMEOUT_S = 120


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- what each voter sends --------------------------------------------------------------------


@dataclass(frozen=True)
class Vote:
    path: str
    body: bytes
    headers: dict[str, str]
    selected: list[int]  # the option ids ticked (the ballot as stored: sorted)
    session_key: str


def votes_for(voting: voting_seed.Voting, session_keys: Sequence[str], seed: int = 5) -> list[Vote]:
    """One POST per voter: session and CSRF cookies, the CSRF token, 5–7 candidates ticked."""
    rng = random.Random(seed)
    path = reverse("voting:vote", args=[voting.poll.pk])
    made = []
    for key in session_keys:
        token = get_random_string(32, CSRF_CHARS)
        chosen = sorted(rng.sample(voting.candidates, rng.choice([voting_seed.SEATS] * 3 + [6, 5])))
        body = urlencode([("csrfmiddlewaretoken", token), *(("option", str(pk)) for pk in chosen)])
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={key}; {settings.CSRF_COOKIE_NAME}={token}",
        }
        made.append(Vote(path, body.encode(), headers, chosen, key))
    return made


# --- one run: threads, latencies, outcomes ----------------------------------------------------


@dataclass
class Run:
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)
    receipts: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> int:
        return len(self.latencies_ms) - len(self.failures)

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else float("nan")

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies, in ms."""
        ordered = sorted(self.latencies_ms)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")

    def merged(self, other: Run) -> Run:
        return Run(
            self.seconds + other.seconds,
            self.latencies_ms + other.latencies_ms,
            self.receipts + other.receipts,
            self.failures + other.failures,
        )


class Worker:
    """What one client thread holds (an HTTP connection, a database connection)."""

    def open(self) -> None: ...

    def call(self, item: Any) -> tuple[str | None, str | None]:
        """Do one item; (receipt or None, failure or None)."""
        raise NotImplementedError

    def close(self) -> None: ...


def run_pool(items: Sequence[Any], threads: int, worker: Callable[[], Worker]) -> Run:
    """Every item done by `threads` threads taking them from one queue; the clock starts once
    every thread has opened its connections, and stops when the last answer is in."""
    work: queue.SimpleQueue[Any] = queue.SimpleQueue()
    for item in items:
        work.put(item)
    outcome = Run()
    lock = threading.Lock()
    ready = threading.Barrier(threads + 1, timeout=TIMEOUT_S)
    errors: list[BaseException] = []

    def loop() -> None:
        mine = worker()
        try:
            try:
                mine.open()
            finally:
                ready.wait()
            latencies, receipts, failures = [], [], []
            while True:
                try:
                    item = work.get_nowait()
                except queue.Empty:
                    break
                started = time.perf_counter()
                receipt, failure = mine.call(item)
                latencies.append((time.perf_counter() - started) * 1000)
                if receipt is not None:
                    receipts.append(receipt)
                if failure is not None:
                    failures.append(failure)
            with lock:
                outcome.latencies_ms += latencies
                outcome.receipts += receipts
                outcome.failures += failures
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            mine.close()

    pool = [threading.Thread(target=loop, name=f"bench-voter-{i}", daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    ready.wait()
    started = time.perf_counter()
    for thread in pool:
        thread.join(timeout=TIMEOUT_S * 5)
    outcome.seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} client thread(s) failed") from errors[0]
    return outcome


class HttpVoter(Worker):
    def __init__(self, host: str, port: int, warm_up: Vote) -> None:
        self.host, self.port, self.warm_up = host, port, warm_up
        self.conn: http.client.HTTPConnection | None = None

    def open(self) -> None:
        # One untimed GET of the ballot page on this keep-alive connection: the server's thread
        # for it opens its database connection, templates and URLs are loaded.
        self.conn = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT_S)
        self.conn.request("GET", self.warm_up.path, headers={"Cookie": self.warm_up.headers["Cookie"]})
        response = self.conn.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"warm-up GET {self.warm_up.path}: {response.status}")

    def call(self, item: Vote) -> tuple[str | None, str | None]:
        assert self.conn is not None
        try:
            self.conn.request("POST", item.path, body=item.body, headers=item.headers)
            response = self.conn.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as error:
            self.conn.close()  # reconnects on the next request
            return None, f"{type(error).__name__}: {error}"
        found = RECEIPT.search(body)
        if response.status == 200 and found:
            return found.group(1).decode().replace("-", ""), None
        return None, f"{response.status}: {body[:300].decode(errors='replace')}"

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


def cast_http(host: str, port: int, votes: Sequence[Vote], threads: int) -> Run:
    return run_pool(votes, threads, lambda: HttpVoter(host, port, votes[0]))


# --- the raw-SQL reference --------------------------------------------------------------------


@dataclass(frozen=True)
class Inserts:
    """The participation and ballot INSERTs of one cast, with placeholders."""

    participation: str
    ballot: str
    post_statements: int  # every statement of the POST (savepoints not counted)


def inserts_of(recorded: Sequence[Statement]) -> Inserts:
    def one(model: type[models.Model]) -> str:
        head = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} "
        found = [sql for sql, _params in recorded if sql.startswith(head)]
        if len(found) != 1:
            raise AssertionError(f"expected one INSERT into {model._meta.db_table}, found {len(found)}")
        return found[0]

    counted = [sql for sql, _ in recorded if not sql.lstrip().upper().startswith(("SAVEPOINT", "RELEASE"))]
    return Inserts(one(Participation), one(Ballot), len(counted))


def calibrate(poll: Poll, vote: Vote) -> Inserts:
    """One POST through Django's test client as the first voter, its statements recorded, in a
    transaction rolled back: what the endpoint sends, and nothing left behind."""
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = vote.session_key
    data = {"option": [str(pk) for pk in vote.selected]}
    responses = []
    with transaction.atomic():
        recorded = statements(lambda: responses.append(client.post(vote.path, data)))
        transaction.set_rollback(True)
    if responses[0].status_code != 200 or not RECEIPT.search(responses[0].content):
        raise AssertionError(f"calibration POST {vote.path}: {responses[0].status_code}")
    return inserts_of(recorded)


def _columns(sql: str) -> list[str]:
    found = re.match(r"INSERT INTO \S+ \((.*?)\) VALUES", sql)
    if found is None:
        raise AssertionError(f"not an INSERT: {sql[:80]}")
    return [name.strip().strip('"`') for name in found.group(1).split(",")]


def _params(sql: str, model: type[models.Model], values: dict[str, Any]) -> list[Any]:
    """The statement's parameters for these field values (by attname), prepared as the ORM does."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    fields = [by_column[column] for column in _columns(sql)]
    return [f.get_db_prep_save(values[f.attname], connection) for f in fields]


def raw_rows(inserts: Inserts, poll: Poll, members: Sequence[Any], votes: Sequence[Vote]) -> list[Any]:
    """Per voter: the two statements with their parameters (what `ballot_cast` would write)."""
    rows = []
    for member, vote in zip(members, votes, strict=True):
        participation = {"poll_id": poll.pk, "member_id": member.pk, "paper_code_id": None,
                         "channel": Channel.ONLINE}  # fmt: skip
        # Sealed as `ballot_cast` seals it (voting.sealing): the reference pays the same encryption.
        receipt = services.random_code()
        ballot = {"id": uuid.uuid4(), "poll_id": poll.pk, "rater_group_id": None,
                  "receipt": sealing.receipt_tag(poll.pk, receipt),
                  "choices": sealing.seal(poll.pk, {"selected": vote.selected}, receipt)}  # fmt: skip
        rows.append(
            (
                (inserts.participation, _params(inserts.participation, Participation, participation)),
                (inserts.ballot, _params(inserts.ballot, Ballot, ballot)),
                receipt,
            )
        )
    return rows


class RawVoter(Worker):
    def open(self) -> None:
        connection.ensure_connection()

    def call(self, item: Any) -> tuple[str | None, str | None]:
        (p_sql, p_params), (b_sql, b_params), receipt = item
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(p_sql, p_params)
            if cursor.description:  # RETURNING id, fetched as the ORM does
                cursor.fetchone()
            cursor.execute(b_sql, b_params)
        return receipt, None

    def close(self) -> None:
        connections.close_all()


def cast_raw(rows: Sequence[Any], threads: int) -> Run:
    return run_pool(rows, threads, RawVoter)


# --- checks and figures -----------------------------------------------------------------------


def empty(poll: Poll) -> None:
    for model in (Ballot, Participation):
        rows = model.objects.filter(poll=poll)
        rows._raw_delete(rows.db)


def check(poll: Poll, run: Run, voters: int) -> list[str]:
    """What is wrong, if anything: every answer a success; exactly `voters` ballots and
    participations; the receipts answered are exactly the receipts stored."""
    problems = []
    if run.failures:
        problems.append(f"{len(run.failures)} requests failed, first: {run.failures[0][:300]}")
    # While the poll is open a ballot row holds only a keyed tag of its receipt (voting.sealing).
    ballots = set(Ballot.objects.filter(poll=poll).values_list("receipt", flat=True))
    participations = Participation.objects.filter(poll=poll).count()
    if len(run.latencies_ms) != voters or len(ballots) != voters or participations != voters:
        problems.append(
            f"{len(run.latencies_ms)} answers, {len(ballots)} ballots, {participations} participations "
            f"for {voters} voters"
        )
    if ballots != {sealing.receipt_tag(poll.pk, receipt) for receipt in run.receipts}:
        problems.append("the receipts answered are not the receipts stored")
    return problems


@dataclass(frozen=True)
class Endpoint:
    host: str
    port: int
    pids: tuple[int, ...] = ()  # server processes (for their CPU time), if known


def cpu_seconds(pids: Sequence[int]) -> float | None:
    """User + system CPU time of these processes so far (Linux /proc), or None."""
    try:
        total = 0
        for pid in pids:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15)
        return total / os.sysconf("SC_CLK_TCK") if pids else None
    except (OSError, ValueError, IndexError):
        return None


def measure(server: Endpoint, *, voters: int = VOTERS, threads: int = PG_THREADS) -> list[Result]:
    """Seed the poll; raw SQL, HTTP, raw SQL again (each checked, the poll emptied after each);
    the figures. Problems found by the checks are logged and reported in the figures' `problems`
    key (a failed check does not stop the other scenarios)."""
    started = time.perf_counter()
    voting = voting_seed.prepare(voters)
    keys = voting_seed.sessions(voting.users)
    log(
        f"  poll {voting.poll.pk} in {voting.union.name} (org {voting.union.pk}): {voters} voters with "
        f"accounts and sessions, {time.perf_counter() - started:.1f} s"
    )
    try:
        votes = votes_for(voting, keys)
        inserts = calibrate(voting.poll, votes[0])
        rows = raw_rows(inserts, voting.poll, voting.members, votes)
        runs: dict[str, list[Run]] = {"raw": [], "http": []}
        problems: list[str] = []
        cpu: float | None = None
        for phase in ("raw", "http", "raw"):
            if phase == "raw":
                done = cast_raw(rows, threads)
            else:
                before = cpu_seconds(server.pids)
                done = cast_http(server.host, server.port, votes, threads)
                after = cpu_seconds(server.pids)
                cpu = after - before if after is not None and before is not None else None
            found = check(voting.poll, done, voters)
            problems += [f"{phase}: {problem}" for problem in found]
            empty(voting.poll)
            log(
                f"  {phase}: {done.per_second:.0f} ballots/s, p50 {done.percentile(50):.1f} ms, "
                f"p95 {done.percentile(95):.1f} ms, p99 {done.percentile(99):.1f} ms"
                + (f", server CPU {cpu * 1000 / voters:.1f} ms per ballot" if phase == "http" and cpu else "")
                + (f"; FAILED: {'; '.join(found)}" if found else "")
            )
            runs[phase].append(done)
        raw = runs["raw"][0].merged(runs["raw"][1])
        return figures(runs["http"][0], raw, voters=voters, threads=threads, inserts=inserts,
                       problems=problems, server_cpu_s=cpu, processes=max(1, len(server.pids)))  # fmt: skip
    finally:
        voting_seed.delete_sessions(keys)
        voting_seed.delete_polls()


def figures(
    http_run: Run,
    raw: Run,
    *,
    voters: int,
    threads: int,
    inserts: Inserts,
    problems: Sequence[str] = (),
    server_cpu_s: float | None = None,
    processes: int = 1,
) -> list[Result]:
    extra = {
        "threads": threads,
        "voters": voters,
        "ballots_per_s": round(http_run.per_second, 1),
        "reference_ballots_per_s": round(raw.per_second, 1),
        "post_statements": inserts.post_statements,
        "server_cpu_ms_per_ballot": round(server_cpu_s * 1000 / voters, 2) if server_cpu_s else None,
        "server_processes": processes,
        "conn_max_age": int(CONN_MAX_AGE),
        "problems": list(problems),
    }
    throughput = Pair(1000 / http_run.per_second, 1000 / raw.per_second)
    rows = [
        result(
            SCENARIO,
            "cast_throughput",
            f"{voters} ballots by HTTP, {threads} threads: ms per ballot (1000/ballots/s) vs raw INSERTs",
            throughput,
            voters,
            **extra,
        )
    ]
    for p in (50, 95, 99):
        pair = Pair(http_run.percentile(p), raw.percentile(p))
        rows.append(
            result(
                SCENARIO,
                f"cast_p{p}",
                f"ballot POST latency p{p} vs raw INSERTs' p{p}",
                pair,
                voters,
                **extra,
            )
        )
    if problems:
        log(f"  voting: CHECKS FAILED, figures not valid: {'; '.join(problems)}")
    return rows


# --- the server -------------------------------------------------------------------------------


@contextmanager
def server_process(processes: int = 1) -> Iterator[Endpoint]:
    """The project's WSGI application behind Django's threaded server in `processes` child
    processes sharing one port (SO_REUSEPORT: the kernel spreads connections over them), using
    the database bench.run set up; (host, port)."""
    env = {**os.environ, "DB_CONN_MAX_AGE": CONN_MAX_AGE}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    children: list[subprocess.Popen[str]] = []
    host, port = "127.0.0.1", 0
    try:
        for _ in range(processes):
            child = subprocess.Popen(
                [sys.executable, "-c", SERVE, str(port), str(processes)],
                cwd=root,
                env=env,
                stdout=subprocess.PIPE,
                text=True,
            )
            children.append(child)
            assert child.stdout is not None
            line = child.stdout.readline().split()
            if len(line) != 3 or line[0] != "listening":
                raise RuntimeError(f"the bench server did not start: {line}")
            host, port = line[1], int(line[2])
        yield Endpoint(host, port, tuple(child.pid for child in children))
    finally:
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()


# The child sets Django up before importing this module (its imports need the app registry).
SERVE = "import sys, django; django.setup(); from bench.scenarios import voting; voting.serve(*sys.argv[1:])"


def serve(port: str = "0", processes: str = "1") -> None:
    """In a child: print "listening HOST PORT", then serve until terminated."""
    import socket

    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
    from django.core.wsgi import get_wsgi_application

    class Server(ThreadedWSGIServer):
        request_queue_size = 256  # every client connects at once

        def server_bind(self) -> None:
            if int(processes) > 1:
                self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            super().server_bind()

    class QuietHandler(WSGIRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = Server(("127.0.0.1", int(port)), QuietHandler)
    server.set_app(get_wsgi_application())
    print("listening", *server.server_address[:2], flush=True)
    server.serve_forever()


def run() -> list[Result]:
    threads = THREADS or (SQLITE_THREADS if connection.vendor == "sqlite" else PG_THREADS)
    log(
        f"  {VOTERS} voters, {threads} client threads, {PROCESSES} server process(es), "
        f"{connection.vendor}, DB_CONN_MAX_AGE={CONN_MAX_AGE}"
    )
    with server_process(PROCESSES) as server:
        return measure(server, threads=threads)
