"""The voting benchmark at a tiny size (20 voters) through pytest-django's live server, so CI keeps
the scenario working: voters signed in by their written sessions cast through the real HTTP
endpoint, the raw-SQL reference writes the same rows, every check passes, and nothing is left
behind, run after run.

On SQLite one client thread: the live server shares the in-memory test database's single
connection between its request threads, so concurrent POSTs cannot be served there (the bench
itself uses a file database). On PostgreSQL (`make test-pg`) four threads.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from bench import voting_seed
from bench.scenarios import voting
from bench.seed import seed
from gonghui.core.models import AuditEvent, User
from gonghui.members.models import Member
from gonghui.voting import sealing
from gonghui.voting.models import Ballot, Participation, Poll

pytestmark = pytest.mark.django_db(transaction=True)

VOTERS = 20
THREADS = 1 if connection.vendor == "sqlite" else 4


@pytest.fixture
def server(live_server) -> voting.Endpoint:
    seed(orgs=300, members=400)
    url = urlsplit(live_server.url)
    assert url.hostname is not None and url.port is not None
    return voting.Endpoint(url.hostname, url.port)


def test_voters_cast_through_the_http_endpoint_against_the_raw_inserts(server):
    results = voting.measure(server, voters=VOTERS, threads=THREADS)

    assert [r["figure"] for r in results] == ["cast_throughput", "cast_p50", "cast_p95", "cast_p99"]
    for row in results:
        assert row["problems"] == [], row["problems"]
        assert row["value_ms"] > 0 and row["reference_ms"] > 0, row["figure"]
        assert row["rows"] == VOTERS and row["threads"] == THREADS
    assert results[0]["ballots_per_s"] > 0 and results[0]["post_statements"] > 2
    # One audit line per HTTP ballot (the raw reference writes none; the calibration is rolled back).
    assert AuditEvent.objects.filter(action="voting.vote").count() == VOTERS
    # Left behind: the accounts, kept for the next run; no poll, ballot or session.
    assert not Poll.objects.filter(title=voting_seed.POLL_TITLE).exists()
    assert not Ballot.objects.exists() and not Participation.objects.exists()
    assert not Session.objects.exists()
    users = User.objects.filter(username__startswith=voting_seed.VOTER_PREFIX)
    assert Member.objects.filter(user__in=users).count() == users.count() == VOTERS

    # The next run finds the accounts in place and starts from a new poll; its reference writes
    # exactly the rows a POST writes.
    prepared = voting_seed.prepare(VOTERS)
    keys = voting_seed.sessions(prepared.users)
    try:
        assert prepared.users == list(users.order_by("username"))
        votes = voting.votes_for(prepared, keys)
        inserts = voting.calibrate(prepared.poll, votes[0])
        assert not Participation.objects.exists()  # the calibration POST was rolled back
        done = voting.cast_raw(voting.raw_rows(inserts, prepared.poll, prepared.members, votes), THREADS)
        assert voting.check(prepared.poll, done, VOTERS) == []
        # The rows are sealed as a cast ballot is: they open to exactly the votes sent.
        opened = [sealing.unseal(prepared.poll.pk, b.choices)[0] for b in Ballot.objects.all()]
        assert sorted(choices["selected"] for choices in opened) == sorted(v.selected for v in votes)
        assert set(Participation.objects.values_list("member_id", "channel")) == {
            (m.pk, "online") for m in prepared.members
        }
    finally:
        voting_seed.delete_sessions(keys)
        voting_seed.delete_polls()
