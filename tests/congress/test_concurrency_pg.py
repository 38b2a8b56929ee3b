"""Races that only a real database with row locks can show (PostgreSQL, real threads).

Skipped on SQLite, where every write transaction is serialised anyway (transaction_mode
IMMEDIATE). Run with `make test-pg` or DATABASE_URL=postgres://… .venv/bin/pytest -m pg.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

from gonghui.congress import services
from gonghui.congress.enums import ProposalState, SessionStatus, VoteChoice
from gonghui.congress.models import AgendaItem, AgendaVote, Proposal
from gonghui.core.errors import DomainError

from .factories import DelegateFactory, ProposalFactory, SessionFactory, TermFactory

pytestmark = [
    pytest.mark.pg,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def run_together(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Start every call at the same moment, each in its own thread and connection; return errors."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def worker(call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
        except BaseException as error:  # reported to the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_proposals_registered_at_the_same_moment_get_distinct_numbers(tree):
    session = SessionFactory(term=TermFactory(org=tree.school1), status=SessionStatus.IN_SESSION)
    proposals = [ProposalFactory(session=session, state=ProposalState.SUBMITTED) for _ in range(4)]

    errors = run_together([
        lambda p=p: services.proposal_review(actor=None, proposal=p, decision=ProposalState.REGISTERED)
        for p in proposals
    ])  # fmt: skip

    assert errors == []
    assert sorted(Proposal.objects.filter(session=session).values_list("number", flat=True)) == [1, 2, 3, 4]


def test_a_delegate_voting_twice_at_the_same_moment_is_counted_once(tree):
    term = TermFactory(org=tree.school1)
    session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
    delegate = DelegateFactory(term=term)
    services.session_check_in(actor=None, session=session, delegate=delegate, by_self=True)
    item = services.item_open_named_vote(
        actor=None, item=AgendaItem.objects.create(session=session, title="学校年度工作计划")
    )

    errors = run_together([
        lambda choice=choice: services.item_vote(actor=delegate.user, item=item, choice=choice)
        for choice in (VoteChoice.FOR, VoteChoice.AGAINST)
    ])  # fmt: skip

    assert [str(e) for e in errors] == ["您已对该议题表决，不能重复投票。"]
    assert all(isinstance(e, DomainError) for e in errors)
    assert AgendaVote.objects.filter(item=item).count() == 1
