"""Writes of the congress app: terms, sessions, delegates, proposals and suggestions.

Every state change goes through a `<entity>_set_state` function that checks the transition
table in `enums`, writes the audit row with before/after, and raises DomainError otherwise.
Notifications are sent after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import can
from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.enums import OrgKind, Role
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, RoleAssignment, User
from gonghui.core.services import notification_send, role_assign
from gonghui.core.writes import service

from .enums import (
    REGISTERED_STATES,
    ItemResult,
    ProposalState,
    Rating,
    SessionStatus,
    SuggestionState,
    VoteChoice,
)
from .models import (
    AgendaItem,
    AgendaVote,
    Answer,
    Assignment,
    CongressSession,
    CongressTerm,
    Cosigner,
    Delegate,
    Delegation,
    Proposal,
    RatingRecord,
    Suggestion,
    SuggestionCampaign,
)
from .suggestion_queries import member_unions

# Uploaded file names are kept as given (storage may rename the stored file); this long at most.
FILE_NAME_LENGTH = 200


def _upload_name(upload: Any) -> str:
    return str(getattr(upload, "name", "") or "")[-FILE_NAME_LENGTH:]


# --- terms and sessions ---------------------------------------------------------------------


# The settings of a term the chair may change after it was set up (term_update).
TERM_SETTINGS = (
    "end", "cosigners_required", "quorum_numerator", "quorum_denominator",
    "quota_women", "quota_frontline", "quota_young",
)  # fmt: skip


def _check_term(term: CongressTerm) -> None:
    if not 0 < term.quorum_numerator <= term.quorum_denominator:
        raise DomainError(_("法定到会比例须大于0且不超过1。"))
    if any(not 0 <= getattr(term, f) <= 100 for f in ("quota_women", "quota_frontline", "quota_young")):
        raise DomainError(_("代表构成比例须在0%到100%之间。"))
    if term.end is not None and term.end < term.start:
        raise DomainError(_("任期结束日期不能早于任期开始日期。"))


@service
def term_create(*, actor: User | None, org: Org, number: int, start: dt.date, **fields: Any) -> CongressTerm:
    if org.kind not in (OrgKind.GRASSROOTS, OrgKind.JOINT):
        raise DomainError(_("教代会/职代会由基层工会召开。"))
    term = CongressTerm(org=org, number=number, start=start, **fields)
    _check_term(term)
    term.full_clean()
    term.save()
    audit(action="congress.term_create", actor=actor, org=org, obj=term, after={"number": number})
    return term


@service
def term_update(*, actor: User | None, term: CongressTerm, **fields: Any) -> CongressTerm:
    """The chair changes a term's settings: co-signers needed (N), quorum, composition quotas, end.

    Only TERM_SETTINGS may change; the before/after of what changed is audited.
    """
    unknown = set(fields) - set(TERM_SETTINGS)
    if unknown:
        raise ValueError(f"term_update cannot change {sorted(unknown)}")
    term = CongressTerm.objects.select_for_update().get(pk=term.pk)
    names = list(fields)
    before = snapshot(term, names)
    for name, value in fields.items():
        setattr(term, name, value)
    _check_term(term)
    term.full_clean()
    old, new = changed(before, snapshot(term, names))
    if new:  # an unchanged form writes nothing
        term.save(update_fields=list(new))
        audit(action="congress.term_update", actor=actor, org=term.org, obj=term, before=old, after=new)
    return term


@service
def session_create(
    *, actor: User | None, term: CongressTerm, date: dt.date, place: str = ""
) -> CongressSession:
    # The term row lock makes concurrent creations take numbers one after the other.
    CongressTerm.objects.select_for_update().filter(pk=term.pk).first()
    number = (term.sessions.aggregate(n=Max("number"))["n"] or 0) + 1
    session = CongressSession.objects.create(term=term, org=term.org, number=number, date=date, place=place)
    audit(action="congress.session_create", actor=actor, org=term.org, obj=session, after={"number": number})
    return session


@service
def session_record_party_approval(
    *, actor: User | None, session: CongressSession, on: dt.date, note: str = ""
) -> CongressSession:
    """The Party branch approved the session's agenda (a required step before it opens)."""
    session.party_approved_on, session.party_approval_note = on, note
    session.save(update_fields=["party_approved_on", "party_approval_note"])
    audit(
        action="congress.party_approval",
        actor=actor,
        org=session.org,
        obj=session,
        after={"on": on.isoformat()},
    )
    return session


