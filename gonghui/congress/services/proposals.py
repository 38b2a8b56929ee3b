"""Writes of a proposal (提案) from draft to closing: co-signers, review, assignment (交办) to
departments, answers, ratings, implementation, publishing and the overdue reminder (督办).

Every state change goes through `proposal_set_state`, which checks the transition table in
`enums` and audits before/after. Notifications are sent after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.enums import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import RoleAssignment, User
from gonghui.core.services import notification_send
from gonghui.core.writes import service

from ..enums import (
    REGISTERED_STATES,
    ProposalState,
    Rating,
    SessionStatus,
)
from ..models import (
    Answer,
    Assignment,
    CongressSession,
    Cosigner,
    Delegate,
    Proposal,
    RatingRecord,
    Suggestion,
)
from ._common import _upload_name

# --- proposals ------------------------------------------------------------------------------


def _notify(users: Iterable[User | None], title: str, proposal: Proposal) -> None:
    recipients = [u for u in users if u is not None]
    url = f"/congress/proposals/{proposal.pk}/"
    transaction.on_commit(lambda: notification_send(users=recipients, title=title, url=url, org=proposal.org))


@service
def proposal_set_state(*, proposal: Proposal, actor: User | None, to: str, **after: Any) -> None:
    """The one place a proposal's state changes: checks the table, audits before/after."""
    Proposal.states.move(proposal, to=to, actor=actor, org=proposal.org, after=after)


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("proposer", "session")
        .get(pk=proposal.pk)
    )


@service
def proposal_create(
    *,
    actor: User | None,
    session: CongressSession,
    proposer: Delegate,
    title: str,
    category: str,
    reason: str,
    measures: str,
    cosigners: Iterable[Delegate] = (),
) -> Proposal:
    """A delegate drafts a proposal and names co-signers (who then confirm on their side)."""
    if proposer.term_id != session.term_id or not proposer.active:
        raise DomainError(_("只有本届在任代表可以提出提案。"))
    if session.status == SessionStatus.CLOSED:
        raise DomainError(_("本次会议已闭会，不再受理提案。"))
    proposal = Proposal(
        session=session, org=session.org, title=title.strip(), category=category, reason=reason, measures=measures,
        proposer=proposer, proposer_user=proposer.user,
    )  # fmt: skip
    proposal.full_clean()
    proposal.save()
    for delegate in cosigners:
        if delegate.pk == proposer.pk:
            continue
        if delegate.term_id != session.term_id or not delegate.active:
            raise DomainError(_("附议人须为本届在任代表。"))
        Cosigner.objects.create(proposal=proposal, delegate=delegate)
    audit(action="congress.proposal_create", actor=actor, org=session.org, obj=proposal)
    _notify(
        [c.delegate.user for c in proposal.cosigners.select_related("delegate__user")],
        _("请确认附议提案"),
        proposal,
    )
    return proposal


@service
def proposal_update_draft(*, actor: User | None, proposal: Proposal, **fields: Any) -> Proposal:
    """Only a draft is edited freely; after submission the lifecycle is the only way."""
    proposal = _locked(proposal)
    if proposal.state != ProposalState.DRAFT:
        raise DomainError(_("提案提交后不能再修改内容。"))
    editable = ["title", "category", "reason", "measures"]
    before = snapshot(proposal, editable)
    for key in editable:
        if key in fields:
            setattr(proposal, key, fields[key])
    proposal.full_clean()
    old, new = changed(before, snapshot(proposal, editable))
    if new:
        proposal.save()
        audit(
            action="congress.proposal_update",
            actor=actor,
            org=proposal.org,
            obj=proposal,
            before=old,
            after=new,
        )
    return proposal


