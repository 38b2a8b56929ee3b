"""Activities test helpers: members with accounts, and open activities built through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.activities import services
from gonghui.activities.enums import EntryMode
from gonghui.activities.models import Activity, ActivityKind
from gonghui.core.enums import OrgKind, Role
from gonghui.core.models import Org
from gonghui.members.models import Member
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory


def ball() -> ActivityKind:
    """The seeded 球类 kind (seeded again after a transactional test flushed the table)."""
    kind, _created = ActivityKind.objects.get_or_create(org=None, code="ball", defaults={"name": "球类"})
    return kind


def member_in(org: Org, *, account: bool = True) -> Member:
    """A member of `org` (a union, or one of its groups) with a login that holds the member role."""
    if org.kind == OrgKind.GROUP:
        member = MemberFactory(union=org.parent, group=org)
    else:
        member = MemberFactory(union=org)
    if account:
        user = UserFactory(name=member.name)
        RoleAssignmentFactory(user=user, org=org, role=Role.MEMBER)
        Member.objects.filter(pk=member.pk).update(user=user)
        member.refresh_from_db()
    return member


def open_activity(org: Org, **fields: Any) -> Activity:
    """An activity of `org` open for sign-up: held in ten days, sign-up until five days before."""
    now = timezone.now()
    values: dict[str, Any] = {
        "kind": ball(),
        "title": "教职工篮球赛",
        "starts_at": now + dt.timedelta(days=10),
        "ends_at": now + dt.timedelta(days=10, hours=3),
        "signup_deadline": now + dt.timedelta(days=5),
        "place": "县体育馆",
        "entry_mode": EntryMode.INDIVIDUAL,
    }
    values |= fields
    activity = services.activity_create(actor=None, org=org, **values)
    return services.activity_open(actor=None, activity=activity)
