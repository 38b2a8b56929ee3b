"""Secret ballots (DESIGN.md §5): the ballot table names nobody and keeps no time or sequence,
storage order does not replay casting order, logs never put a voter next to a choice, results
stay hidden until released."""

from __future__ import annotations

import base64
import itertools
import json
import logging

import pytest
from django.db import connection, models

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.voting import sealing, services
from gonghui.voting.enums import PollState
from gonghui.voting.models import Ballot, Poll, RaterGroup

from .factories import drive, electorate, make_poll, option_ids

pytestmark = pytest.mark.django_db


# --- the model ------------------------------------------------------------------------------


def test_the_ballot_model_has_no_field_that_refers_to_a_person():
    relations = {f.name: f.related_model for f in Ballot._meta.get_fields() if f.is_relation}

    assert relations == {"poll": Poll, "rater_group": RaterGroup}


def test_the_ballot_model_has_no_timestamp():
    kinds = (models.DateTimeField, models.DateField, models.TimeField, models.DurationField)

    assert [f.name for f in Ballot._meta.concrete_fields if isinstance(f, kinds)] == []


def test_the_ballot_key_is_a_random_uuid_not_a_sequence():
    pk = Ballot._meta.pk

    assert isinstance(pk, models.UUIDField)
    assert not any(isinstance(f, models.AutoField | models.BigAutoField | models.SmallAutoField)
                   for f in Ballot._meta.concrete_fields)  # fmt: skip
    keys = [pk.get_default() for _ in range(50)]
    assert all(k.version == 4 for k in keys)
    assert keys != sorted(keys)


def test_ballots_are_read_by_their_random_key_by_default():
    assert Ballot._meta.ordering == ["id"]


def test_the_only_integer_fields_of_a_ballot_are_references_to_poll_and_group():
    names = {f.attname for f in Ballot._meta.concrete_fields}

    assert names == {"id", "poll_id", "rater_group_id", "receipt", "choices"}


# --- storage order --------------------------------------------------------------------------


def kendall_tau(order: list[int]) -> float:
    """Rank correlation of a sequence with 0..n-1: 1 = same order, 0 = unrelated, -1 = reversed."""
    n = len(order)
    concordant = discordant = 0
    for i in range(n):
        for j in range(i + 1, n):
            if order[i] < order[j]:
                concordant += 1
            else:
                discordant += 1
    return (concordant - discordant) / (n * (n - 1) / 2)


def longest_ascending_run(order: list[int]) -> int:
    """The longest stretch of consecutive casting positions read back one after the other."""
    best = run = 1
    for a, b in itertools.pairwise(order):
        run = run + 1 if b == a + 1 else 1
        best = max(best, run)
    return best


def _raw_order(poll: Poll, cast: dict[str, int]) -> list[int]:
    """Ballots as the table stores them: a full scan with no ORDER BY and no index (a WHERE on
    poll_id would read through the (poll, receipt) index, in receipt order)."""
    # While the poll is open the row holds the receipt's keyed tag (voting.sealing), not the receipt.
    positions = cast | {sealing.receipt_tag(poll.pk, receipt): n for receipt, n in cast.items()}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT poll_id, receipt, choices FROM {Ballot._meta.db_table}")
        return [positions[receipt] for poll_id, receipt, _choices in cursor.fetchall() if poll_id == poll.pk]


def _write_order(poll: Poll, cast: dict[str, int]) -> list[int]:
    """Ballots in the order in which the database records having written them: SQLite's rowid (each
    insert takes the largest rowid + 1, and a full scan reads in rowid order) and PostgreSQL's xmin,
    the id of the (sub)transaction that wrote the row (ballot_cast writes each ballot in a savepoint
    of its own; ids are handed out in increasing order, 32 bits, no wraparound within a test)."""
    positions = cast | {sealing.receipt_tag(poll.pk, receipt): n for receipt, n in cast.items()}
    written = "xmin::text::bigint" if connection.vendor == "postgresql" else "rowid"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT receipt FROM {Ballot._meta.db_table} WHERE poll_id = %s ORDER BY {written}", [poll.pk]
        )
        return [positions[receipt] for (receipt,) in cursor.fetchall()]


