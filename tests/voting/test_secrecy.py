"""Secret ballots (DESIGN.md §5): the ballot table names nobody and keeps no time or sequence,
storage order does not replay casting order, logs never put a voter next to a choice, results
stay hidden until released."""

from __future__ import annotations

import itertools
import logging

import pytest
from django.db import connection, models

from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.voting import services
from gonghui.voting.enums import PollState
from gonghui.voting.models import Ballot, Poll, RaterGroup

from .factories import electorate, make_poll, option_ids

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
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT poll_id, receipt, choices FROM {Ballot._meta.db_table}")
        return [cast[receipt] for poll_id, receipt, _choices in cursor.fetchall() if poll_id == poll.pk]


def test_reading_ballots_back_in_storage_order_does_not_reproduce_the_casting_order(tree):
    poll = make_poll(tree.school1, voters=200, kind="simple", options=["甲", "乙"], state=PollState.OPEN)
    first = option_ids(poll)["甲"]
    cast: dict[str, int] = {}
    for position, member in enumerate(electorate(poll)):
        cast[services.ballot_cast(poll=poll, member=member, choices={"selected": [first]})] = position
    # The measure can fail: before closing, storage order IS the casting order.
    assert kendall_tau(_raw_order(poll, cast)) > 0.5

    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)

    raw = _raw_order(poll, cast)
    orm = [cast[r] for r in Ballot.objects.filter(poll=poll).values_list("receipt", flat=True)]
    for order in (raw, orm):
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
