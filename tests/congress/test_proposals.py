"""Proposals (提案): 草稿 → 已提交 → 审查 (立案 / 不立案 / 并案 / 转为建议) → 交办 → 答复 → 评价
(不满意 sends it back) → 落实 → 办结, each step allowed and each wrong step refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone

from gonghui.congress import services
from gonghui.congress.enums import Implementation, ProposalCategory, ProposalState, Rating, SessionStatus
from gonghui.congress.models import Answer, Assignment, Cosigner, Proposal, Suggestion
from gonghui.core.access import can, get_for_user, visible
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification

from .factories import DelegateFactory, ProposalFactory, SessionFactory, TermFactory, department_user, today

DAY = dt.timedelta(days=1)


def trail(proposal) -> list[tuple[str, str]]:
    """The proposal's state changes as audited, oldest first."""
    events = AuditEvent.objects.filter(action="congress.proposal_state", object_id=str(proposal.pk))
    return [(e.before["state"], e.after["state"]) for e in events.order_by("id")]


def last_change(proposal) -> AuditEvent:
    events = AuditEvent.objects.filter(action="congress.proposal_state", object_id=str(proposal.pk))
    return events.order_by("-id").first()


def notified(user) -> list[str]:
    return list(Notification.objects.filter(user=user).order_by("id").values_list("title", flat=True))


def fresh(proposal) -> Proposal:
    return Proposal.objects.get(pk=proposal.pk)


@pytest.fixture
def make(session, proposer, cosigners, chair, department_handler):
    """`make(state)`: a proposal of `proposer` with the two co-signers, walked to `state`."""

    def make_proposal(state=ProposalState.DRAFT, **kwargs) -> Proposal:
        options = {
            "session": session,
            "proposer": proposer,
            "cosigners": cosigners,
            "committee": chair,
            "departments": [department_handler],
            **kwargs,
        }
        return ProposalFactory(state=state, **options)

    return make_proposal


def draft(session, proposer, cosigners=(), **fields) -> Proposal:
    return services.proposal_create(
        actor=proposer.user,
        session=session,
        proposer=proposer,
        title=fields.pop("title", "关于教师办公室加装空调的提案"),
        category=fields.pop("category", ProposalCategory.LOGISTICS),
        reason=fields.pop("reason", "夏季办公室温度过高。"),
        measures=fields.pop("measures", "为各办公室加装空调。"),
        cosigners=cosigners,
    )


# --- the whole journey ----------------------------------------------------------------------


def test_a_proposal_goes_from_draft_to_closed_through_every_step(
    session, proposer, cosigners, chair, department_handler, second_department
):
    proposal = draft(session, proposer, cosigners)
    for cosigner in cosigners:
        services.cosigner_confirm(actor=cosigner.user, proposal=proposal, delegate=cosigner)

    assert services.proposal_submit(actor=proposer.user, proposal=proposal).state == ProposalState.SUBMITTED
    registered = services.proposal_review(actor=chair, proposal=proposal, decision=ProposalState.REGISTERED)
    assert (registered.state, registered.number) == (ProposalState.REGISTERED, 1)

    deadline = today() + 14 * DAY
    services.proposal_assign(
        actor=chair, proposal=proposal, departments=[department_handler, second_department], deadline=deadline
    )
    assert fresh(proposal).state == ProposalState.ASSIGNED

    services.proposal_answer(actor=department_handler, proposal=proposal, body="总务处：暑假安装。")
    assert fresh(proposal).state == ProposalState.ASSIGNED  # 教务处 has not answered yet
    services.proposal_answer(actor=second_department, proposal=proposal, body="教务处：调整办公室。")
    first_answered_at = fresh(proposal).first_answered_at
    assert fresh(proposal).state == ProposalState.ANSWERED and first_answered_at is not None

    services.proposal_rate(
        actor=proposer.user, proposal=proposal, rating=Rating.UNSATISFIED, comment="未说明时间"
    )
    assert fresh(proposal).state == ProposalState.ASSIGNED

    services.proposal_answer(actor=department_handler, proposal=proposal, body="总务处：7月15日前安装完毕。")
    services.proposal_answer(actor=second_department, proposal=proposal, body="教务处：同意。")
    assert fresh(proposal).state == ProposalState.ANSWERED
    assert fresh(proposal).first_answered_at == first_answered_at

    assert (
        services.proposal_rate(actor=proposer.user, proposal=proposal, rating=Rating.SATISFIED).state
        == ProposalState.RATED
    )
    implementing = services.proposal_implement(
        actor=chair, proposal=proposal, status=Implementation.IN_PROGRESS, note="已采购"
    )
    assert implementing.state == ProposalState.IMPLEMENTING
    closed = services.proposal_implement(
        actor=chair, proposal=proposal, status=Implementation.DONE, note="已安装"
    )

    assert (closed.state, closed.implementation, closed.implementation_note) == (
        ProposalState.CLOSED,
        Implementation.DONE,
        "已安装",
    )
    assert closed.closed_at is not None
    assert closed.rating == Rating.SATISFIED
    assert trail(proposal) == [
        ("draft", "submitted"),
        ("submitted", "registered"),
        ("registered", "assigned"),
        ("assigned", "answered"),
        ("answered", "assigned"),
        ("assigned", "answered"),
        ("answered", "rated"),
        ("rated", "implementing"),
        ("implementing", "closed"),
    ]
    assert [(a.round, a.answered_by) for a in proposal.answers.all()] == [
        (1, department_handler),
        (1, second_department),
        (2, department_handler),
        (2, second_department),
    ]
    assert all(a.on_time for a in proposal.answers.all())
    assert [(r.round, r.rating) for r in proposal.ratings.all()] == [(1, "unsatisfied"), (2, "satisfied")]