@service
def session_set_state(*, actor: User | None, session: CongressSession, to: str) -> CongressSession:
    session = CongressSession.objects.select_for_update().get(pk=session.pk)
    if to not in SessionStatus.values:
        raise DomainError(_("无法识别的会议状态。"))
    CongressSession.states.check(session.status, to)
    if to == SessionStatus.IN_SESSION and session.party_approved_on is None:
        raise DomainError(_("会议议程尚未经党支部审批，不能开会。"))
    if (
        to == SessionStatus.CLOSED
        and session.items.filter(named_vote=True, result=ItemResult.PENDING).exists()
    ):
        raise DomainError(_("尚有议题正在记名表决，请先结束表决再闭会。"))
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    # A session is counted by its date: opened before the planned day, it is held today.
    today = timezone.localdate()
    if to == SessionStatus.IN_SESSION and session.date > today:
        before["date"], after["date"] = session.date.isoformat(), today.isoformat()
        fields["date"] = today
    CongressSession.states.move(
        session, to=to, actor=actor, org=session.org, fields=fields, before=before, after=after
    )
    return session


# --- delegates ------------------------------------------------------------------------------


@service
def delegate_elect(
    *,
    actor: User | None,
    term: CongressTerm,
    member: Any,
    flags: dict[str, bool] | None = None,
    replaces: Delegate | None = None,
) -> Delegate:
    """Record a member elected as delegate (or a substitute for one who left)."""
    from gonghui.members.queries import members_in

    if not members_in(term.org).filter(pk=member.pk, status="active").exists():
        raise DomainError(_("代表须为本工会在会会员。"))
    if Delegate.objects.filter(term=term, member=member).exists():
        raise DomainError(_("该会员已是本届代表。"))
    if replaces is not None:
        if replaces.term_id != term.pk or not replaces.active:
            raise DomainError(_("只能替补本届在任的代表。"))
        replaces.active = False
        replaces.save(update_fields=["active"])
    delegate = Delegate.objects.create(
        term=term, org=term.org, member=member, user=member.user, name=member.name,
        is_woman=member.sex == "2", replaces=replaces, **(flags or {}),
    )  # fmt: skip
    if member.user is not None:
        role_assign(actor=actor, user=member.user, org=term.org, role=Role.DELEGATE, this_org_only=True)
    audit(action="congress.delegate_elect", actor=actor, org=term.org, obj=delegate,
          after={"replaces": replaces.pk if replaces else None})  # fmt: skip
    return delegate


# --- delegations (代表团/组) ------------------------------------------------------------------


def _may_manage(actor: User | None, term: CongressTerm) -> None:
    """Views reach a term through core.access already; the service refuses on its own too."""
    if actor is not None and not can(actor, "change", term):
        raise DomainError(_("您无权管理本届代表及代表团。"))


@service
def delegation_create(*, actor: User | None, term: CongressTerm, name: str) -> Delegation:
    """A delegation or delegate group (代表团/组) of the term, by grade or department."""
    _may_manage(actor, term)
    name = name.strip()
    if not name:
        raise DomainError(_("请填写代表团名称。"))
    if Delegation.objects.filter(term=term, name=name).exists():
        raise DomainError(_("本届已有名为“%(name)s”的代表团。") % {"name": name})
    delegation = Delegation.objects.create(term=term, name=name)
    audit(
        action="congress.delegation_create", actor=actor, org=term.org, obj=delegation, after={"name": name}
    )
    return delegation