def test_reading_ballots_back_in_storage_order_does_not_reproduce_the_casting_order(tree):
    poll = make_poll(tree.school1, voters=200, kind="simple", options=["甲", "乙"], state=PollState.OPEN)
    first = option_ids(poll)["甲"]
    cast: dict[str, int] = {}
    for position, member in enumerate(electorate(poll)):
        cast[services.ballot_cast(poll=poll, member=member, choices={"selected": [first]})] = position
    # The measures can fail: before closing, the order in which the database wrote the rows IS the
    # casting order. Not the raw scan here: on PostgreSQL an insert may land in space that VACUUM
    # freed in an earlier page (rows of other tests, rolled back) while the ballots before it went to
    # the end of the table, so the physical order of an open poll need not follow casting order
    # (tau 0.129 once), although nothing has shuffled it yet. After closing, the raw scan, the write
    # order and the ORM's order must all look random.
    assert kendall_tau(_write_order(poll, cast)) > 0.5
    assert longest_ascending_run(_write_order(poll, cast)) >= 8

    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)

    raw = _raw_order(poll, cast)
    written = _write_order(poll, cast)  # PostgreSQL: one xmin (the closing transaction) for all
    orm = [cast[r] for r in Ballot.objects.filter(poll=poll).values_list("receipt", flat=True)]
    for order in (raw, written, orm):
        assert sorted(order) == list(range(200))
        # For a random order of 200, tau has a standard deviation of 0.048: |tau| < 0.25 fails by
        # chance about once in ten million runs, while any kept order gives tau near 1.
        assert abs(kendall_tau(order)) < 0.25
        assert longest_ascending_run(order) < 8
    assert raw != orm


# --- logs -----------------------------------------------------------------------------------


def test_no_log_record_or_audit_row_holds_a_voter_next_to_a_choice(tree, caplog):
    poll = make_poll(tree.school1, voters=3, options=["候选人甲甲", "候选人乙乙", "候选人丙丙"],
                     choose_max=1, allow_write_in=True, state=PollState.OPEN)  # fmt: skip
    ids = option_ids(poll)
    voters = electorate(poll)
    ballots = [
        {"selected": [ids["候选人乙乙"]]},
        {"selected": [], "write_ins": ["另选人丁丁"]},
        {"selected": [ids["候选人丙丙"]]},
    ]
    last_event = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first()
    caplog.set_level(logging.DEBUG)  # every logger, including the SQL log (django.* is at INFO)
    for name in list(logging.root.manager.loggerDict):
        caplog.set_level(logging.DEBUG, logger=name)
    connection.force_debug_cursor = True
    receipts = []
    try:
        for member, choices in zip(voters, ballots, strict=True):
            receipts.append(
                services.ballot_cast(poll=poll, member=member, choices=choices, actor=member.user)
            )
        with pytest.raises(DomainError):
            services.ballot_cast(poll=poll, member=voters[0], choices=ballots[0], actor=voters[0].user)
    finally:
        connection.force_debug_cursor = False

    records = [record.getMessage() + " " + repr(getattr(record, "params", "")) for record in caplog.records]
    assert any("voting_ballot" in r for r in records)  # the SQL log really was captured
    identifiers = [
        str(x)
        for m in voters
        for x in (m.name, m.user.username, m.user.name, m.mobile, f'member_id" = {m.pk}')
    ]
    ballot_ids = [str(pk) for pk in Ballot.objects.filter(poll=poll).values_list("id", flat=True)]
    choices = ["另选人丁丁", *receipts, *ballot_ids, '"selected"', "候选人乙乙", "候选人丙丙"]

    def holds_voter(text: str) -> bool:
        return any(i in text for i in identifiers) or "voting_participation" in text

    def holds_choice(text: str) -> bool:
        return any(c in text for c in choices) or 'INSERT INTO "voting_ballot"' in text

    assert [r for r in records if holds_voter(r) and holds_choice(r)] == []
    events = AuditEvent.objects.filter(pk__gt=last_event)
    assert sorted(events.values_list("action", flat=True)) == ["voting.vote"] * 3
    for event in events:
        text = " ".join(
            str(v) for v in (event.actor_label, event.object_repr, event.before, event.after, event.detail)
        )
        assert not holds_choice(text), text


# --- results hidden until released ----------------------------------------------------------


@pytest.mark.parametrize("state", [PollState.DRAFT, PollState.OPEN, PollState.CLOSED, PollState.CANCELLED])
def test_the_tally_and_the_receipt_list_are_refused_before_release(tree, state):
    poll = make_poll(tree.school1, voters=1, state=state)

    with pytest.raises(DomainError, match="公布结果之前"):
        services.poll_tally(poll)
    with pytest.raises(DomainError, match="公布结果之前"):
        services.published_ballots(poll)


