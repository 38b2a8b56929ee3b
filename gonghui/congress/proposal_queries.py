"""Reads of proposals (提案): who sees which proposal, the filtered list, the 督办 list.

Who sees a proposal (DESIGN.md §3; issue 4 "Access"):

* officers of the union (Proposal.access view roles) over their subtree;
* the proposer (owner field `proposer_user`), and a delegate named as co-signer (附议人),
  who must see the draft to confirm it;
* a delegate of the union: the proposals published to delegates (向代表公开);
* a handling department (承办部门): only the proposals actively assigned to it.

The rule is Proposal's AccessPolicy (`row_rule=congress.models.proposal_rows`), so
`core.access.visible`, `get_for_user` and `can` all apply it.

The list is sorted newest session first. How the database gets there depends on how many
sessions the user reaches (`session_reach`, one query that also fills the 会议 filter): a county
officer's thousands are walked newest first along the (date, id) index of sessions, stopping at
the end of the page; a chair's, delegate's or department's few are named in the query, so only
their proposals are read and sorted (walking every session of the province to find them would
not scale, and neither SQLite nor PostgreSQL can tell the two cases apart from the one query).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from gonghui.core.access import holds, in_scope, orgs_for, scoped, unrestricted, visible
from gonghui.core.enums import Role
from gonghui.core.models import User

from .enums import REGISTERED_STATES, CongressKind, ProposalCategory, ProposalState
from .models import Assignment, CongressSession, Delegate, Proposal, ordinal

PAGE_SIZE = 50


def visible_proposals(user: Any, *, walk: bool = False) -> QuerySet[Proposal]:
    """The proposals `user` may open: `core.access.visible` with Proposal's row rule
    (`congress.models.proposal_rows`, see the module docstring).

    `walk`: the caller reads them newest session first along the sessions' date index and stops at
    the end of a page (a large scope, see `page`); the scope is then tested on each session reached.
    Tested as `org IN (…)` instead, every branch of the filter has an index of its own and SQLite
    gathers all of a county's proposals through them to sort them, while PostgreSQL materialises
    the whole join before its first row."""
    return visible(Proposal.objects.all(), user, walk=walk)


@dataclass(frozen=True)
class ProposalFilters:
    session: int | None = None
    state: str = ""
    category: str = ""
    overdue: bool = False
    # The subsets the figures count (congress.facts): 提案数 (all but drafts) and 立案数.
    submitted: bool = False
    registered: bool = False


def overdue_q(today: dt.date) -> Q:
    """督办: assigned, and the answer deadline has passed."""
    return Q(state=ProposalState.ASSIGNED, deadline__lt=today)


def filtered(
    user: Any, filters: ProposalFilters, *, today: dt.date, sessions: list[int] | None = None
) -> QuerySet[Proposal]:
    """The user's proposals matching `filters`; only those of `sessions` (`SessionReach.ids`) if
    given, else read along the sessions' date index (see `page`)."""
    queryset = visible_proposals(user, walk=sessions is None)
    if sessions is not None:
        queryset = queryset.filter(session_id__in=sessions)
    if filters.session is not None:
        queryset = queryset.filter(session_id=filters.session)
    if filters.state:
        queryset = queryset.filter(state=filters.state)
    if filters.category:
        queryset = queryset.filter(category=filters.category)
    if filters.overdue:
        queryset = queryset.filter(overdue_q(today))
    if filters.submitted:
        queryset = queryset.exclude(state=ProposalState.DRAFT)
    if filters.registered:
        queryset = queryset.filter(state__in=REGISTERED_STATES)
    return queryset


@dataclass(frozen=True)
class ListRow:
    """One line of the proposal list, as plain values (no model instances per row)."""

    pk: int
    number: int | None
    title: str
    category: str
    proposer: str
    session: str  # the union's name and the session, e.g. 第一中学工会 第六届教职工代表大会第二次会议
    state: str
    overdue: bool
    deadline: dt.date | None


def session_label(org_name: str, term_number: int, kind: str, number: int, kinds: dict[str, str]) -> str:
    """`str(session)` with the union's name in front, from plain values (`kinds`: kind -> label)."""
    return f"{org_name} 第{ordinal(term_number)}届{kinds.get(kind, kind)}第{ordinal(number)}次会议"


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


LIST_COLUMNS = (
    "pk", "number", "title", "category", "proposer__name", "org__name", "session__term__number",
    "session__term__kind", "session__number", "state", "deadline",
)  # fmt: skip