@service
def cosigner_confirm(*, actor: User | None, proposal: Proposal, delegate: Delegate) -> Cosigner:
    """A named co-signer confirms (附议), only while the proposal is still a draft."""
    proposal = _locked(proposal)
    cosigner = Cosigner.objects.select_for_update().filter(proposal=proposal, delegate=delegate).first()
    if cosigner is None:
        raise DomainError(_("您不是该提案的附议人。"))
    if proposal.state != ProposalState.DRAFT:
        raise DomainError(
            _("提案当前为“%(s)s”，只有草稿可以确认附议。") % {"s": proposal.get_state_display()}
        )
    if cosigner.confirmed_at is None:
        cosigner.confirmed_at = timezone.now()
        cosigner.save(update_fields=["confirmed_at"])
        audit(action="congress.cosigner_confirm", actor=actor, org=proposal.org, obj=proposal,
              after={"delegate": delegate.pk})  # fmt: skip
    return cosigner


@service
def proposal_submit(*, actor: User | None, proposal: Proposal) -> Proposal:
    """The proposer submits the draft once enough co-signers (N of the term) have confirmed."""
    proposal = _locked(proposal)
    if actor is None or proposal.proposer_user_id != actor.pk:
        raise DomainError(_("只有提案人可以提交提案。"))
    if proposal.session.status == SessionStatus.CLOSED:
        raise DomainError(_("本次会议已闭会，不再受理提案。"))
    required = proposal.session.term.cosigners_required
    confirmed = proposal.cosigners.filter(confirmed_at__isnull=False).count()
    if confirmed < required:
        raise DomainError(
            _("提案需要至少%(n)s名代表附议确认，目前已确认%(m)s名。") % {"n": required, "m": confirmed}
        )
    proposal_set_state(proposal=proposal, actor=actor, to=ProposalState.SUBMITTED)
    proposal.submitted_at = timezone.now()
    proposal.save(update_fields=["submitted_at"])
    return proposal


@service
def proposal_review(
    *,
    actor: User | None,
    proposal: Proposal,
    decision: str,
    note: str = "",
    merge_into: Proposal | None = None,
) -> Proposal:
    """The proposal committee's review: 立案, 不立案 (with reason), 并案 (into another), 转为建议."""
    proposal = _locked(proposal)
    if decision in (ProposalState.NOT_REGISTERED, ProposalState.CONVERTED) and not note.strip():
        raise DomainError(_("不立案或转为建议时须写明理由。"))
    if decision == ProposalState.MERGED:
        if merge_into is None or merge_into.pk == proposal.pk or merge_into.session_id != proposal.session_id:
            raise DomainError(_("请选择同一次会议中的另一件提案进行并案。"))
        if merge_into.state not in REGISTERED_STATES | {ProposalState.SUBMITTED}:
            raise DomainError(_("只能并案到已提交或已立案的提案。"))
        proposal.merged_into = merge_into
    proposal_set_state(proposal=proposal, actor=actor, to=decision, note=note)
    proposal.review_note = note
    if decision == ProposalState.REGISTERED:
        proposal.registered_at = timezone.now()
        # Numbers are unique per session: lock the session row (alone: FOR UPDATE over a nullable
        # outer join fails on PostgreSQL) so concurrent registrations take numbers in turn.
        CongressSession.objects.select_for_update().filter(pk=proposal.session_id).first()
        proposal.number = (
            Proposal.objects.filter(session=proposal.session, number__isnull=False).aggregate(
                n=Max("number")
            )["n"]
            or 0
        ) + 1
    proposal.save(update_fields=["review_note", "merged_into", "registered_at", "number"])
    if decision == ProposalState.CONVERTED:
        Suggestion.objects.create(
            org=proposal.org, submitter=proposal.proposer_user, title=proposal.title,
            body=f"{proposal.reason}\n\n{proposal.measures}", from_proposal=proposal,
        )  # fmt: skip
    _notify(
        [proposal.proposer_user], _("您的提案已审查：%(d)s") % {"d": ProposalState(decision).label}, proposal
    )
    return proposal