def test_a_stale_poll_object_does_not_unlock_the_results(tree):
    poll = make_poll(tree.school1, voters=1, state=PollState.CLOSED)
    poll.state = PollState.RELEASED  # in memory only

    with pytest.raises(DomainError, match="公布结果之前"):
        services.poll_tally(poll)


# --- sealed while open: the database alone reads no choice -----------------------------------


def _raw_rows(poll: Poll) -> list[dict]:
    """Every column of the poll's ballot rows, read with a cursor (what the database alone holds)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Ballot._meta.db_table} WHERE poll_id = %s", [poll.pk])
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@pytest.mark.parametrize("kind", ["election", "evaluation"])
def test_with_the_database_alone_no_choice_of_an_open_poll_can_be_read(tree, kind):
    if kind == "election":
        poll = make_poll(tree.school1, voters=3, options=["候选人甲甲", "候选人乙乙", "候选人丙丙"],
                         allow_write_in=True, state=PollState.OPEN)  # fmt: skip
        ids = option_ids(poll)
        ballots = [{"selected": [ids["候选人乙乙"]]}, {"selected": [], "write_ins": ["另选人丁丁"]},
                   {"selected": [ids["候选人甲甲"], ids["候选人丙丙"]][:1]}]  # fmt: skip
    else:
        poll = make_poll(tree.school1, kind="evaluation", voters=3, options=["被测评人甲", "被测评人乙"],
                         scale="grades", state=PollState.OPEN)  # fmt: skip
        ids = option_ids(poll)
        ballots = [
            {"grades": {str(ids["被测评人甲"]): "excellent", str(ids["被测评人乙"]): "incompetent"}}
        ] * 3
    receipts = [
        services.ballot_cast(poll=poll, member=member, choices=choices)
        for member, choices in zip(electorate(poll), ballots, strict=True)
    ]

    stored = _raw_rows(poll)
    texts = [str(value) for row in stored for value in row.values()]
    readable = [*receipts, "selected", "write_ins", "grades", "scores", "另选人丁丁", "excellent", "incompetent",
                *[o.name for o in poll.options.all()]]  # fmt: skip
    assert len(stored) == 3
    assert [t for t in texts if any(word in t for word in readable)] == []
    for row in stored:
        sealed = json.loads(row["choices"]) if isinstance(row["choices"], str) else row["choices"]
        assert list(sealed) == ["sealed"]  # one opaque token: no option id, no grade, no structure
        assert len(base64.b64decode(sealed["sealed"])) > sealing.BLOCK  # padded ciphertext, not the JSON
        with pytest.raises(sealing.SealError):
            sealing.unseal(poll.pk, sealed, secret="another server's secret")
        with pytest.raises(sealing.SealError):
            sealing.unseal(poll.pk + 1, sealed)  # nor with another poll's key
    # All ballots are the same size, whatever they hold.
    assert len({len(row["choices"] if isinstance(row["choices"], str) else json.dumps(row["choices"]))
                for row in stored}) == 1  # fmt: skip
    # The server's secret opens them, and closing the poll does exactly that.
    assert sorted(sealing.unseal(poll.pk, json.loads(r["choices"]) if isinstance(r["choices"], str)
                                 else r["choices"])[1] for r in stored) == sorted(receipts)  # fmt: skip
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    assert sorted(Ballot.objects.filter(poll=poll).values_list("receipt", flat=True)) == sorted(receipts)
    assert sorted(
        map(json.dumps, Ballot.objects.filter(poll=poll).values_list("choices", flat=True))
    ) == sorted(json.dumps(services.clean_choices(poll, choices)) for choices in ballots)


def test_paper_code_ballots_are_sealed_too_and_counted_after_closing(tree):
    poll = make_poll(tree.school1, voters=2, options=["甲", "乙"], choose_max=1)
    (code,) = services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()[:1]))
    poll = services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)

    receipt = services.ballot_cast(poll=poll, code=code, choices={"selected": [option_ids(poll)["乙"]]})

    assert sealing.is_sealed(Ballot.objects.get(poll=poll).choices)
    assert receipt not in {str(value) for row in _raw_rows(poll) for value in row.values()}
    voter = electorate(poll)[1]
    services.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["乙"]]})
    poll = drive(poll, PollState.RELEASED)
    assert [row.name for row in services.poll_tally(poll).counted.elected] == ["乙"]
    assert receipt in dict(services.published_ballots(poll))