def test_every_state_change_is_audited_with_its_actor(make, proposer, chair, department_handler):
    proposal = make(ProposalState.RATED)

    events = AuditEvent.objects.filter(action="congress.proposal_state", object_id=str(proposal.pk)).order_by(
        "id"
    )

    assert [e.actor for e in events] == [proposer.user, chair, chair, department_handler, proposer.user]
    assert {e.org_id for e in events} == {proposal.org_id}
    assert events[1].after == {"state": "registered", "note": ""}
    assert events[4].after == {"state": "rated", "rating": "satisfied"}


# --- drafting -------------------------------------------------------------------------------


def test_a_delegate_drafts_a_proposal_naming_cosigners_who_have_not_confirmed_yet(
    session, proposer, cosigners
):
    proposal = draft(session, proposer, cosigners)

    assert (proposal.state, proposal.org, proposal.proposer_user, proposal.number) == (
        ProposalState.DRAFT,
        session.org,
        proposer.user,
        None,
    )
    assert sorted(c.delegate_id for c in proposal.cosigners.all()) == sorted(c.pk for c in cosigners)
    assert not proposal.cosigners.filter(confirmed_at__isnull=False).exists()
    event = AuditEvent.objects.get(action="congress.proposal_create", object_id=str(proposal.pk))
    assert event.actor == proposer.user