@service
def proposal_assign(
    *, actor: User | None, proposal: Proposal, departments: Iterable[User], deadline: dt.date
) -> Proposal:
    """交办 to one or more handling departments with a deadline (also used to re-assign)."""
    proposal = _locked(proposal)
    departments = list(departments)
    if not departments:
        raise DomainError(_("请至少选择一个承办部门。"))
    allowed = set(
        RoleAssignment.objects.filter(org=proposal.org, role=Role.DEPARTMENT).values_list(
            "user_id", flat=True
        )
    )
    if any(d.pk not in allowed for d in departments):
        raise DomainError(_("只能交办给本单位的承办部门。"))
    if deadline < timezone.localdate():
        raise DomainError(_("答复期限不能早于今天。"))
    proposal_set_state(proposal=proposal, actor=actor, to=ProposalState.ASSIGNED,
                       departments=[d.pk for d in departments], deadline=deadline.isoformat())  # fmt: skip
    proposal.assignments.filter(active=True).exclude(department__in=departments).update(active=False)
    for department in departments:
        assignment = proposal.assignments.filter(department=department, active=True).first()
        if assignment is None:
            Assignment.objects.create(proposal=proposal, department=department, deadline=deadline)
        else:
            Assignment.objects.filter(pk=assignment.pk).update(deadline=deadline, answered_at=None)
    proposal.deadline = deadline
    proposal.assigned_at = proposal.assigned_at or timezone.now()
    proposal.save(update_fields=["deadline", "assigned_at"])
    _notify(departments, _("请办理提案：%(t)s") % {"t": proposal.title}, proposal)
    return proposal


@service
def proposal_request_reassign(*, actor: User, proposal: Proposal, reason: str) -> Assignment:
    """A department says the proposal belongs elsewhere; the committee re-assigns it."""
    proposal = _locked(proposal)
    if proposal.state != ProposalState.ASSIGNED:
        raise DomainError(_("提案当前为“%(s)s”，不能申请改派。") % {"s": proposal.get_state_display()})
    assignment = proposal.assignments.filter(department=actor, active=True).first()
    if assignment is None:
        raise DomainError(_("该提案未交办给您的部门。"))
    if not reason.strip():
        raise DomainError(_("请说明申请改派的理由。"))
    assignment.reassign_requested = reason.strip()
    assignment.save(update_fields=["reassign_requested"])
    audit(action="congress.proposal_reassign_request", actor=actor, org=proposal.org, obj=proposal)
    return assignment


@service
def proposal_answer(*, actor: User, proposal: Proposal, body: str, attachment: Any = None) -> Answer:
    """A handling department answers. When every active assignment has answered, ASSIGNED -> ANSWERED."""
    proposal = _locked(proposal)
    if proposal.state != ProposalState.ASSIGNED:
        raise DomainError(_("提案当前为“%(s)s”，不能答复。") % {"s": proposal.get_state_display()})
    assignment = proposal.assignments.select_for_update().filter(department=actor, active=True).first()
    if assignment is None:
        raise DomainError(_("该提案未交办给您的部门，不能答复。"))
    if not body.strip():
        raise DomainError(_("答复内容不能为空。"))
    now = timezone.now()
    round_number = proposal.ratings.filter(rating=Rating.UNSATISFIED).count() + 1
    answer = Answer.objects.create(
        proposal=proposal, assignment=assignment, round=round_number, body=body, answered_by=actor,
        answered_at=now, on_time=timezone.localdate() <= assignment.deadline,
        **({"attachment": attachment, "attachment_name": _upload_name(attachment)} if attachment else {}),
    )  # fmt: skip
    assignment.answered_at = now
    assignment.save(update_fields=["answered_at"])
    audit(action="congress.proposal_answer", actor=actor, org=proposal.org, obj=proposal,
          after={"round": round_number, "on_time": answer.on_time})  # fmt: skip
    if not proposal.assignments.filter(active=True, answered_at__isnull=True).exists():
        proposal_set_state(proposal=proposal, actor=actor, to=ProposalState.ANSWERED, round=round_number)
        if proposal.first_answered_at is None:
            proposal.first_answered_at = now
            proposal.save(update_fields=["first_answered_at"])
        _notify([proposal.proposer_user], _("您的提案已答复，请评价"), proposal)
    return answer


