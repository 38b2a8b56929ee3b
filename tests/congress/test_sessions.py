"""Terms (届) and sessions (次): numbering, the Party approval before opening, the session
lifecycle 筹备 → 召开 → 闭会, and attendance check-in."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.congress import services
from gonghui.congress.enums import SessionStatus
from gonghui.congress.models import Attendance
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

from .factories import DelegateFactory, SessionFactory, TermFactory, today


def state_changes(session) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(action="congress.session_state", object_id=str(session.pk)).order_by(
        "id"
    )
    return [(e.before["status"], e.after["status"]) for e in events]


# --- terms ----------------------------------------------------------------------------------


def test_a_grassroots_union_creates_a_term_named_in_chinese(tree, chair):
    term = services.term_create(actor=chair, org=tree.school1, number=6, start=dt.date(2024, 9, 1))

    assert str(term) == "第六届教职工代表大会"
    assert term.cosigners_required == 2
    event = AuditEvent.objects.get(action="congress.term_create", object_id=str(term.pk))
    assert (event.actor, event.org, event.after) == (chair, tree.school1, {"number": 6})


def test_a_county_union_cannot_hold_a_congress_term(tree, county_officer):
    with pytest.raises(DomainError, match="基层工会"):
        services.term_create(actor=county_officer, org=tree.county, number=1, start=dt.date(2024, 9, 1))


def test_a_union_group_cannot_hold_a_congress_term(tree, chair):
    with pytest.raises(DomainError, match="基层工会"):
        services.term_create(actor=chair, org=tree.school1_group_a, number=1, start=dt.date(2024, 9, 1))


# --- sessions -------------------------------------------------------------------------------


def test_sessions_of_a_term_are_numbered_one_two_three(term, chair):
    first = services.session_create(actor=chair, term=term, date=today(), place="报告厅")
    second = services.session_create(actor=chair, term=term, date=today())
    third = services.session_create(actor=chair, term=term, date=today())

    assert [first.number, second.number, third.number] == [1, 2, 3]
    assert str(second) == "第六届教职工代表大会第二次会议"
    assert (first.status, first.org) == (SessionStatus.PREPARING, term.org)
    event = AuditEvent.objects.get(action="congress.session_create", object_id=str(third.pk))
    assert (event.actor, event.after) == (chair, {"number": 3})


def test_session_numbers_start_again_at_one_in_a_new_term(tree, term):
    SessionFactory(term=term)
    SessionFactory(term=term)
    next_term = TermFactory(org=tree.school1, number=7)

    assert SessionFactory(term=next_term).number == 1


def test_a_session_cannot_open_without_the_party_branch_approval(term, chair):
    session = SessionFactory(term=term)

    with pytest.raises(DomainError, match="党支部审批"):
        services.session_set_state(actor=chair, session=session, to=SessionStatus.IN_SESSION)

    session.refresh_from_db()
    assert session.status == SessionStatus.PREPARING
    assert state_changes(session) == []


def test_the_party_branch_approval_is_recorded_and_audited(term, chair):
    session = SessionFactory(term=term)

    services.session_record_party_approval(
        actor=chair, session=session, on=dt.date(2025, 3, 1), note="同意召开"
    )

    session.refresh_from_db()
    assert (session.party_approved_on, session.party_approval_note) == (dt.date(2025, 3, 1), "同意召开")
    event = AuditEvent.objects.get(action="congress.party_approval", object_id=str(session.pk))
    assert event.after == {"on": "2025-03-01"}


def test_an_approved_session_opens_and_then_closes(term, chair):
    session = SessionFactory(term=term)
    services.session_record_party_approval(actor=chair, session=session, on=today())

    opened = services.session_set_state(actor=chair, session=session, to=SessionStatus.IN_SESSION)
    assert opened.status == SessionStatus.IN_SESSION
    assert opened.opened_at is not None and opened.closed_at is None

    closed = services.session_set_state(actor=chair, session=opened, to=SessionStatus.CLOSED)
    assert closed.status == SessionStatus.CLOSED
    assert closed.closed_at is not None

    assert state_changes(session) == [("preparing", "in_session"), ("in_session", "closed")]
    assert set(
        AuditEvent.objects.filter(action="congress.session_state").values_list("actor", flat=True)
    ) == {chair.pk}


def test_a_session_being_prepared_cannot_close_without_being_held(term, chair):
    session = SessionFactory(term=term)
    services.session_record_party_approval(actor=chair, session=session, on=today())

    with pytest.raises(DomainError, match="不能改为“闭会”"):
        services.session_set_state(actor=chair, session=session, to=SessionStatus.CLOSED)

    session.refresh_from_db()
    assert session.status == SessionStatus.PREPARING


def test_a_session_in_progress_cannot_go_back_to_preparing(session, chair):
    with pytest.raises(DomainError, match="会议当前为“召开”"):
        services.session_set_state(actor=chair, session=session, to=SessionStatus.PREPARING)


@pytest.mark.parametrize("to", [SessionStatus.PREPARING, SessionStatus.IN_SESSION, SessionStatus.CLOSED])
def test_a_closed_session_cannot_change_state(term, chair, to):
    session = SessionFactory(term=term, status=SessionStatus.CLOSED)

    with pytest.raises(DomainError, match="会议当前为“闭会”"):
        services.session_set_state(actor=chair, session=session, to=to)

    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    assert state_changes(session) == [("preparing", "in_session"), ("in_session", "closed")]


# --- check-in -------------------------------------------------------------------------------


def test_a_delegate_checks_in_once_and_a_second_check_in_changes_nothing(session, proposer):
    assert services.session_check_in(actor=proposer.user, session=session, delegate=proposer, by_self=True)
    assert not services.session_check_in(actor=None, session=session, delegate=proposer, by_self=False)

    attendance = Attendance.objects.get(session=session)
    assert (attendance.delegate, attendance.by_self) == (proposer, True)


def test_the_clerk_checks_in_several_delegates(session, delegates, chair):
    for delegate in delegates[:3]:
        services.session_check_in(actor=chair, session=session, delegate=delegate, by_self=False)

    assert session.attendances.count() == 3
    assert not session.attendances.filter(by_self=True).exists()


def test_a_delegate_can_check_in_while_the_session_is_prepared(term, proposer):
    session = SessionFactory(term=term)

    assert services.session_check_in(actor=None, session=session, delegate=proposer, by_self=True)


def test_a_delegate_of_another_term_cannot_check_in(tree, session):
    previous_term = TermFactory(org=tree.school1, number=5)
    old_delegate = DelegateFactory(term=previous_term)

    with pytest.raises(DomainError, match="不是本次会议的在任代表"):
        services.session_check_in(actor=None, session=session, delegate=old_delegate, by_self=True)

    assert not session.attendances.exists()


def test_a_delegate_of_another_union_cannot_check_in(tree, session):
    other_delegate = DelegateFactory(term=TermFactory(org=tree.school2))

    with pytest.raises(DomainError, match="不是本次会议的在任代表"):
        services.session_check_in(actor=None, session=session, delegate=other_delegate, by_self=True)


def test_a_replaced_delegate_cannot_check_in(term, session, proposer):
    DelegateFactory(term=term, replaces=proposer)
    proposer.refresh_from_db()

    with pytest.raises(DomainError, match="不是本次会议的在任代表"):
        services.session_check_in(actor=None, session=session, delegate=proposer, by_self=True)


def test_nobody_checks_in_after_the_session_closed(session, proposer, chair):
    closed = services.session_set_state(actor=chair, session=session, to=SessionStatus.CLOSED)

    with pytest.raises(DomainError, match="已闭会"):
        services.session_check_in(actor=proposer.user, session=closed, delegate=proposer, by_self=True)

    assert not closed.attendances.exists()
