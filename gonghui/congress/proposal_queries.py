"""Reads of proposals (提案): who sees which proposal, the filtered list, the 督办 list.

Who sees a proposal (DESIGN.md §3; issue 4 "Access"):

* officers of the union (Proposal.access view roles) over their subtree;
* the proposer (owner field `proposer_user`), and a delegate named as co-signer (附议人),
  who must see the draft to confirm it;
* a delegate of the union: the proposals published to delegates (向代表公开);
* a handling department (承办部门): only the proposals actively assigned to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from gonghui.core.access import scope_q
from gonghui.core.enums import Role
from gonghui.core.models import User

from .enums import ProposalState
from .models import Assignment, CongressSession, Cosigner, Delegate, Proposal

PAGE_SIZE = 50


def visible_proposals(user: Any) -> QuerySet[Proposal]:
    """The proposals `user` may open (see the module docstring)."""
    queryset = Proposal.objects.all()
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    q = Q(proposer_user=user.pk) | Q(
        Exists(Cosigner.objects.filter(proposal=OuterRef("pk"), delegate__user=user.pk))
    )
    officer = scope_q(user, Proposal.access.roles_for("view"))
    if officer is not None:
        # A draft belongs to its proposer and co-signers until it is submitted.
        q |= officer & ~Q(state=ProposalState.DRAFT)
    delegate = scope_q(user, [Role.DELEGATE])
    if delegate is not None:
        q |= delegate & Q(published=True) & ~Q(state=ProposalState.DRAFT)
    department = scope_q(user, [Role.DEPARTMENT])
    if department is not None:
        assigned = Assignment.objects.filter(proposal=OuterRef("pk"), department=user.pk, active=True)
        q |= department & Q(Exists(assigned))
    return queryset.filter(q)


@dataclass(frozen=True)
class ProposalFilters:
    session: int | None = None
    state: str = ""
    category: str = ""
    overdue: bool = False


def overdue_q(today: dt.date) -> Q:
    """督办: assigned, and the answer deadline has passed."""
    return Q(state=ProposalState.ASSIGNED, deadline__lt=today)


def filtered(user: Any, filters: ProposalFilters, *, today: dt.date) -> QuerySet[Proposal]:
    queryset = visible_proposals(user)
    if filters.session is not None:
        queryset = queryset.filter(session_id=filters.session)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.overdue:
        queryset = queryset.filter(overdue_q(today))
    return queryset


def page(queryset: QuerySet[Proposal], number: int, *, size: int = PAGE_SIZE) -> tuple[list[Proposal], bool]:
    """One page, newest session first, plus whether another follows (no COUNT)."""
    start = (number - 1) * size
    rows = list(
        queryset.select_related("session__term", "proposer", "org").order_by(
            "-session__date", "-session_id", "number", "-id"
        )[start : start + size + 1]
    )
    return rows[:size], len(rows) > size


def session_choices(user: Any, *, limit: int = 200) -> list[tuple[int, str]]:
    """Sessions to filter by: those of the unions whose proposals the user may see as an officer
    or delegate (departments filter by state and category only)."""
    if user.is_superuser:
        sessions = CongressSession.objects.all()
    else:
        q = scope_q(user, Proposal.access.roles_for("view") | {Role.DELEGATE})
        if q is None:
            return []
        sessions = CongressSession.objects.filter(q)
    rows = sessions.select_related("term", "org").order_by("-date", "-id")[:limit]
    return [(s.pk, f"{s.org.name} {s}") for s in rows]


def overdue_proposals(user: Any, *, today: dt.date) -> QuerySet[Proposal]:
    """督办 list for the chair: overdue proposals in the user's officer scope, oldest deadline first."""
    officer = scope_q(user, Proposal.access.roles_for("view"))
    if user.is_superuser:
        queryset = Proposal.objects.all()
    elif officer is None:
        return Proposal.objects.none()
    else:
        queryset = Proposal.objects.filter(officer)
    active = Assignment.objects.filter(active=True).select_related("department")
    return (
        queryset.filter(overdue_q(today))
        .select_related("session__term", "proposer", "org")
        .prefetch_related(Prefetch("assignments", queryset=active, to_attr="active_assignments"))
        .order_by("deadline", "id")
    )


def with_details(queryset: QuerySet[Proposal]) -> QuerySet[Proposal]:
    return queryset.select_related("session__term", "proposer", "org", "merged_into")


def delegateships(user: User) -> QuerySet[Delegate]:
    """The user's active delegate records (one per term they serve)."""
    return Delegate.objects.filter(user=user, active=True).select_related("term")


def open_sessions_for(user: User) -> QuerySet[CongressSession]:
    """Sessions still taking proposals, of the terms the user is a delegate of."""
    from .enums import SessionStatus

    return (
        CongressSession.objects.filter(term__in=delegateships(user).values("term"))
        .exclude(status=SessionStatus.CLOSED)
        .select_related("term")
        .order_by("-date", "-id")
    )


def cosigner_choices(user: User) -> QuerySet[Delegate]:
    """Active delegates of the user's terms, except the user."""
    return (
        Delegate.objects.filter(term__in=delegateships(user).values("term"), active=True)
        .exclude(user=user)
        .order_by("name", "id")
    )


def department_users(proposal: Proposal) -> QuerySet[User]:
    """The handling departments of the proposal's union (users holding 承办部门 there)."""
    return (
        User.objects.filter(roles__org=proposal.org_id, roles__role=Role.DEPARTMENT)
        .distinct()
        .order_by("name", "id")
    )


def merge_targets(proposal: Proposal) -> QuerySet[Proposal]:
    """Proposals of the same session this one may be merged into (并案)."""
    from .enums import REGISTERED_STATES

    return (
        Proposal.objects.filter(
            session_id=proposal.session_id, state__in=REGISTERED_STATES | {ProposalState.SUBMITTED}
        )
        .exclude(pk=proposal.pk)
        .order_by("number", "id")
    )