@service
def proposal_rate(*, actor: User | None, proposal: Proposal, rating: str, comment: str = "") -> Proposal:
    """The proposer rates the answer. 不满意 sends it back to the departments for another answer."""
    proposal = _locked(proposal)
    if actor is None or proposal.proposer_user_id != actor.pk:
        raise DomainError(_("只有提案人可以评价答复。"))
    if proposal.state != ProposalState.ANSWERED:
        raise DomainError(_("提案答复后才能评价。"))
    if rating not in Rating.values:
        raise DomainError(_("评价只能是满意、基本满意或不满意。"))
    round_number = proposal.ratings.count() + 1
    RatingRecord.objects.create(proposal=proposal, round=round_number, rating=rating, comment=comment)
    proposal.rating = rating
    proposal.save(update_fields=["rating"])
    if rating == Rating.UNSATISFIED:
        proposal_set_state(proposal=proposal, actor=actor, to=ProposalState.ASSIGNED, rating=rating)
        # A fresh deadline for the new round, so a second answer is not "late" by the first one's date.
        deadline = max(
            proposal.deadline or timezone.localdate(), timezone.localdate() + dt.timedelta(days=15)
        )
        proposal.assignments.filter(active=True).update(answered_at=None, deadline=deadline)
        proposal.deadline = deadline
        proposal.save(update_fields=["deadline"])
        _notify([a.department for a in proposal.assignments.filter(active=True).select_related("department")],
                _("提案人对答复不满意，请再次答复：%(t)s") % {"t": proposal.title}, proposal)  # fmt: skip
    else:
        proposal_set_state(proposal=proposal, actor=actor, to=ProposalState.RATED, rating=rating)
    return proposal


@service
def proposal_implement(*, actor: User | None, proposal: Proposal, status: str, note: str = "") -> Proposal:
    """Record implementation (落实) progress; 'done' or 'not feasible' closes the proposal (办结)."""
    from ..enums import Implementation

    if status not in Implementation.values:
        raise DomainError(_("无法识别的落实情况。"))
    proposal = _locked(proposal)
    if proposal.state == ProposalState.RATED:
        proposal_set_state(proposal=proposal, actor=actor, to=ProposalState.IMPLEMENTING)
    elif proposal.state != ProposalState.IMPLEMENTING:
        raise DomainError(_("提案评价后才能登记落实情况。"))
    proposal.implementation, proposal.implementation_note = status, note
    proposal.save(update_fields=["implementation", "implementation_note"])
    if status in (Implementation.DONE, Implementation.NOT_FEASIBLE):
        proposal_set_state(proposal=proposal, actor=actor, to=ProposalState.CLOSED, implementation=status)
        proposal.closed_at = timezone.now()
        proposal.save(update_fields=["closed_at"])
    return proposal


@service(audited_elsewhere="a scheduled reminder: the message sent is its record, no one's data changes")
def overdue_remind(*, now: dt.datetime | None = None) -> int:
    """督办: remind departments whose answer is past its deadline (at most once a day each)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = (
        Assignment.objects.filter(
            active=True, answered_at__isnull=True, deadline__lt=today, proposal__state=ProposalState.ASSIGNED
        )
        .exclude(reminded_at__date=today)
        .select_related("proposal", "department")
    )
    count = 0
    for assignment in due:
        notification_send(
            users=[assignment.department], title=_("督办：提案答复已超期"), body=assignment.proposal.title,
            url=f"/congress/proposals/{assignment.proposal_id}/", org=assignment.proposal.org,
        )  # fmt: skip
        Assignment.objects.filter(pk=assignment.pk).update(reminded_at=now)
        count += 1
    return count


@service
def proposal_publish(*, actor: User | None, proposal: Proposal, published: bool) -> Proposal:
    """Open (or close) a submitted proposal to all delegates of the union (向代表公开)."""
    proposal = _locked(proposal)
    if proposal.state == ProposalState.DRAFT:
        raise DomainError(_("草稿不能公开。"))
    proposal.published = published
    proposal.save(update_fields=["published"])
    audit(
        action="congress.proposal_publish",
        actor=actor,
        org=proposal.org,
        obj=proposal,
        after={"published": published},
    )
    return proposal