@service
def delegation_update(
    *, actor: User | None, delegation: Delegation, name: str, head: Delegate | None
) -> Delegation:
    """Rename a delegation and set its head (团长): an active delegate of that delegation, or nobody."""
    delegation = Delegation.objects.select_for_update().select_related("term__org").get(pk=delegation.pk)
    term = delegation.term
    _may_manage(actor, term)
    name = name.strip()
    if not name:
        raise DomainError(_("请填写代表团名称。"))
    if Delegation.objects.filter(term=term, name=name).exclude(pk=delegation.pk).exists():
        raise DomainError(_("本届已有名为“%(name)s”的代表团。") % {"name": name})
    if head is not None:
        head = Delegate.objects.filter(pk=head.pk, delegation=delegation, active=True).first()
        if head is None:
            raise DomainError(_("团长须为本代表团的在任代表。"))
    before = {"name": delegation.name, "head": delegation.head_id}
    delegation.name, delegation.head = name, head
    old, new = changed(before, {"name": name, "head": head.pk if head else None})
    if new:  # an unchanged form writes nothing
        delegation.save(update_fields=["name", "head"])
        audit(action="congress.delegation_update", actor=actor, org=term.org, obj=delegation,
              before=old, after=new)  # fmt: skip
    return delegation


@service
def delegation_delete(*, actor: User | None, delegation: Delegation) -> None:
    """Delete a delegation that has no active delegates left (refused otherwise: move them first).

    Replaced (inactive) delegates who were in it simply lose the link.
    """
    delegation = Delegation.objects.select_for_update().select_related("term__org").get(pk=delegation.pk)
    term = delegation.term
    _may_manage(actor, term)
    members = delegation.delegates.filter(active=True).count()
    if members:
        raise DomainError(
            _("代表团“%(name)s”还有%(n)s名代表，请先将他们调整到其他代表团后再删除。")
            % {"name": delegation.name, "n": members}
        )
    audit(action="congress.delegation_delete", actor=actor, org=term.org, obj=delegation,
          before={"name": delegation.name})  # fmt: skip
    delegation.delete()


@service
def delegate_assign_delegation(
    *, actor: User | None, term: CongressTerm, delegates: Iterable[Delegate], delegation: Delegation | None
) -> int:
    """Put the chosen delegates into `delegation` (None: into no delegation). Returns how many moved.

    A head who leaves their delegation stops being its head.
    """
    _may_manage(actor, term)
    chosen = list(delegates)
    if not chosen:
        raise DomainError(_("请先勾选要调整的代表。"))
    if delegation is not None and delegation.term_id != term.pk:
        raise DomainError(_("只能调整到本届的代表团。"))
    if any(d.term_id != term.pk or not d.active for d in chosen):
        raise DomainError(_("只能调整本届在任代表。"))
    ids = sorted({d.pk for d in chosen})
    target = delegation.pk if delegation is not None else None
    Delegation.objects.filter(term=term, head__in=ids).exclude(pk__in=[target] if target else []).update(
        head=None
    )
    moved = Delegate.objects.filter(pk__in=ids).exclude(delegation=target).update(delegation=target)
    audit(action="congress.delegate_assign", actor=actor, org=term.org, obj=delegation or term,
          after={"delegates": ids, "delegation": target})  # fmt: skip
    return moved


@service
def session_check_in(
    *, actor: User | None, session: CongressSession, delegate: Delegate, by_self: bool
) -> bool:
    """Mark a delegate present; idempotent (a second check-in changes nothing). True if new."""
    if delegate.term_id != session.term_id or not delegate.active:
        raise DomainError(_("该代表不是本次会议的在任代表。"))
    if session.status == SessionStatus.CLOSED:
        raise DomainError(_("会议已闭会，不能再签到。"))
    _obj, created = session.attendances.get_or_create(delegate=delegate, defaults={"by_self": by_self})
    if created:
        audit(action="congress.check_in", actor=actor, org=session.org, obj=session,
              after={"delegate": delegate.pk, "by_self": by_self})  # fmt: skip
    return created


