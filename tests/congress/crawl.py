"""Congress URL fillers for the cross-organisation crawl (merged into tests/test_crawl.py).

URL name -> a function (tree, personas) returning the id of an object that belongs to school 2.
"""

from __future__ import annotations

from typing import Any

from gonghui.congress.models import Suggestion

from .factories import SuggestionFactory


def _school2_suggestion(tree: Any, p: Any) -> int:
    existing = Suggestion.objects.filter(org=tree.school2, title="第二小学的建议").first()
    if existing is not None:  # the crawl fills the same pattern more than once
        return existing.pk
    return SuggestionFactory(org=tree.school2, title="第二小学的建议").pk


def _school2_proposal(tree: Any, p: Any) -> int:
    """An assigned proposal of 第二小学's congress (proposer, co-signers and department there)."""
    from gonghui.congress.enums import ProposalState, SessionStatus
    from gonghui.congress.models import Proposal

    from .factories import ProposalFactory, SessionFactory, TermFactory, department_user

    existing = Proposal.objects.filter(org=tree.school2, title="第二小学的提案").first()
    if existing is not None:
        return existing.pk
    session = SessionFactory(term=TermFactory(org=tree.school2), status=SessionStatus.IN_SESSION)
    return ProposalFactory(
        session=session, title="第二小学的提案", state=ProposalState.ASSIGNED,
        departments=[department_user(tree.school2)],
    ).pk  # fmt: skip


def _school2_congress_session(tree: Any, p: Any) -> int:
    """A session of 第二小学's 第五届 (number 5, so other fillers' 第六届 does not collide)."""
    from gonghui.congress.enums import SessionStatus
    from gonghui.congress.models import CongressSession, CongressTerm

    from .factories import SessionFactory, TermFactory

    term = CongressTerm.objects.filter(org=tree.school2, number=5).first() or TermFactory(
        org=tree.school2, number=5
    )
    existing = CongressSession.objects.filter(term=term).first()
    if existing is not None:
        return existing.pk
    return SessionFactory(term=term, status=SessionStatus.IN_SESSION).pk


def _school2_congress_term(tree: Any, p: Any) -> int:
    from gonghui.congress.models import CongressSession

    return CongressSession.objects.get(pk=_school2_congress_session(tree, p)).term_id


def _school2_agenda_item(tree: Any, p: Any) -> int:
    from gonghui.congress.models import AgendaItem

    session_id = _school2_congress_session(tree, p)
    existing = AgendaItem.objects.filter(session_id=session_id).first()
    if existing is not None:
        return existing.pk
    return AgendaItem.objects.create(session_id=session_id, title="第二小学的议题").pk


def _school2_delegation(tree: Any, p: Any) -> int:
    from gonghui.congress.models import Delegation

    term_id = _school2_congress_term(tree, p)
    return Delegation.objects.get_or_create(term_id=term_id, name="第二小学代表团")[0].pk


def _school2_agenda_document(tree: Any, p: Any) -> int:
    """An agenda item of 第二小学 with an uploaded document (the crawl keeps MEDIA_ROOT in tmp)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.congress import services
    from gonghui.congress.models import AgendaItem, CongressSession

    session = CongressSession.objects.get(pk=_school2_congress_session(tree, p))
    existing = AgendaItem.objects.filter(session=session, title="第二小学的工作报告").first()
    if existing is not None:
        return existing.pk
    document = SimpleUploadedFile("第二小学工作报告.docx", b"school 2 report")
    return services.item_create(actor=None, session=session, title="第二小学的工作报告", document=document).pk


def _school2_answer(tree: Any, p: Any) -> int:
    """An answer with an attachment, to a second proposal of 第二小学's session."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.congress import services
    from gonghui.congress.enums import ProposalState
    from gonghui.congress.models import Answer, Proposal

    from .factories import ProposalFactory, department_user

    existing = Answer.objects.filter(
        proposal__org=tree.school2, proposal__title="第二小学已答复的提案"
    ).first()
    if existing is not None:
        return existing.pk
    session = Proposal.objects.get(pk=_school2_proposal(tree, p)).session
    department = department_user(tree.school2, name="第二小学总务处")
    proposal = ProposalFactory(
        session=session, title="第二小学已答复的提案", state=ProposalState.ASSIGNED, departments=[department]
    )
    attachment = SimpleUploadedFile("第二小学答复附件.pdf", b"%PDF school 2")
    return services.proposal_answer(
        actor=department, proposal=proposal, body="已答复。", attachment=attachment
    ).pk