def page(
    queryset: QuerySet[Proposal],
    number: int,
    *,
    today: dt.date,
    size: int = PAGE_SIZE,
    sessions: list[int] | None = None,
) -> tuple[list[ListRow], bool]:
    """One page, newest session first, plus whether another follows (no COUNT).

    `sessions`: every session whose proposals the user may see, newest first (`SessionReach.ids`,
    the queryset narrowed to them by `filtered`): sorted by the session's rank in that list, so the
    database reads the few sessions' proposals through the session index and sorts only those."""
    if sessions is not None and not sessions:
        return [], False
    start = (number - 1) * size
    if sessions is None:
        # Walked newest first along the sessions' date index until the page is full.
        ordered = queryset.order_by("-session__date", "-session_id", "number", "-id")
        values = list(ordered.values_list(*LIST_COLUMNS)[start : start + size + 1])
    else:
        rank = Case(
            *(When(session_id=pk, then=Value(i)) for i, pk in enumerate(sessions)),
            output_field=IntegerField(),
        )
        ordering = (rank, "number", "-id")
        # One statement: the page's ids (sorting only the few sessions' proposals), then their rows
        # with what the list shows, so the joins are made for the page, not for every row sorted.
        window = queryset.order_by(*ordering).values("pk")[start : start + size + 1]
        values = list(Proposal.objects.filter(pk__in=window).order_by(*ordering).values_list(*LIST_COLUMNS))
    categories, states = _labels(ProposalCategory.choices), _labels(ProposalState.choices)
    kinds = _labels(CongressKind.choices)
    rows = [
        ListRow(
            pk=pk, number=num, title=title, category=categories.get(category, category), proposer=proposer,
            session=session_label(org, term_number, kind, session_number, kinds),
            state=states.get(state, state),
            overdue=state == ProposalState.ASSIGNED and deadline is not None and deadline < today,
            deadline=deadline,
        )
        for pk, num, title, category, proposer, org, term_number, kind, session_number, state, deadline in values
    ]  # fmt: skip
    return rows[:size], len(rows) > size


# Up to this many sessions, the list names them in its query (see the module docstring).
NARROW_SESSIONS = 100
CHOICES = 200


@dataclass(frozen=True)
class SessionReach:
    """The sessions of a user's proposal list."""

    # The 会议 filter: sessions of the unions the user is officer or delegate of.
    choices: list[tuple[int, str]]
    # Every session the user may see a proposal of, newest first; None if more than NARROW_SESSIONS.
    ids: list[int] | None


def session_reach(user: Any) -> SessionReach:
    """One query: the sessions where the user may see any proposal (officer, delegate and
    department scopes, terms they are a delegate of, their own proposals), newest first.

    The filter's choices leave out sessions reached only as a department (departments filter by
    state and category only)."""
    sessions = CongressSession.objects.order_by("-date", "-id")
    everything = unrestricted(user)
    if not everything:
        q = Q(term__in=Delegate.objects.filter(user=user.pk).values("term_id")) | Q(
            pk__in=Proposal.objects.filter(proposer_user=user.pk).values("session_id")
        )
        reach = Proposal.access.roles_for("view") | {Role.DELEGATE, Role.DEPARTMENT}
        if holds(user, reach):
            # As `org IN (the scope's orgs)`: the few orgs are read once.
            q |= Q(org__in=orgs_for(user, reach, kinds=None, active=False).values("pk"))
        sessions = sessions.filter(q)
    columns = ("pk", "org__name", "org__path", "term__number", "term__kind", "number")
    rows = list(sessions.values_list(*columns)[: max(CHOICES, NARROW_SESSIONS) + 1])
    roles = Proposal.access.roles_for("view") | {Role.DELEGATE}
    kinds = _labels(CongressKind.choices)
    choices = [
        (pk, session_label(org, term, kind, number, kinds))
        for pk, org, path, term, kind, number in rows
        if in_scope(user, path, roles)
    ]
    few = not everything and len(rows) <= NARROW_SESSIONS
    return SessionReach(choices=choices[:CHOICES], ids=[row[0] for row in rows] if few else None)


def overdue_proposals(user: Any, *, today: dt.date) -> QuerySet[Proposal]:
    """督办 list for the chair: overdue proposals in the user's officer scope, oldest deadline first."""
    queryset = scoped(Proposal.objects.all(), user, Proposal.access.roles_for("view"))
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