def test_cosigners_are_asked_to_confirm_when_the_proposal_is_drafted(
    session, proposer, cosigners, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        proposal = draft(session, proposer, cosigners)

    for cosigner in cosigners:
        message = Notification.objects.get(user=cosigner.user)
        assert (message.title, message.url, message.org) == (
            "请确认附议提案",
            f"/congress/proposals/{proposal.pk}/",
            session.org,
        )
    assert notified(proposer.user) == []


def test_the_proposer_named_as_own_cosigner_is_left_out(session, proposer, cosigners):
    proposal = draft(session, proposer, [proposer, *cosigners])

    assert not proposal.cosigners.filter(delegate=proposer).exists()
    assert proposal.cosigners.count() == 2


def test_a_proposal_may_be_drafted_while_the_session_is_being_prepared(term, proposer):
    session = SessionFactory(term=term)

    assert draft(session, proposer).state == ProposalState.DRAFT


def test_a_delegate_of_another_term_cannot_propose(tree, session):
    old_delegate = DelegateFactory(term=TermFactory(org=tree.school1, number=5))

    with pytest.raises(DomainError, match="只有本届在任代表可以提出提案"):
        draft(session, old_delegate)

    assert not Proposal.objects.exists()


def test_a_delegate_of_another_union_cannot_propose(tree, session):
    outsider = DelegateFactory(term=TermFactory(org=tree.school2))

    with pytest.raises(DomainError, match="只有本届在任代表可以提出提案"):
        draft(session, outsider)


def test_a_replaced_delegate_cannot_propose(term, session, proposer):
    DelegateFactory(term=term, replaces=proposer)
    proposer.refresh_from_db()

    with pytest.raises(DomainError, match="只有本届在任代表可以提出提案"):
        draft(session, proposer)


def test_a_delegate_of_another_term_cannot_cosign(tree, session, proposer):
    old_delegate = DelegateFactory(term=TermFactory(org=tree.school1, number=5))

    with pytest.raises(DomainError, match="附议人须为本届在任代表"):
        draft(session, proposer, [old_delegate])

    assert not Proposal.objects.exists()


def test_no_proposal_is_accepted_in_a_closed_session(term, proposer):
    closed = SessionFactory(term=term, status=SessionStatus.CLOSED)

    with pytest.raises(DomainError, match="已闭会，不再受理提案"):
        draft(closed, proposer)


def test_a_draft_can_be_edited(make, proposer):
    proposal = make()

    edited = services.proposal_update_draft(
        actor=proposer.user, proposal=proposal, title="关于为教师办公室加装空调的提案", category="welfare"
    )

    assert (fresh(proposal).title, fresh(proposal).category) == ("关于为教师办公室加装空调的提案", "welfare")
    assert edited.state == ProposalState.DRAFT


@pytest.mark.parametrize("state", [ProposalState.SUBMITTED, ProposalState.REGISTERED, ProposalState.ASSIGNED])
def test_nobody_edits_a_proposal_after_it_was_submitted(make, proposer, state):
    proposal = make(state)

    with pytest.raises(DomainError, match="提案提交后不能再修改内容"):
        services.proposal_update_draft(actor=proposer.user, proposal=proposal, title="改过的案由")

    assert fresh(proposal).title == proposal.title


# --- co-signing and submitting --------------------------------------------------------------


def test_a_cosigner_confirms_once_and_a_second_confirmation_changes_nothing(make, cosigners):
    proposal = make()
    first = services.cosigner_confirm(actor=cosigners[0].user, proposal=proposal, delegate=cosigners[0])

    again = services.cosigner_confirm(actor=cosigners[0].user, proposal=proposal, delegate=cosigners[0])

    assert first.confirmed_at is not None
    assert again.confirmed_at == first.confirmed_at


def test_a_delegate_not_named_as_cosigner_cannot_confirm(make, delegates):
    proposal = make()

    with pytest.raises(DomainError, match="您不是该提案的附议人"):
        services.cosigner_confirm(actor=delegates[3].user, proposal=proposal, delegate=delegates[3])


def test_submitting_needs_the_configured_number_of_confirmed_cosigners(make, proposer, cosigners):
    proposal = make()
    services.cosigner_confirm(actor=None, proposal=proposal, delegate=cosigners[0])

    with pytest.raises(DomainError, match="至少2名代表附议确认，目前已确认1名"):
        services.proposal_submit(actor=proposer.user, proposal=proposal)

    assert fresh(proposal).state == ProposalState.DRAFT
    assert trail(proposal) == []


def test_named_but_unconfirmed_cosigners_do_not_count(make, proposer, delegates):
    proposal = make(cosigners=delegates[1:4])  # three named
    services.cosigner_confirm(actor=None, proposal=proposal, delegate=delegates[1])

    with pytest.raises(DomainError, match="目前已确认1名"):
        services.proposal_submit(actor=proposer.user, proposal=proposal)

    services.cosigner_confirm(actor=None, proposal=proposal, delegate=delegates[3])
    assert services.proposal_submit(actor=proposer.user, proposal=proposal).state == ProposalState.SUBMITTED


def test_the_number_of_cosigners_is_set_per_term(tree):
    term = TermFactory(org=tree.school1, number=7, cosigners_required=0)
    session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
    proposer = DelegateFactory(term=term)
    proposal = draft(session, proposer)

    assert services.proposal_submit(actor=proposer.user, proposal=proposal).state == ProposalState.SUBMITTED


def test_a_submitted_proposal_records_when_and_who(make, proposer, cosigners):
    proposal = make()
    for cosigner in cosigners:
        services.cosigner_confirm(actor=cosigner.user, proposal=proposal, delegate=cosigner)

    submitted = services.proposal_submit(actor=proposer.user, proposal=proposal)

    assert submitted.submitted_at is not None
    assert trail(proposal) == [("draft", "submitted")]


def test_a_submitted_proposal_cannot_be_submitted_again(make, proposer):
    proposal = make(ProposalState.SUBMITTED)

    with pytest.raises(DomainError, match="提案当前为“已提交”，不能办理为“已提交”"):
        services.proposal_submit(actor=proposer.user, proposal=proposal)


# --- review by the proposal committee -------------------------------------------------------


def test_registered_proposals_are_numbered_one_two_in_the_order_registered_per_session(make, term, chair):
    first_drafted = make(ProposalState.SUBMITTED)
    second_drafted = make(ProposalState.SUBMITTED)
    other_session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
    elsewhere = make(ProposalState.SUBMITTED, session=other_session)

    services.proposal_review(actor=chair, proposal=second_drafted, decision=ProposalState.REGISTERED)
    services.proposal_review(actor=chair, proposal=first_drafted, decision=ProposalState.REGISTERED)
    services.proposal_review(actor=chair, proposal=elsewhere, decision=ProposalState.REGISTERED)

    assert [fresh(p).number for p in (second_drafted, first_drafted, elsewhere)] == [1, 2, 1]
    assert fresh(first_drafted).registered_at is not None


def test_the_proposer_is_told_the_review_decision(make, proposer, chair, django_capture_on_commit_callbacks):
    proposal = make(ProposalState.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_review(actor=chair, proposal=proposal, decision=ProposalState.REGISTERED)

    assert notified(proposer.user) == ["您的提案已审查：已立案"]


def test_a_draft_cannot_be_reviewed(make, chair):
    proposal = make()

    with pytest.raises(DomainError, match="提案当前为“草稿”，不能办理为“已立案”"):
        services.proposal_review(actor=chair, proposal=proposal, decision=ProposalState.REGISTERED)

    assert fresh(proposal).number is None


def test_a_registered_proposal_cannot_be_reviewed_again(make, chair):
    proposal = make(ProposalState.REGISTERED)

    with pytest.raises(DomainError, match="提案当前为“已立案”"):
        services.proposal_review(
            actor=chair, proposal=proposal, decision=ProposalState.NOT_REGISTERED, note="重复"
        )

    assert (fresh(proposal).state, fresh(proposal).number) == (ProposalState.REGISTERED, 1)


@pytest.mark.parametrize("decision", [ProposalState.NOT_REGISTERED, ProposalState.CONVERTED])
@pytest.mark.parametrize("note", ["", "   "])
def test_not_registering_or_converting_needs_a_reason(make, chair, decision, note):
    proposal = make(ProposalState.SUBMITTED)

    with pytest.raises(DomainError, match="须写明理由"):
        services.proposal_review(actor=chair, proposal=proposal, decision=decision, note=note)

    assert fresh(proposal).state == ProposalState.SUBMITTED
    assert not Suggestion.objects.exists()


def test_a_proposal_not_registered_keeps_the_reason_and_goes_no_further(make, chair, department_handler):
    proposal = make(ProposalState.SUBMITTED)

    services.proposal_review(
        actor=chair, proposal=proposal, decision=ProposalState.NOT_REGISTERED, note="不属于教代会职权范围"
    )

    assert (fresh(proposal).state, fresh(proposal).review_note, fresh(proposal).number) == (
        ProposalState.NOT_REGISTERED,
        "不属于教代会职权范围",
        None,
    )
    assert last_change(proposal).after == {
        "state": "not_registered",
        "note": "不属于教代会职权范围",
    }
    with pytest.raises(DomainError, match="提案当前为“不立案”"):
        services.proposal_assign(
            actor=chair, proposal=proposal, departments=[department_handler], deadline=today() + DAY
        )


def test_converting_to_a_suggestion_creates_a_suggestion_linked_to_the_proposal(make, proposer, chair):
    proposal = make(ProposalState.SUBMITTED, reason="食堂排队时间长。", measures="错峰就餐。")

    services.proposal_review(
        actor=chair, proposal=proposal, decision=ProposalState.CONVERTED, note="属于日常管理建议"
    )

    suggestion = Suggestion.objects.get(from_proposal=proposal)
    assert (suggestion.org, suggestion.submitter, suggestion.title, suggestion.state) == (
        proposal.org,
        proposer.user,
        proposal.title,
        "submitted",
    )
    assert "食堂排队时间长。" in suggestion.body and "错峰就餐。" in suggestion.body
    assert fresh(proposal).state == ProposalState.CONVERTED
    assert fresh(proposal).converted_suggestion == suggestion


def test_a_duplicate_proposal_is_merged_into_another_of_the_same_session(make, chair):
    main = make(ProposalState.REGISTERED)
    duplicate = make(ProposalState.SUBMITTED)

    services.proposal_review(
        actor=chair,
        proposal=duplicate,
        decision=ProposalState.MERGED,
        merge_into=main,
        note="与1号提案合并办理",
    )

    assert (fresh(duplicate).state, fresh(duplicate).merged_into, fresh(duplicate).number) == (
        ProposalState.MERGED,
        main,
        None,
    )
    assert list(main.merged.all()) == [duplicate]


def test_merging_needs_another_proposal_of_the_same_session(make, term, chair):
    proposal = make(ProposalState.SUBMITTED)
    other_session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
    elsewhere = make(ProposalState.REGISTERED, session=other_session)

    for target in (None, proposal, elsewhere):
        with pytest.raises(DomainError, match="同一次会议中的另一件提案"):
            services.proposal_review(
                actor=chair, proposal=proposal, decision=ProposalState.MERGED, merge_into=target
            )

    assert (fresh(proposal).state, fresh(proposal).merged_into) == (ProposalState.SUBMITTED, None)


# --- assignment (交办) -----------------------------------------------------------------------


def test_assigning_sends_the_proposal_to_its_departments_with_a_deadline(
    make, chair, department_handler, second_department, django_capture_on_commit_callbacks
):
    proposal = make(ProposalState.REGISTERED)
    deadline = today() + 10 * DAY

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_assign(
            actor=chair,
            proposal=proposal,
            departments=[department_handler, second_department],
            deadline=deadline,
        )

    proposal = fresh(proposal)
    assert (proposal.state, proposal.deadline) == (ProposalState.ASSIGNED, deadline)
    assert proposal.assigned_at is not None
    assert sorted((a.department_id, a.deadline, a.active) for a in proposal.assignments.all()) == sorted(
        [(department_handler.pk, deadline, True), (second_department.pk, deadline, True)]
    )
    title = f"请办理提案：{proposal.title}"
    assert notified(department_handler) == [title]
    assert notified(second_department) == [title]
    last = last_change(proposal)
    assert last.after == {
        "state": "assigned",
        "departments": [department_handler.pk, second_department.pk],
        "deadline": deadline.isoformat(),
    }


def test_the_deadline_may_be_today(make, chair, department_handler):
    proposal = make(ProposalState.REGISTERED)

    services.proposal_assign(
        actor=chair, proposal=proposal, departments=[department_handler], deadline=today()
    )

    assert fresh(proposal).state == ProposalState.ASSIGNED


def test_a_deadline_in_the_past_is_refused(make, chair, department_handler):
    proposal = make(ProposalState.REGISTERED)

    with pytest.raises(DomainError, match="答复期限不能早于今天"):
        services.proposal_assign(
            actor=chair, proposal=proposal, departments=[department_handler], deadline=today() - DAY
        )

    assert fresh(proposal).state == ProposalState.REGISTERED
    assert not Assignment.objects.exists()


def test_a_proposal_is_assigned_only_to_handling_departments_of_its_union(
    tree, make, chair, other_union_chair
):
    proposal = make(ProposalState.REGISTERED)
    other_union_department = department_user(tree.school2, name="第二小学总务处")

    for wrong in (chair, other_union_chair, other_union_department):
        with pytest.raises(DomainError, match="只能交办给本单位的承办部门"):
            services.proposal_assign(
                actor=chair, proposal=proposal, departments=[wrong], deadline=today() + DAY
            )

    assert fresh(proposal).state == ProposalState.REGISTERED
    assert not Assignment.objects.exists()


def test_assigning_needs_at_least_one_department(make, chair):
    proposal = make(ProposalState.REGISTERED)

    with pytest.raises(DomainError, match="请至少选择一个承办部门"):
        services.proposal_assign(actor=chair, proposal=proposal, departments=[], deadline=today() + DAY)


def test_a_proposal_not_yet_registered_cannot_be_assigned(make, chair, department_handler):
    proposal = make(ProposalState.SUBMITTED)

    with pytest.raises(DomainError, match="提案当前为“已提交”，不能办理为“已交办”"):
        services.proposal_assign(
            actor=chair, proposal=proposal, departments=[department_handler], deadline=today()
        )


def test_the_committee_reassigns_to_another_department_who_then_answers_instead(
    make, chair, department_handler, second_department
):
    proposal = make(ProposalState.ASSIGNED)

    services.proposal_assign(
        actor=chair, proposal=proposal, departments=[second_department], deadline=today() + DAY
    )

    assert {(a.department_id, a.active) for a in proposal.assignments.all()} == {
        (department_handler.pk, False),
        (second_department.pk, True),
    }
    assert trail(proposal)[-1] == ("assigned", "assigned")
    with pytest.raises(DomainError, match="未交办给您的部门"):
        services.proposal_answer(actor=department_handler, proposal=proposal, body="总务处答复")
    services.proposal_answer(actor=second_department, proposal=proposal, body="教务处答复")
    assert fresh(proposal).state == ProposalState.ANSWERED


def test_an_assigned_department_asks_to_reassign_giving_a_reason(make, department_handler):
    proposal = make(ProposalState.ASSIGNED)

    assignment = services.proposal_request_reassign(
        actor=department_handler, proposal=proposal, reason="  此事属于教务处职责  "
    )

    assert Assignment.objects.get(pk=assignment.pk).reassign_requested == "此事属于教务处职责"
    assert fresh(proposal).state == ProposalState.ASSIGNED
    event = AuditEvent.objects.get(action="congress.proposal_reassign_request", object_id=str(proposal.pk))
    assert event.actor == department_handler


def test_asking_to_reassign_needs_a_reason(make, department_handler):
    proposal = make(ProposalState.ASSIGNED)

    with pytest.raises(DomainError, match="请说明申请改派的理由"):
        services.proposal_request_reassign(actor=department_handler, proposal=proposal, reason=" ")

    assert proposal.assignments.get().reassign_requested == ""


def test_a_department_not_assigned_cannot_ask_to_reassign(make, second_department):
    proposal = make(ProposalState.ASSIGNED)

    with pytest.raises(DomainError, match="该提案未交办给您的部门"):
        services.proposal_request_reassign(actor=second_department, proposal=proposal, reason="不归我们")


# --- answers (答复) --------------------------------------------------------------------------


def test_the_assigned_department_answers_and_the_proposer_is_asked_to_rate(
    make, proposer, department_handler, django_capture_on_commit_callbacks
):
    proposal = make(ProposalState.ASSIGNED, deadline=today())

    with django_capture_on_commit_callbacks(execute=True):
        answer = services.proposal_answer(
            actor=department_handler, proposal=proposal, body="暑假期间完成安装。"
        )

    assert (answer.round, answer.body, answer.answered_by, answer.on_time) == (
        1,
        "暑假期间完成安装。",
        department_handler,
        True,
    )
    assert fresh(proposal).state == ProposalState.ANSWERED
    assert fresh(proposal).first_answered_at == answer.answered_at
    assert proposal.assignments.get().answered_at == answer.answered_at
    assert notified(proposer.user) == ["您的提案已答复，请评价"]
    assert last_change(proposal).after == {
        "state": "answered",
        "round": 1,
    }


def test_a_department_the_proposal_was_not_assigned_to_cannot_answer(make, second_department):
    proposal = make(ProposalState.ASSIGNED)

    with pytest.raises(DomainError, match="该提案未交办给您的部门，不能答复"):
        services.proposal_answer(actor=second_department, proposal=proposal, body="教务处答复")

    assert fresh(proposal).state == ProposalState.ASSIGNED
    assert not Answer.objects.exists()


def test_a_proposal_cannot_be_answered_before_it_is_assigned(make, department_handler):
    proposal = make(ProposalState.REGISTERED)

    with pytest.raises(DomainError, match="提案当前为“已立案”，不能答复"):
        services.proposal_answer(actor=department_handler, proposal=proposal, body="提前答复")


def test_an_answered_proposal_is_not_answered_again_before_the_rating(make, department_handler):
    proposal = make(ProposalState.ANSWERED)

    with pytest.raises(DomainError, match="提案当前为“已答复”，不能答复"):
        services.proposal_answer(actor=department_handler, proposal=proposal, body="补充答复")


def test_an_empty_answer_is_refused(make, department_handler):
    proposal = make(ProposalState.ASSIGNED)

    with pytest.raises(DomainError, match="答复内容不能为空"):
        services.proposal_answer(actor=department_handler, proposal=proposal, body="  ")

    assert proposal.assignments.get().answered_at is None


def test_with_two_departments_the_proposal_is_answered_only_when_both_have_answered(
    make, proposer, department_handler, second_department, django_capture_on_commit_callbacks
):
    proposal = make(ProposalState.ASSIGNED, departments=[department_handler, second_department])

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_answer(actor=second_department, proposal=proposal, body="教务处答复")
    assert fresh(proposal).state == ProposalState.ASSIGNED
    assert fresh(proposal).first_answered_at is None
    assert notified(proposer.user) == []

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_answer(actor=department_handler, proposal=proposal, body="总务处答复")
    assert fresh(proposal).state == ProposalState.ANSWERED
    assert notified(proposer.user) == ["您的提案已答复，请评价"]


def test_an_answer_on_the_day_after_the_deadline_is_late(make, department_handler, monkeypatch):
    proposal = make(ProposalState.ASSIGNED, deadline=today())
    tomorrow = today() + DAY
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)

    answer = services.proposal_answer(actor=department_handler, proposal=proposal, body="迟到的答复")

    assert answer.on_time is False
    assert fresh(proposal).state == ProposalState.ANSWERED


def test_an_answer_after_a_deadline_already_past_is_late(make, department_handler):
    proposal = make(ProposalState.ASSIGNED)
    Assignment.objects.filter(proposal=proposal).update(deadline=today() - 3 * DAY)
    Proposal.objects.filter(pk=proposal.pk).update(deadline=today() - 3 * DAY)

    answer = services.proposal_answer(actor=department_handler, proposal=proposal, body="迟到的答复")

    assert answer.on_time is False


# --- rating (评价) ---------------------------------------------------------------------------


def test_the_proposer_cannot_rate_before_an_answer(make, proposer):
    proposal = make(ProposalState.ASSIGNED)

    with pytest.raises(DomainError, match="提案答复后才能评价"):
        services.proposal_rate(actor=proposer.user, proposal=proposal, rating=Rating.SATISFIED)

    assert (fresh(proposal).rating, proposal.ratings.count()) == ("", 0)


def test_only_the_proposer_rates_the_answer(make, cosigners, chair, department_handler):
    proposal = make(ProposalState.ANSWERED)

    for someone_else in (cosigners[0].user, chair, department_handler, None):
        with pytest.raises(DomainError, match="只有提案人可以评价答复"):
            services.proposal_rate(actor=someone_else, proposal=proposal, rating=Rating.SATISFIED)

    assert fresh(proposal).state == ProposalState.ANSWERED


@pytest.mark.parametrize("rating", [Rating.SATISFIED, Rating.BASICALLY])
def test_a_satisfied_or_basically_satisfied_proposer_moves_the_proposal_to_rated(make, proposer, rating):
    proposal = make(ProposalState.ANSWERED)

    rated = services.proposal_rate(actor=proposer.user, proposal=proposal, rating=rating, comment="感谢")

    assert (rated.state, rated.rating) == (ProposalState.RATED, rating)
    assert [(r.round, r.rating, r.comment) for r in proposal.ratings.all()] == [(1, rating, "感谢")]


def test_an_unsatisfied_proposer_sends_the_proposal_back_to_its_departments(
    make, proposer, department_handler, second_department, django_capture_on_commit_callbacks
):
    proposal = make(ProposalState.ANSWERED, departments=[department_handler, second_department])

    with django_capture_on_commit_callbacks(execute=True):
        services.proposal_rate(
            actor=proposer.user, proposal=proposal, rating=Rating.UNSATISFIED, comment="太笼统"
        )

    assert (fresh(proposal).state, fresh(proposal).rating) == (ProposalState.ASSIGNED, Rating.UNSATISFIED)
    assert not proposal.assignments.filter(answered_at__isnull=False).exists()
    title = f"提案人对答复不满意，请再次答复：{proposal.title}"
    assert notified(department_handler) == [title]
    assert notified(second_department) == [title]
    assert trail(proposal)[-1] == ("answered", "assigned")

    with pytest.raises(DomainError, match="提案答复后才能评价"):
        services.proposal_rate(actor=proposer.user, proposal=proposal, rating=Rating.SATISFIED)

    services.proposal_answer(actor=department_handler, proposal=proposal, body="第二次答复")
    assert fresh(proposal).state == ProposalState.ASSIGNED  # 教务处 must answer again too
    answer = services.proposal_answer(actor=second_department, proposal=proposal, body="第二次答复")
    assert answer.round == 2
    assert fresh(proposal).state == ProposalState.ANSWERED


def test_a_rated_proposal_cannot_be_rated_again(make, proposer):
    proposal = make(ProposalState.RATED)

    with pytest.raises(DomainError, match="提案答复后才能评价"):
        services.proposal_rate(actor=proposer.user, proposal=proposal, rating=Rating.UNSATISFIED)

    assert (fresh(proposal).rating, proposal.ratings.count()) == (Rating.SATISFIED, 1)


# --- implementation (落实) and closing (办结) -------------------------------------------------


def test_implementation_in_progress_then_done_closes_the_proposal(make, chair):
    proposal = make(ProposalState.RATED)

    implementing = services.proposal_implement(
        actor=chair, proposal=proposal, status=Implementation.IN_PROGRESS, note="已立项"
    )
    assert (implementing.state, implementing.implementation, implementing.closed_at) == (
        ProposalState.IMPLEMENTING,
        Implementation.IN_PROGRESS,
        None,
    )

    closed = services.proposal_implement(
        actor=chair, proposal=proposal, status=Implementation.DONE, note="已完成"
    )
    assert (closed.state, closed.implementation, closed.implementation_note) == (
        ProposalState.CLOSED,
        Implementation.DONE,
        "已完成",
    )
    assert closed.closed_at is not None
    assert trail(proposal)[-2:] == [("rated", "implementing"), ("implementing", "closed")]


def test_a_proposal_that_cannot_be_implemented_yet_is_closed_with_that_finding(make, chair):
    proposal = make(ProposalState.RATED)

    closed = services.proposal_implement(
        actor=chair, proposal=proposal, status=Implementation.NOT_FEASIBLE, note="经费不足，列入明年预算"
    )

    assert (closed.state, closed.implementation) == (ProposalState.CLOSED, Implementation.NOT_FEASIBLE)
    assert last_change(proposal).after == {
        "state": "closed",
        "implementation": "not_feasible",
    }


def test_implementation_is_not_recorded_before_the_proposer_rated(make, chair):
    proposal = make(ProposalState.ANSWERED)

    with pytest.raises(DomainError, match="提案评价后才能登记落实情况"):
        services.proposal_implement(actor=chair, proposal=proposal, status=Implementation.DONE)

    assert (fresh(proposal).state, fresh(proposal).implementation) == (
        ProposalState.ANSWERED,
        Implementation.NOT_STARTED,
    )


def test_a_closed_proposal_is_final(make, chair, proposer, department_handler):
    proposal = make(ProposalState.CLOSED)

    with pytest.raises(DomainError, match="提案评价后才能登记落实情况"):
        services.proposal_implement(actor=chair, proposal=proposal, status=Implementation.IN_PROGRESS)
    with pytest.raises(DomainError, match="提案当前为“已办结”"):
        services.proposal_assign(
            actor=chair, proposal=proposal, departments=[department_handler], deadline=today()
        )
    with pytest.raises(DomainError, match="提案答复后才能评价"):
        services.proposal_rate(actor=proposer.user, proposal=proposal, rating=Rating.UNSATISFIED)
    assert fresh(proposal).state == ProposalState.CLOSED


# --- overdue answers (督办) ------------------------------------------------------------------


def test_an_assigned_proposal_past_its_deadline_is_overdue(make):
    proposal = make(ProposalState.ASSIGNED, deadline=today())
    assert fresh(proposal).is_overdue is False

    Proposal.objects.filter(pk=proposal.pk).update(deadline=today() - DAY)

    assert fresh(proposal).is_overdue is True


def test_an_answered_proposal_is_not_overdue(make):
    proposal = make(ProposalState.ANSWERED)
    Proposal.objects.filter(pk=proposal.pk).update(deadline=today() - DAY)

    assert fresh(proposal).is_overdue is False


def test_overdue_reminders_go_once_to_each_department_that_has_not_answered(
    make, department_handler, second_department
):
    both = make(ProposalState.ASSIGNED, departments=[department_handler, second_department])
    services.proposal_answer(actor=second_department, proposal=both, body="教务处已答复")
    alone = make(ProposalState.ASSIGNED)
    not_yet_due = make(ProposalState.ASSIGNED)
    Assignment.objects.filter(proposal__in=[both, alone]).update(deadline=today() - DAY)
    Assignment.objects.filter(proposal=not_yet_due).update(deadline=today())

    assert services.overdue_remind() == 2

    messages = Notification.objects.filter(user=department_handler).order_by("id")
    assert [(m.title, m.body) for m in messages] == [
        ("督办：提案答复已超期", both.title),
        ("督办：提案答复已超期", alone.title),
    ]
    assert notified(second_department) == []
    assert Assignment.objects.filter(reminded_at__isnull=False).count() == 2


def test_an_overdue_department_is_not_reminded_twice_on_the_same_day(make, department_handler):
    proposal = make(ProposalState.ASSIGNED)
    Assignment.objects.filter(proposal=proposal).update(deadline=today() - DAY)
    now = timezone.now()

    assert services.overdue_remind(now=now) == 1
    assert services.overdue_remind(now=now) == 0
    assert len(notified(department_handler)) == 1

    assert services.overdue_remind(now=now + DAY) == 1
    assert len(notified(department_handler)) == 2


def test_no_reminder_once_the_overdue_proposal_is_answered(make, department_handler):
    proposal = make(ProposalState.ASSIGNED)
    Assignment.objects.filter(proposal=proposal).update(deadline=today() - DAY)
    services.proposal_answer(actor=department_handler, proposal=proposal, body="答复")

    assert services.overdue_remind() == 0
    assert notified(department_handler) == []


# --- bugs: these describe the right behaviour and fail until the service is fixed -------------


def test_an_inactive_delegate_cannot_cosign(term, session, proposer, cosigners):
    DelegateFactory(term=term, replaces=cosigners[0])
    cosigners[0].refresh_from_db()

    with pytest.raises(DomainError, match="附议人须为本届"):
        draft(session, proposer, cosigners)


def test_a_draft_cannot_be_submitted_after_the_session_closed(make, session, chair, proposer, cosigners):
    proposal = make()
    for cosigner in cosigners:
        services.cosigner_confirm(actor=cosigner.user, proposal=proposal, delegate=cosigner)
    services.session_set_state(actor=chair, session=session, to=SessionStatus.CLOSED)

    with pytest.raises(DomainError, match="已闭会"):
        services.proposal_submit(actor=proposer.user, proposal=proposal)


def test_a_proposal_cannot_be_merged_into_a_draft(make, chair):
    unfinished = make()
    proposal = make(ProposalState.SUBMITTED)

    with pytest.raises(DomainError, match="并案"):
        services.proposal_review(
            actor=chair, proposal=proposal, decision=ProposalState.MERGED, merge_into=unfinished, note="重复"
        )


def test_a_department_cannot_ask_to_reassign_a_closed_proposal(make, department_handler):
    proposal = make(ProposalState.CLOSED)

    with pytest.raises(DomainError, match="改派"):
        services.proposal_request_reassign(actor=department_handler, proposal=proposal, reason="不归我们")


def test_a_rating_outside_the_three_grades_is_refused(make, proposer):
    proposal = make(ProposalState.ANSWERED)

    with pytest.raises(DomainError, match="评价"):
        services.proposal_rate(actor=proposer.user, proposal=proposal, rating="excellent")

    assert fresh(proposal).state == ProposalState.ANSWERED


def test_an_unsatisfied_rating_gives_the_departments_a_fresh_deadline(session):
    proposal = ProposalFactory(session=session, state=ProposalState.ANSWERED)
    Assignment.objects.filter(proposal=proposal).update(deadline=today() - 3 * DAY)
    Proposal.objects.filter(pk=proposal.pk).update(deadline=today() - 3 * DAY)

    services.proposal_rate(actor=proposal.proposer_user, proposal=proposal, rating=Rating.UNSATISFIED)

    deadlines = set(
        Assignment.objects.filter(proposal=proposal, active=True).values_list("deadline", flat=True)
    )
    assert deadlines == {today() + 15 * DAY}
    assert fresh(proposal).deadline == today() + 15 * DAY


# --- refused by the services themselves, not only by the pages ----------------------------------


def test_a_cosigner_cannot_confirm_once_the_proposal_was_submitted(make, proposer, delegates):
    proposal = make(cosigners=delegates[1:4])  # three named, two are enough
    for cosigner in delegates[1:3]:
        services.cosigner_confirm(actor=cosigner.user, proposal=proposal, delegate=cosigner)
    services.proposal_submit(actor=proposer.user, proposal=proposal)

    with pytest.raises(DomainError, match="提案当前为“已提交”，只有草稿可以确认附议"):
        services.cosigner_confirm(actor=delegates[3].user, proposal=proposal, delegate=delegates[3])

    assert Cosigner.objects.get(proposal=proposal, delegate=delegates[3]).confirmed_at is None


def test_a_cosigner_cannot_confirm_a_registered_proposal_either(make, delegates):
    proposal = make(ProposalState.REGISTERED, cosigners=delegates[1:4])
    late = Cosigner.objects.get(proposal=proposal, delegate=delegates[3])
    late.confirmed_at = None
    late.save(update_fields=["confirmed_at"])

    with pytest.raises(DomainError, match="只有草稿可以确认附议"):
        services.cosigner_confirm(actor=delegates[3].user, proposal=proposal, delegate=delegates[3])

    late.refresh_from_db()
    assert late.confirmed_at is None


@pytest.mark.parametrize("who", ["cosigner", "chair", "nobody"])
def test_only_the_proposer_submits_even_when_the_service_is_called_directly(make, cosigners, chair, who):
    proposal = make()
    for cosigner in cosigners:
        services.cosigner_confirm(actor=cosigner.user, proposal=proposal, delegate=cosigner)
    actor = {"cosigner": cosigners[0].user, "chair": chair, "nobody": None}[who]

    with pytest.raises(DomainError, match="只有提案人可以提交提案"):
        services.proposal_submit(actor=actor, proposal=proposal)

    assert (fresh(proposal).state, fresh(proposal).submitted_at) == (ProposalState.DRAFT, None)
    assert trail(proposal) == []


# --- numbering --------------------------------------------------------------------------------


def test_two_proposals_of_a_session_never_share_a_number(make):
    first = make(ProposalState.REGISTERED)
    second = make(ProposalState.REGISTERED)

    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=second.pk).update(number=fresh(first).number)

    assert (fresh(first).number, fresh(second).number) == (1, 2)


