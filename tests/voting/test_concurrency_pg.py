"""Races on the ballot box with real threads, each on its own database connection.

PostgreSQL only: SQLite serialises every write transaction (transaction_mode IMMEDIATE), and the
SQLite test database is an in-memory shared-cache database, on which concurrent writers fail
with "database table is locked" instead of waiting, so there is no race to observe there.
Run with `make test-pg` or `DATABASE_URL=postgres://… .venv/bin/pytest tests/voting -m pg`.

The submissions go through a pool of WORKERS threads (each with its own connection) released
together by a barrier: a deployment serves votes through a bounded pool of connections
(gunicorn workers, pgbouncer) too, and the test server allows 100 connections in all.
"""

from __future__ import annotations

import queue
import random
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from gonghui.core.errors import DomainError
from gonghui.voting import services
from gonghui.voting.enums import PollState
from gonghui.voting.models import Ballot, Participation, Poll

from .factories import electorate, make_poll, opened_ballots, option_ids

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="real concurrent writers need PostgreSQL: SQLite serialises writes and its shared-cache "
        "in-memory test database raises 'table is locked' instead of waiting",
    ),
    pytest.mark.django_db(transaction=True),
]
WORKERS = 20


def run_concurrently(calls: list[Callable[[], Any]], *, workers: int = WORKERS) -> list[tuple[str, Any]]:
    """Run every call on a pool of threads started together; ("ok", value) or ("error", exc) each."""
    work: queue.Queue[Callable[[], Any]] = queue.Queue()
    for call in calls:
        work.put(call)
    outcomes: list[tuple[str, Any]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def worker() -> None:
        try:
            barrier.wait()
            while True:
                try:
                    call = work.get_nowait()
                except queue.Empty:
                    return
                try:
                    outcome: tuple[str, Any] = ("ok", call())
                except BaseException as error:  # reported to the test
                    outcome = ("error", error)
                with lock:
                    outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def test_a_hundred_simultaneous_submissions_by_one_voter_count_once(tree):
    poll = make_poll(tree.school1, voters=1, options=["甲", "乙", "丙"], state=PollState.OPEN)
    voter = electorate(poll)[0]
    ids = list(option_ids(poll).values())

    outcomes = run_concurrently([
        lambda i=i: services.ballot_cast(poll=poll, member=voter, choices={"selected": [ids[i % 3]]})
        for i in range(100)
    ])  # fmt: skip

    receipts = [value for kind, value in outcomes if kind == "ok"]
    errors = [value for kind, value in outcomes if kind == "error"]
    assert len(outcomes) == 100
    assert len(receipts) == 1
    assert len(errors) == 99
    assert all(isinstance(e, DomainError) and "您已投票" in str(e) for e in errors), {repr(e) for e in errors}
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert [r for r, _c in opened_ballots(poll)] == [receipts[0]]
    assert Participation.objects.filter(poll=poll).count() == 1


def test_a_hundred_distinct_voters_at_once_make_a_hundred_ballots(tree):
    poll = make_poll(tree.school1, voters=100, options=["甲", "乙", "丙"], state=PollState.OPEN)
    ids = list(option_ids(poll).values())

    outcomes = run_concurrently([
        lambda m=m, i=i: services.ballot_cast(poll=poll, member=m, choices={"selected": [ids[i % 3]]})
        for i, m in enumerate(electorate(poll))
    ])  # fmt: skip

    assert [value for kind, value in outcomes if kind == "error"] == []
    receipts = {value for kind, value in outcomes if kind == "ok"}
    assert len(receipts) == 100
    assert {r for r, _c in opened_ballots(poll)} == receipts
    assert Participation.objects.filter(poll=poll).count() == 100
    assert services.turnout(poll).voted == 100


def test_closing_while_votes_arrive_reports_exactly_the_accepted_ballots(tree):
    poll = make_poll(tree.school1, voters=120, options=["甲", "乙", "丙"], state=PollState.OPEN)
    ids = list(option_ids(poll).values())
    rng = random.Random(5)
    reported: list[int | None] = []
    accepted_so_far: list[str] = []
    forty_in = threading.Event()

    def cast(member: Any, i: int) -> str:
        time.sleep(0.01 + rng.random() * 0.02)  # votes keep arriving, not all at once
        receipt = services.ballot_cast(poll=poll, member=member, choices={"selected": [ids[i % 3]]})
        accepted_so_far.append(receipt)
        if len(accepted_so_far) >= 40:
            forty_in.set()
        return receipt

    def close() -> str:
        forty_in.wait(timeout=60)
        closed = services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
        reported.append(closed.ballots_at_close)
        return "closed"

    calls: list[Callable[[], Any]] = [close]
    calls += [lambda m=m, i=i: cast(m, i) for i, m in enumerate(electorate(poll))]
    outcomes = run_concurrently(calls)

    accepted = {value for kind, value in outcomes if kind == "ok" and value != "closed"}
    refused = [value for kind, value in outcomes if kind == "error"]
    assert all(isinstance(e, DomainError) and "已经结束" in str(e) for e in refused), {
        repr(e) for e in refused
    }
    assert len(accepted) + len(refused) == 120
    assert 0 < len(accepted) < 120, "the close should land while votes are still arriving"
    services.poll_set_state(actor=None, poll=Poll.objects.get(pk=poll.pk), to=PollState.REVIEWED)
    poll = services.poll_set_state(actor=None, poll=Poll.objects.get(pk=poll.pk), to=PollState.RELEASED)
    counted = services.poll_tally(poll).counted
    published = {receipt for receipt, _ in services.published_ballots(poll)}
    assert reported == [len(accepted)]
    assert poll.ballots_at_close == len(accepted)
    assert Ballot.objects.filter(poll=poll).count() == len(accepted)
    assert Participation.objects.filter(poll=poll).count() == len(accepted)
    assert services.turnout(poll).voted == len(accepted)
    assert counted is not None and counted.total == len(accepted)
    assert sum(row.votes for row in counted.rows) == len(accepted)
    assert published == accepted
