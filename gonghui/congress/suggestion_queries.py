"""Reads behind rationalization suggestions (合理化建议) shared by the service and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core.access import scopes_for, unrestricted
from gonghui.core.enums import OrgKind, OrgStatus, Role
from gonghui.core.models import Org

from .models import SuggestionCampaign

UNION_KINDS = [OrgKind.GRASSROOTS, OrgKind.JOINT]


def member_unions(user: Any) -> QuerySet[Org]:
    """The unions `user` may submit suggestions to: those they hold any role in (a role in one of
    a union's groups counts for that union). A superuser may submit to any active union."""
    unions = Org.objects.filter(kind__in=UNION_KINDS, status=OrgStatus.ACTIVE).order_by("name")
    if unrestricted(user):
        return unions
    ids = {s.org_id for s in scopes_for(user, Role.values)}
    groups = Org.objects.filter(pk__in=ids, kind=OrgKind.GROUP).values("parent_id")
    return unions.filter(Q(pk__in=ids) | Q(pk__in=groups))


def running_campaigns(unions: QuerySet[Org], *, today: dt.date) -> QuerySet[SuggestionCampaign]:
    """The suggestion campaigns (征集活动) of `unions` open on `today`, newest first."""
    return (
        SuggestionCampaign.objects.filter(org__in=unions, start__lte=today, end__gte=today)
        .select_related("org")
        .order_by("-start", "pk")
    )