def test_any_number_of_drafts_have_no_number_yet(make):
    drafts = [make(), make(), make()]

    assert [fresh(p).number for p in drafts] == [None, None, None]


def test_the_same_number_is_used_again_in_another_session(make, term):
    here = make(ProposalState.REGISTERED)
    there = make(ProposalState.REGISTERED, session=SessionFactory(term=term, status=SessionStatus.IN_SESSION))

    assert fresh(here).number == fresh(there).number == 1


# --- who sees a proposal: Proposal's row rule, applied by every core.access entry point --------


def test_core_access_lets_a_department_reach_only_the_proposals_assigned_to_it(
    make, department_handler, second_department
):
    proposal = make(ProposalState.ASSIGNED)

    assert can(department_handler, "view", proposal)
    assert get_for_user(Proposal, department_handler, proposal.pk) == proposal
    assert not can(second_department, "view", proposal)
    with pytest.raises(Http404):
        get_for_user(Proposal, second_department, proposal.pk)


def test_core_access_keeps_a_draft_from_the_officers_until_it_is_submitted(make, chair, proposer):
    proposal = make(ProposalState.DRAFT)

    assert not visible(Proposal.objects.all(), chair).filter(pk=proposal.pk).exists()
    assert not can(chair, "view", proposal)
    assert can(proposer.user, "view", proposal)
    # Changing is the officers' (the services refuse what the state does not allow).
    assert can(chair, "change", proposal)