FOREIGN_OBJECTS: dict = {
    "congress:session_detail": _school2_congress_session,
    "congress:session_approve": _school2_congress_session,
    "congress:session_state": _school2_congress_session,
    "congress:session_check_in": _school2_congress_session,
    "congress:session_item_create": _school2_congress_session,
    "congress:session_resolution": _school2_congress_session,
    "congress:session_proposal_report": _school2_congress_session,
    "congress:session_item_result": _school2_agenda_item,
    "congress:session_item_revise": _school2_agenda_item,
    "congress:session_item_vote_open": _school2_agenda_item,
    "congress:session_item_vote_close": _school2_agenda_item,
    "congress:session_item_vote": _school2_agenda_item,
    "congress:term_delegates": _school2_congress_term,
    "congress:term_delegates_assign": _school2_congress_term,
    "congress:term_delegation_create": _school2_congress_term,
    "congress:term_settings": _school2_congress_term,
    "congress:delegation_update": _school2_delegation,
    "congress:delegation_delete": _school2_delegation,
    "congress:agenda_document": _school2_agenda_document,
    "congress:answer_attachment": _school2_answer,
    "congress:suggestion_detail": _school2_suggestion,
    "congress:suggestion_adopt": _school2_suggestion,
    "congress:suggestion_reject": _school2_suggestion,
    "congress:suggestion_implement": _school2_suggestion,
    "congress:suggestion_reward": _school2_suggestion,
    "congress:proposal_detail": _school2_proposal,
    "congress:proposal_print": _school2_proposal,
    "congress:proposal_confirm": _school2_proposal,
    "congress:proposal_submit": _school2_proposal,
    "congress:proposal_review": _school2_proposal,
    "congress:proposal_assign": _school2_proposal,
    "congress:proposal_answer": _school2_proposal,
    "congress:proposal_reassign": _school2_proposal,
    "congress:proposal_rate": _school2_proposal,
    "congress:proposal_implement": _school2_proposal,
    "congress:proposal_publish": _school2_proposal,
}


# The school-1 chair's own congress pages, whose forms the body crawl (tests/test_crawl.py) posts
# with school 2's ids: a term's delegates and delegations, a session, a proposal being reviewed.


def _school1_session(tree: Any, p: Any) -> int:
    from gonghui.congress.enums import SessionStatus
    from gonghui.congress.models import CongressSession

    from .factories import SessionFactory, TermFactory

    existing = CongressSession.objects.filter(term__org=tree.school1, term__number=4).first()
    if existing is not None:
        return existing.pk
    return SessionFactory(term=TermFactory(org=tree.school1, number=4), status=SessionStatus.IN_SESSION).pk


def _school1_term(tree: Any, p: Any) -> int:
    from gonghui.congress.models import CongressSession

    return CongressSession.objects.get(pk=_school1_session(tree, p)).term_id


def _school1_proposal(tree: Any, p: Any) -> int:
    from gonghui.congress.enums import ProposalState
    from gonghui.congress.models import CongressSession, Proposal

    from .factories import ProposalFactory, department_user

    existing = Proposal.objects.filter(org=tree.school1, title="第一中学待审查的提案").first()
    if existing is not None:
        return existing.pk
    department_user(tree.school1)
    session = CongressSession.objects.get(pk=_school1_session(tree, p))
    return ProposalFactory(session=session, title="第一中学待审查的提案", state=ProposalState.SUBMITTED).pk


OWN_PAGES: dict = {
    "congress:term_delegates": _school1_term,
    "congress:session_detail": _school1_session,
    "congress:proposal_detail": _school1_proposal,
}
