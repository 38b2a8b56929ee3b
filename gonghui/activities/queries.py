"""Reads of the activities app: every list scoped through core.access."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core.access import visible
from gonghui.core.models import Org

from .enums import EntryState
from .models import Activity, ActivityKind, ActivityQuota, Entry, Team, TeamMember


def activities_for(user: Any) -> QuerySet[Activity]:
    """The activities `user` sees (officers over the organiser, members below it, their own)."""
    return visible(Activity.objects.select_related("org", "kind"), user)


def kinds_for(org: Org) -> QuerySet[ActivityKind]:
    """The kinds an activity of `org` may have: the seeded ones and those of `org` and above."""
    above = [int(part) for part in org.path.strip("/").split("/") if part]
    return ActivityKind.objects.filter(Q(org__isnull=True) | Q(org_id__in=above), active=True)


def entries_for(user: Any, activity: Activity) -> QuerySet[Entry]:
    """The entries of `activity` that `user` sees (all for the organiser; a unit its own)."""
    return visible(
        Entry.objects.filter(activity=activity).select_related("unit", "member", "team"), user
    ).order_by("state", "position", "created_at", "id")


def waiting_list(user: Any, activity: Activity) -> QuerySet[Entry]:
    """The waiting list in order (who moves up next first)."""
    return entries_for(user, activity).filter(state=EntryState.WAITING).order_by("position", "id")


def my_entries(user: Any) -> QuerySet[Entry]:
    """The user's own live entries, alone or in a team."""
    mine = Q(member__user=user.pk) | Q(
        team__in=TeamMember.objects.filter(member__user=user.pk).values("team_id")
    )
    return visible(Entry.objects.filter(mine).select_related("activity", "team"), user).exclude(
        state=EntryState.WITHDRAWN
    )


def team_members(user: Any, team: Team) -> QuerySet[TeamMember]:
    return visible(TeamMember.objects.filter(team=team).select_related("member"), user)


def visible_quotas(user: Any, activity: Activity) -> QuerySet[ActivityQuota]:
    """The quotas of `activity` `user` sees (the organiser all, a unit its own)."""
    return visible(ActivityQuota.objects.filter(activity=activity).select_related("unit"), user)
