"""Reads of the core app: scoped querysets and the tree helpers every other app uses."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from .access import _minimal, scopes_for, visible
from .audit_text import area_codes
from .enums import GRASSROOTS_KINDS, OrgKind, OrgStatus, Outcome, Role
from .models import AuditEvent, Notification, Org, RoleAssignment


def subtree(org: Org, *, include_self: bool = True) -> QuerySet[Org]:
    """All organisations in `org`'s subtree (one indexed prefix scan)."""
    queryset = Org.objects.filter(path__under=org.path)
    return queryset if include_self else queryset.exclude(pk=org.pk)


def unions_under(org: Org) -> QuerySet[Org]:
    """The active grassroots unions of `org`'s subtree (itself included), by path: the rows of a
    superior union's tables. The caller has already reached `org` through core.access."""
    return subtree(org).filter(kind__in=GRASSROOTS_KINDS, status=OrgStatus.ACTIVE).order_by("path")


def scope_org(scope: Any) -> Org | None:
    """The org of one of the user's own scopes (the union they are working in): a scope is a role
    the user holds there, so no further check applies."""
    return None if scope is None else Org.objects.filter(pk=scope.org_id).first()


def first_root() -> Org | None:
    """The top of the tree: where a superuser without roles starts."""
    return Org.objects.filter(parent__isnull=True).order_by("path").first()


def subtree_ids(org: Org) -> QuerySet[Org, int]:
    return subtree(org).values_list("pk", flat=True)


def ancestors(org: Org, *, include_self: bool = False) -> list[Org]:
    """Root first. One query."""
    ids = org.ancestor_ids()
    if not include_self:
        ids = ids[:-1]
    by_id = Org.objects.in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def tree_roots(user: Any) -> list[Org]:
    """The top organisations of the user's visible tree (their widest scopes)."""
    if user.is_superuser:
        return list(
            Org.objects.filter(parent__isnull=True).annotate(child_count=Count("children")).order_by("name")
        )
    scopes = _minimal(scopes_for(user, Org.access.roles_for("view")))
    return list(
        Org.objects.filter(pk__in=[s.org_id for s in scopes])
        .annotate(child_count=Count("children"))
        .order_by("path")
    )


def children_of(org: Org) -> QuerySet[Org]:
    return org.children.annotate(child_count=Count("children")).order_by("status", "kind", "name")


def org_search(user: Any, text: str, *, limit: int = 50) -> list[tuple[Org, list[str]]]:
    """Visible orgs whose name or code contains `text`, each with its ancestors' names (2 queries)."""
    text = text.strip()
    if not text:
        return []
    found = list(
        visible(Org.objects.all(), user)
        .filter(Q(name__contains=text) | Q(short_name__contains=text) | Q(code=text))
        .order_by("depth", "name")[:limit]
    )
    wanted = {i for org in found for i in org.ancestor_ids()[:-1]}
    names = dict(Org.objects.filter(pk__in=wanted).values_list("pk", "name"))
    return [(org, [names[i] for i in org.ancestor_ids()[:-1] if i in names]) for org in found]


def child_overview(org: Org) -> list[dict[str, Any]]:
    """For a superior union's home: each direct child with its subtree's union count and workforce.

    One grouped query over the subtree: the child id is the path segment after the parent's.
    """
    children = list(org.children.filter(status=OrgStatus.ACTIVE).order_by("kind", "name"))
    rows = (
        Org.objects.filter(path__under=org.path, status=OrgStatus.ACTIVE)
        .exclude(pk=org.pk)
        .values_list("path", "kind", "workforce")
    )
    start = len(org.path)
    stats: dict[int, dict[str, int]] = {c.pk: {"unions": 0, "groups": 0, "workforce": 0} for c in children}
    for path, kind, workforce in rows:
        rest = path[start:]
        entry = stats.get(int(rest.split("/", 1)[0]))
        if entry is None:
            continue
        if rest.count("/") == 1:  # the child itself: its own workforce, not a union below it
            entry["workforce"] += workforce
        elif kind == OrgKind.GROUP:
            entry["groups"] += 1
        else:
            entry["unions"] += 1
            entry["workforce"] += workforce
    return [{"org": c, **stats[c.pk]} for c in children]


def subtree_totals(org: Org) -> dict[str, int]:
    """Unions and groups below `org` (not counting itself) and the workforce of all of them."""
    totals = (
        subtree(org, include_self=False)
        .filter(status=OrgStatus.ACTIVE)
        .aggregate(
            unions=Count("pk", filter=~Q(kind=OrgKind.GROUP)),
            groups=Count("pk", filter=Q(kind=OrgKind.GROUP)),
            workforce=Sum("workforce", filter=~Q(kind=OrgKind.GROUP)),
        )
    )
    return {key: value or 0 for key, value in totals.items()}


def groups_without_leader(org: Org) -> QuerySet[Org]:
    """Union groups under `org` that have nobody with the group-leader role (a chair's to-do)."""
    return (
        subtree(org)
        .filter(kind=OrgKind.GROUP, status=OrgStatus.ACTIVE)
        .exclude(role_assignments__role=Role.GROUP_LEADER)
        .order_by("name")
    )


def roles_at(org: Org) -> QuerySet[RoleAssignment]:
    return org.role_assignments.select_related("user").order_by("role", "user__name")


def org_history(org: Org) -> QuerySet[AuditEvent]:
    """变更记录: the changes made to the organisation (created, edited, moved, dissolved), not
    every event that names it (a refused visit, a statistics export: those are in the audit log)."""
    return AuditEvent.objects.filter(
        object_type="core.org", object_id=str(org.pk), action__startswith="org.", outcome=Outcome.SUCCESS
    ).order_by("-at", "-id")


def audit_events(user: Any, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    queryset = visible(AuditEvent.objects.all(), user).select_related("org")
    if filters.get("q"):
        queryset = queryset.filter(actor_label__contains=filters["q"])
    if filters.get("action"):
        area = filters["action"]
        queryset = queryset.filter(Q(action__startswith=area) | Q(action__in=sorted(area_codes(area))))
    if filters.get("outcome"):
        queryset = queryset.filter(outcome=filters["outcome"])
    if filters.get("date_from"):
        queryset = queryset.filter(at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(at__date__lte=filters["date_to"])
    return queryset


def my_notifications(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")