# --- agenda items ---------------------------------------------------------------------------


@service
def item_record_result(
    *,
    actor: User | None,
    item: AgendaItem,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
    revise: bool = False,
) -> AgendaItem:
    """Record a show-of-hands result: needs the quorum present, passes with more than half of all
    delegates (学校教职工代表大会规定: 全体代表的过半数)."""
    item = _locked_item(item)
    _check_votable(item)
    if item.named_vote:
        raise DomainError(_("该议题正在记名表决，请结束记名表决，由系统统计票数。"))
    present, delegates = _check_quorum(item.session)
    total = votes_for + votes_against + votes_abstain
    if total > present:
        raise DomainError(
            _("表决票数(%(total)s)多于到会代表人数(%(present)s)。") % {"total": total, "present": present}
        )
    return _decide(item, actor=actor, counts=(votes_for, votes_against, votes_abstain),
                   delegates=delegates, revise=revise)  # fmt: skip


def _locked_item(item: AgendaItem) -> AgendaItem:
    # Lock the item row alone (FOR UPDATE over the joined rows would lock the session and term too).
    locked = AgendaItem.objects.select_for_update().get(pk=item.pk)
    locked.session = CongressSession.objects.select_related("term", "org").get(pk=locked.session_id)
    return locked


def _check_votable(item: AgendaItem) -> None:
    if item.result != ItemResult.PENDING:
        raise DomainError(_("该议题已表决；如需再议，请提交修改后的议题。"))
    if item.session.status != SessionStatus.IN_SESSION:
        raise DomainError(_("会议召开期间才能表决。"))


def _check_quorum(session: CongressSession) -> tuple[int, int]:
    """(present, all active delegates of the term); refused below the term's quorum (e.g. 2/3)."""
    present = session.attendances.count()
    term = session.term
    delegates = term.delegates.filter(active=True).count()
    if present * term.quorum_denominator < delegates * term.quorum_numerator:
        raise DomainError(
            _("到会代表%(present)s人，未达到法定人数(应到%(total)s人的%(n)s/%(d)s)，不能表决。")
            % {
                "present": present,
                "total": delegates,
                "n": term.quorum_numerator,
                "d": term.quorum_denominator,
            }
        )
    return present, delegates


def _decide(
    item: AgendaItem, *, actor: User | None, counts: tuple[int, int, int], delegates: int, revise: bool
) -> AgendaItem:
    votes_for, votes_against, votes_abstain = counts
    item.votes_for, item.votes_against, item.votes_abstain = counts
    if revise:
        item.result = ItemResult.REVISE
    else:
        # Passed with more than half of ALL delegates of the term (全体代表的过半数), not of those present.
        item.result = ItemResult.PASSED if votes_for * 2 > delegates else ItemResult.FAILED
    item.decided_at = timezone.now()
    item.save(update_fields=["votes_for", "votes_against", "votes_abstain", "result", "decided_at"])
    audit(action="congress.item_result", actor=actor, org=item.session.org, obj=item,
          after={"result": item.result, "for": votes_for, "against": votes_against, "abstain": votes_abstain,
                 **({"named": True} if item.named_vote else {})})  # fmt: skip
    return item


@service
def item_open_named_vote(*, actor: User | None, item: AgendaItem) -> AgendaItem:
    """The clerk opens a named vote (记名表决): each present delegate then votes on their phone."""
    item = _locked_item(item)
    _check_votable(item)
    if item.named_vote:
        raise DomainError(_("该议题的记名表决已经开始。"))
    _check_quorum(item.session)
    item.named_vote = True
    item.save(update_fields=["named_vote"])
    audit(action="congress.item_named_vote_open", actor=actor, org=item.session.org, obj=item)
    return item


