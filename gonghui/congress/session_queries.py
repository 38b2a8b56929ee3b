"""Congress sessions as other areas read them (the annual summary names the sessions held, the
work plan moves them to next year), and a session's own figures (quorum, named-vote tallies),
which the session page and `congress.facts.session_facts` both read."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from gonghui.core.access import visible
from gonghui.core.facts import percent
from gonghui.core.models import Org

from .enums import SessionStatus
from .models import CongressSession, CongressTerm, Delegate


def terms_with_sessions(union: Org | None, user: Any) -> QuerySet[CongressTerm]:
    """The union's congress terms the user may see, each with its sessions in order (the congress
    home page); none without a union."""
    if union is None:
        return CongressTerm.objects.none()
    sessions = Prefetch("sessions", queryset=CongressSession.objects.order_by("number"))
    return visible(CongressTerm.objects.filter(org=union), user).prefetch_related(sessions)


def sessions_held(org: Org, start: dt.date, end: dt.date, *, subtree: bool = True) -> list[dict[str, Any]]:
    """Sessions held (not in preparation) dated in [start, end], oldest first: org, date, name."""
    from .documents import session_name

    sessions = CongressSession.objects.filter(date__gte=start, date__lte=end).exclude(
        status=SessionStatus.PREPARING
    )
    sessions = sessions.filter(org__path__under=org.path) if subtree else sessions.filter(org=org)
    return [
        {"org": s.org.name, "date": s.date, "name": session_name(s)}
        for s in sessions.select_related("org", "term").order_by("date", "pk")[:20]
    ]


def sessions_of(org: Org, start: dt.date, end: dt.date) -> list[dict[str, Any]]:
    """The union's own sessions held (not in preparation) in [start, end], oldest first, each
    with the words the work plan needs: its term's number and the short name of the congress
    (第六届 教代会), and the number the same meeting will have next year (the term's meetings
    continue: a term whose last meeting this year was the 2nd meets for the 3rd next year).
    [{"pk", "date", "term", "kind", "next"}]."""
    from .documents import SHORT_KIND
    from .models import ordinal

    sessions = list(
        CongressSession.objects.filter(org=org, date__gte=start, date__lte=end)
        .exclude(status=SessionStatus.PREPARING)
        .select_related("term")
        .order_by("date", "pk")
    )
    last: dict[int, int] = {}
    for session in sessions:
        last[session.term_id] = max(last.get(session.term_id, 0), session.number)
    offset: dict[int, int] = {}
    found = []
    for session in sessions:
        offset[session.term_id] = offset.get(session.term_id, 0) + 1
        term = session.term
        found.append({
            "pk": session.pk, "date": session.date, "term": ordinal(term.number),
            "kind": SHORT_KIND.get(term.kind, "教代会"),
            "next": ordinal(last[session.term_id] + offset[session.term_id]),
        })  # fmt: skip
    return found


# --- a session's figures: attendance against the quorum, the named votes cast so far -------------


@dataclass(frozen=True)
class Quorum:
    """Delegates present against the term's quorum (a fraction of the active delegates)."""

    total: int
    present: int
    numerator: int
    denominator: int

    @property
    def needed(self) -> int:
        return -(-self.total * self.numerator // self.denominator)

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.present * self.denominator >= self.total * self.numerator


def quorum(term: Any, *, total: int, present: int) -> Quorum:
    """The quorum of a session of `term` with `total` active delegates, `present` checked in."""
    return Quorum(total, present, term.quorum_numerator, term.quorum_denominator)


def session_quorum(session: CongressSession) -> Quorum:
    """`quorum` counted from the database: the term's active delegates, the session's check-ins."""
    term = session.term
    return quorum(term, total=term.delegates.filter(active=True).count(), present=session.attendances.count())


@dataclass
class Tally:
    """The votes cast so far in an open named vote (记名表决)."""

    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def tallies(item_ids: list[int]) -> dict[int, Tally]:
    """Each agenda item's named votes so far, by choice (an item without votes has none here);
    one query."""
    from .models import AgendaVote

    found: dict[int, Tally] = defaultdict(Tally)
    if item_ids:
        counts = (
            AgendaVote.objects.filter(item_id__in=item_ids)
            .order_by()
            .values_list("item_id", "choice")
            .annotate(n=Count("pk"))
        )
        for item_id, choice, n in counts:
            setattr(found[item_id], f"votes_{choice}", n)
    return dict(found)


def votes_of(item_ids: list[int], delegate: Any) -> dict[int, str]:
    """The delegate's own choice on each of the items they voted on; one query."""
    from .models import AgendaVote

    if not item_ids or delegate is None:
        return {}
    return dict(
        AgendaVote.objects.filter(item_id__in=item_ids, delegate=delegate).values_list("item_id", "choice")
    )


# --- delegate composition (代表构成), against the term's quotas --------------------------------


@dataclass
class CompositionRow:
    label: str
    count: int
    rate: float | None
    quota: int

    @property
    def below_quota(self) -> bool:
        return bool(self.quota) and (self.rate or 0) < self.quota


def composition(term: CongressTerm, delegates: list[Delegate]) -> list[CompositionRow]:
    total = len(delegates)

    def row(label: str, flag: str, quota: int = 0) -> CompositionRow:
        count = sum(1 for d in delegates if getattr(d, flag))
        return CompositionRow(label, count, percent(count, total), quota)

    return [
        row(_("女代表"), "is_woman", term.quota_women),
        row(_("一线教职工"), "is_frontline", term.quota_frontline),
        row(_("领导干部"), "is_leader"),
        row(_("青年代表"), "is_young", term.quota_young),
        row(_("党员"), "is_party"),
    ]
