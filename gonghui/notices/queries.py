"""Reads of public notices: who is a member of a union for 公示, who sees which notices.

A notice of a union is seen by
* everyone holding a role anywhere in the union's subtree (a plain member, a group leader, a
  member of one of its union groups): they are its members, and they may raise objections;
* officers of superior unions, whose roles cover the union (the usual subtree rule);
and a draft only by the union's panel (chair, vice-chairs, committee members).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gonghui.core.access import can, orgs_for, scopes_for, visible
from gonghui.core.enums import OrgKind
from gonghui.core.models import Org

from .enums import ObjectionState
from .models import MEMBERSHIP_ROLES, PANEL_ROLES, Notice, Objection


def _ancestor_ids(path: str) -> list[int]:
    return [int(part) for part in path.strip("/").split("/") if part]


def member_union_ids(user: Any) -> set[int]:
    """Ids of the orgs `user` is a member of: each org on the way from the root down to any org
    where they hold a membership role (no query once the scopes are loaded)."""
    ids: set[int] = set()
    for scope in scopes_for(user, MEMBERSHIP_ROLES):
        ids.update(_ancestor_ids(scope.path))
    return ids


def is_member(user: Any, org: Org) -> bool:
    """Does `user` hold a membership role at `org` or anywhere below it?"""
    if user is None or not user.is_authenticated:
        return False
    return any(s.path.startswith(org.path) for s in scopes_for(user, MEMBERSHIP_ROLES))


def is_panel(user: Any, notice: Notice) -> bool:
    """May `user` manage `notice` and see who raised its anonymous objections?"""
    return can(user, "change", notice)


def notices_for(user: Any) -> QuerySet[Notice]:
    """The notices `user` may see (Notice's row rule, `notices.models.notice_rows`: drafts only
    for the panel)."""
    return visible(Notice.objects.all(), user)


def board(user: Any) -> QuerySet[Notice]:
    """The notice board rows: notices with their union and objection counts, newest first."""
    return (
        notices_for(user)
        .select_related("org")
        .defer("body")
        .annotate(
            objection_count=Count("objections"),
            open_objection_count=Count("objections", filter=Q(objections__state=ObjectionState.SUBMITTED)),
        )
        .order_by("-starts_on", "-id")
    )


def panel_unions(user: Any) -> QuerySet[Org]:
    """The unions whose notices `user` may draft: those where they sit on the panel."""
    kinds = [kind for kind in OrgKind.values if kind != OrgKind.GROUP]
    return orgs_for(user, PANEL_ROLES, kinds=kinds).order_by("path")


def objected(notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """The notices that received an objection (收到异议的事项)."""
    return notices.filter(Exists(Objection.objects.filter(notice=OuterRef("pk"))))


def objections_waiting(user: Any) -> QuerySet[Objection]:
    """Objections `user` may resolve that are still waiting for a resolution."""
    return visible(Objection.objects.all(), user, "change").filter(state=ObjectionState.SUBMITTED)


def notices_about(subject: Any) -> QuerySet[Notice]:
    """The notices attached to `subject` (any saved record with an integer key), newest first."""
    from django.contrib.contenttypes.models import ContentType

    subject_type = ContentType.objects.get_for_model(subject)
    return Notice.objects.filter(subject_type=subject_type, subject_id=subject.pk).order_by(
        "-starts_on", "-id"
    )


def match_people(org: Org, text: str) -> tuple[list[Any], list[str]]:
    """Members of `org`'s subtree named in a pasted list (one name or mobile per line) and the
    lines that match nobody or more than one person. Only the union's own members can match."""
    from gonghui.members.queries import members_in

    lines = list(dict.fromkeys("".join(line.split()) for line in text.splitlines()))
    lines = [line for line in lines if line]
    if not lines:
        return [], []
    candidates = members_in(org).filter(Q(name__in=lines) | Q(mobile__in=lines)).select_related("org", "user")
    by_key: dict[str, list[Any]] = {}
    for member in candidates:
        for key in {member.name, member.mobile} - {""}:
            by_key.setdefault(key, []).append(member)
    found: dict[int, Any] = {}
    unmatched = []
    for line in lines:
        hits = by_key.get(line, [])
        if len(hits) == 1:
            found[hits[0].pk] = hits[0]
        else:
            unmatched.append(line)
    return list(found.values()), unmatched
