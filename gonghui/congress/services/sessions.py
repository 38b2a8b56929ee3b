"""Writes of a congress session (会议): its state, attendance (签到), agenda items (议题) and
their votes (show of hands or named vote, 记名表决)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service

from ..enums import (
    ItemResult,
    SessionStatus,
    VoteChoice,
)
from ..models import (
    AgendaItem,
    AgendaVote,
    CongressSession,
    CongressTerm,
    Delegate,
)
from ._common import _upload_name

# --- sessions -------------------------------------------------------------------------------


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