@service
def item_vote(*, actor: User | None, item: AgendaItem, choice: str) -> AgendaVote:
    """A present delegate votes 赞成/反对/弃权 on an item under named vote: once, while it is open."""
    item = _locked_item(item)
    if choice not in VoteChoice.values:
        raise DomainError(_("表决意见只能是赞成、反对或弃权。"))
    session = item.session
    delegate = None
    if actor is not None:
        delegate = session.term.delegates.filter(user=actor, active=True).first()
    if delegate is None:
        raise DomainError(_("只有本届在任代表可以参加表决。"))
    if item.result != ItemResult.PENDING:
        raise DomainError(_("该议题的表决已经结束。"))
    if not item.named_vote or session.status != SessionStatus.IN_SESSION:
        raise DomainError(_("该议题尚未开始记名表决。"))
    if not session.attendances.filter(delegate=delegate).exists():
        raise DomainError(_("您尚未签到，签到后才能参加表决。"))
    duplicate = DomainError(_("您已对该议题表决，不能重复投票。"))
    if AgendaVote.objects.filter(item=item, delegate=delegate).exists():
        raise duplicate
    try:
        with transaction.atomic():
            vote = AgendaVote.objects.create(item=item, delegate=delegate, choice=choice)
    except IntegrityError:  # a concurrent request of the same delegate won
        raise duplicate from None
    # A named vote is public by nature (记名): who voted how may be recorded.
    audit(action="congress.item_vote", actor=actor, org=session.org, obj=item,
          after={"delegate": delegate.pk, "choice": choice})  # fmt: skip
    return vote


@service
def item_close_named_vote(*, actor: User | None, item: AgendaItem, revise: bool = False) -> AgendaItem:
    """The clerk closes the named vote; the counts come from the votes cast, and the item passes
    with more than half of all delegates of the term, as a show of hands does."""
    item = _locked_item(item)
    if not item.named_vote_open:
        raise DomainError(_("该议题没有进行中的记名表决。"))
    if item.session.status != SessionStatus.IN_SESSION:
        raise DomainError(_("会议召开期间才能表决。"))
    tally = dict(item.votes.order_by().values_list("choice").annotate(n=Count("pk")))
    counts = (
        tally.get(VoteChoice.FOR, 0),
        tally.get(VoteChoice.AGAINST, 0),
        tally.get(VoteChoice.ABSTAIN, 0),
    )
    delegates = item.session.term.delegates.filter(active=True).count()
    return _decide(item, actor=actor, counts=counts, delegates=delegates, revise=revise)


@service
def item_revise(
    *, actor: User | None, item: AgendaItem, title: str | None = None, document: Any = None
) -> AgendaItem:
    """Put a failed or sent-back item again, as a new item linked to the old one (with the old
    document unless a revised one is given)."""
    if item.result not in (ItemResult.FAILED, ItemResult.REVISE):
        raise DomainError(_("只有未通过或需修改的议题可以修改后再议。"))
    revised = AgendaItem.objects.create(
        session=item.session,
        order=item.order,
        title=title or item.title,
        revision_of=item,
        document=document or item.document,
        document_name=_upload_name(document) if document else item.document_name,
    )
    audit(
        action="congress.item_revise", actor=actor, org=item.session.org, obj=revised, after={"of": item.pk}
    )
    return revised


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
    from .enums import Implementation

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


# --- suggestions ----------------------------------------------------------------------------


