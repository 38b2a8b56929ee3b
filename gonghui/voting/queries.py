"""Reads of the voting app: which polls a user sees, as officer, as voter, or once released."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from gonghui.core import electorates
from gonghui.core.access import scoped, unrestricted, visible
from gonghui.core.enums import Role
from gonghui.core.models import Org
from gonghui.members.models import Member
from gonghui.members.queries import members_in

from .enums import PollKind, PollState
from .models import Participation, Poll, Voter


def officer_polls(user: Any) -> QuerySet[Poll]:
    """Polls the user runs or oversees (union officers; superior officers see, never results early)."""
    return visible(Poll.objects.all(), user)


def voter_polls(user: Any) -> QuerySet[Poll]:
    """Polls in whose electorate the user's member record is."""
    if not user.is_authenticated:
        return Poll.objects.none()
    return Poll.objects.filter(Exists(Voter.objects.filter(poll=OuterRef("pk"), member__user=user)))


def public_polls(user: Any) -> QuerySet[Poll]:
    """Polls whose released results and receipt list the user may see: officers, anyone with a
    role in the poll's union (members, delegates), and the poll's own voters."""
    if not user.is_authenticated:
        return Poll.objects.none()
    if unrestricted(user):
        return Poll.objects.all()
    voter = Poll.objects.filter(Exists(Voter.objects.filter(poll=OuterRef("pk"), member__user=user)))
    return voter | scoped(Poll.objects.all(), user, frozenset(Role))


def my_open_polls(user: Any) -> list[tuple[Poll, bool]]:
    """(poll, already voted) for every open poll of the user's electorate (one query)."""
    if not user.is_authenticated:
        return []
    voted = Participation.objects.filter(poll=OuterRef("pk"), member__user=user)
    polls = voter_polls(user).filter(state=PollState.OPEN).annotate(voted=Exists(voted)).select_related("org")
    return [(poll, poll.voted) for poll in polls.order_by("-opened_at", "-id")]


def open_nominations(user: Any) -> QuerySet[Poll]:
    """Award selections of the user's unions still taking nominations (自荐/推荐): drafts."""
    return public_polls(user).filter(kind=PollKind.AWARD, state=PollState.DRAFT)


def member_of(user: Any) -> Member | None:
    if not user.is_authenticated:
        return None
    return Member.objects.filter(user=user).select_related("org").first()


def union_members(org: Org) -> QuerySet[Member]:
    return members_in(org).filter(status="active")


def union_groups(org: Org) -> QuerySet[Org]:
    return Org.objects.filter(parent=org, kind="group", status="active").order_by("name")


def union_terms(org: Org) -> QuerySet[Any]:
    """The union's congress terms (for "the delegates of a term" as electorate), newest first;
    none when the congress app, which registers them with core.electorates, is not installed."""
    terms = electorates.source("term")
    return terms.bodies(org) if terms is not None else Org.objects.none()


def delegates_of(term: Any) -> QuerySet[Member]:
    """The active members among a term's active delegates (one query)."""
    terms = electorates.source("term")
    if terms is None:
        return Member.objects.none()
    return Member.objects.filter(pk__in=terms.member_ids(term), status="active")


def match_pasted(org: Org, text: str) -> tuple[list[Member], list[str]]:
    """Members of the union named in a pasted list (one per line: name, mobile or card number),
    and the lines that match nobody or more than one member."""
    members = list(union_members(org).select_related("org"))
    by_key: dict[str, list[Member]] = {}
    for member in members:
        for key in {member.name, member.mobile, member.card_number} - {""}:
            by_key.setdefault(key, []).append(member)
    found: dict[int, Member] = {}
    unmatched = []
    for line in text.splitlines():
        key = "".join(line.split())
        if not key:
            continue
        hits = by_key.get(key, [])
        if len(hits) == 1:
            found[hits[0].pk] = hits[0]
        else:
            unmatched.append(key)
    return list(found.values()), unmatched


def awards_in(org: Org, start: Any, end: Any, *, subtree: bool = True) -> list[dict[str, Any]]:
    """Awards (评优) released in [start, end] and who won them, for the annual summary's
    表彰奖励情况: [{"org", "title", "award", "level", "names"}], oldest first."""
    from . import services

    polls = Poll.objects.filter(
        kind=PollKind.AWARD, state=PollState.RELEASED, held_on__gte=start, held_on__lte=end
    )
    polls = polls.filter(org__path__under=org.path) if subtree else polls.filter(org=org)
    found = []
    tallies = services.polls_tally(polls)
    for poll in polls.select_related("org").order_by("held_on", "pk"):
        counted = tallies[poll.pk].counted
        names = [row.name for row in counted.elected] if counted is not None else []
        if names:
            found.append({"org": poll.org.name, "title": poll.title, "award": poll.award_name or poll.title,
                          "level": poll.get_award_level_display() or "", "names": names})  # fmt: skip
    return found


def elections_in(org: Org, start: Any, end: Any, *, subtree: bool = True) -> list[dict[str, Any]]:
    """Elections and evaluations released in [start, end] (title, org, date), oldest first."""
    polls = Poll.objects.filter(
        kind__in=[PollKind.ELECTION, PollKind.EVALUATION],
        state=PollState.RELEASED,
        held_on__gte=start,
        held_on__lte=end,
    )
    polls = polls.filter(org__path__under=org.path) if subtree else polls.filter(org=org)
    return [
        {"title": p.title, "org": p.org.name, "kind": p.kind}
        for p in polls.select_related("org").order_by("held_on", "pk")[:5]
    ]


def polls_held_by(org: Org, start: Any, end: Any, *, besides: Any = ()) -> list[dict[str, Any]]:
    """The union's own polls closed in [start, end] (closed, reviewed or released), but those of
    the kinds `besides`, oldest first: [{"pk", "kind", "title", "held_on"}] (the work plan's
    calendar)."""
    polls = (
        Poll.objects.filter(
            org=org,
            state__in=[PollState.CLOSED, PollState.REVIEWED, PollState.RELEASED],
            held_on__gte=start,
            held_on__lte=end,
        )
        .exclude(kind__in=list(besides))
        .order_by("held_on", "pk")
    )
    return [dict(row) for row in polls.values("pk", "kind", "title", "held_on")]
