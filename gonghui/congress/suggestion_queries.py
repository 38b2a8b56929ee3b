"""Reads behind rationalization suggestions (合理化建议) shared by the service and the pages."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core.access import user_scopes
from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.models import Org

UNION_KINDS = [OrgKind.GRASSROOTS, OrgKind.JOINT]


def member_unions(user: Any) -> QuerySet[Org]:
    """The unions `user` may submit suggestions to: those they hold any role in (a role in one of
    a union's groups counts for that union). A superuser may submit to any active union."""
    unions = Org.objects.filter(kind__in=UNION_KINDS, status=OrgStatus.ACTIVE).order_by("name")
    if user.is_superuser:
        return unions
    ids = {s.org_id for s in user_scopes(user)}
    groups = Org.objects.filter(pk__in=ids, kind=OrgKind.GROUP).values("parent_id")
    return unions.filter(Q(pk__in=ids) | Q(pk__in=groups))