@service
def suggestion_submit(
    *,
    actor: User | None,
    org: Org,
    title: str,
    body: str,
    anonymous: bool = False,
    campaign: SuggestionCampaign | None = None,
    submitted_on: dt.date | None = None,
) -> Suggestion:
    """Anyone with a role in the union (or in one of its union groups) submits, named or anonymous.
    `submitted_on` is the day it was put forward (today by default; one entered late keeps its
    own day, and so its statistical year), never in the future."""
    if actor is None or not member_unions(actor).filter(pk=org.pk).exists():
        raise DomainError(_("只有本工会的会员可以向本工会提出合理化建议。"))
    day = submitted_on or timezone.localdate()
    if day > timezone.localdate():
        raise DomainError(_("提出日期不能晚于今天。"))
    if campaign is not None and campaign.org_id != org.pk:
        raise DomainError(_("该征集活动不属于本工会。"))
    if campaign is not None and not (campaign.start <= day <= campaign.end):
        raise DomainError(_("该征集活动不在进行中。"))
    suggestion = Suggestion(
        org=org, campaign=campaign, submitter=actor, anonymous=anonymous, title=title, body=body,
        submitted_on=day,
    )  # fmt: skip
    suggestion.full_clean(exclude=["submitter"])
    suggestion.save()
    audit(action="congress.suggestion_submit", actor=None if anonymous else actor, org=org, obj=suggestion)
    return suggestion


@service
def suggestion_set_state(*, suggestion: Suggestion, actor: User | None, to: str, **after: Any) -> None:
    Suggestion.states.move(suggestion, to=to, actor=actor, org=suggestion.org, after=after)


@service
def suggestion_review(*, actor: User, suggestion: Suggestion, adopt: bool, note: str = "") -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.submitter_id == actor.pk:
        raise DomainError(_("不能审查自己提出的建议。"))
    if not adopt and not note.strip():
        raise DomainError(_("不采纳时须写明理由。"))
    suggestion_set_state(suggestion=suggestion, actor=actor,
                         to=SuggestionState.ADOPTED if adopt else SuggestionState.REJECTED)  # fmt: skip
    suggestion.review_note, suggestion.reviewed_at = note, timezone.now()
    suggestion.save(update_fields=["review_note", "reviewed_at"])
    return suggestion


@service
def suggestion_implement(
    *, actor: User | None, suggestion: Suggestion, benefit: str, amount: Decimal = Decimal("0")
) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if actor is not None and suggestion.submitter_id == actor.pk:
        raise DomainError(_("不能为自己提出的建议登记实施情况。"))
    suggestion_set_state(suggestion=suggestion, actor=actor, to=SuggestionState.IMPLEMENTED)
    suggestion.benefit, suggestion.benefit_amount = benefit, amount.quantize(Decimal("0.01"))
    suggestion.save(update_fields=["benefit", "benefit_amount"])
    return suggestion


@service
def suggestion_reward(*, actor: User | None, suggestion: Suggestion, reward: str) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if actor is not None and suggestion.submitter_id == actor.pk:
        raise DomainError(_("不能奖励自己提出的建议。"))
    suggestion_set_state(suggestion=suggestion, actor=actor, to=SuggestionState.REWARDED)
    suggestion.reward = reward
    suggestion.save(update_fields=["reward"])
    return suggestion


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


@service
def item_create(
    *, actor: User | None, session: CongressSession, title: str, order: int = 1, document: Any = None
) -> AgendaItem:
    """Add an agenda item (议题) to a session that has not closed, with its document if any
    (work report, financial report, plan …)."""
    if session.status == SessionStatus.CLOSED:
        raise DomainError(_("会议已闭会，不能再增加议题。"))
    item = AgendaItem.objects.create(
        session=session, order=order, title=title.strip(),
        **({"document": document, "document_name": _upload_name(document)} if document else {}),
    )  # fmt: skip
    audit(action="congress.item_create", actor=actor, org=session.org, obj=item)
    return item


@service
def campaign_create(
    *, actor: User | None, org: Org, name: str, start: dt.date, end: dt.date
) -> SuggestionCampaign:
    """A suggestion campaign (合理化建议征集活动) with a start and an end."""
    if end < start:
        raise DomainError(_("结束日期不能早于开始日期。"))
    campaign = SuggestionCampaign(org=org, name=name, start=start, end=end)
    campaign.full_clean()
    campaign.save()
    audit(action="congress.campaign_create", actor=actor, org=org, obj=campaign,
          after={"name": name, "start": start.isoformat(), "end": end.isoformat()})  # fmt: skip
    return campaign
