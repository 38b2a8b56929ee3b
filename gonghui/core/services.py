"""Writes of the core app: organisations, roles, users, notifications. Atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import forget_scopes
from .audit import audit, changed, snapshot
from .enums import THIS_ORG_ONLY_BY_DEFAULT, OrgKind, OrgStatus
from .errors import DomainError
from .models import Notification, Org, RoleAssignment, User
from .writes import service

ORG_FIELDS = ["name", "short_name", "kind", "unit_type", "code", "workforce", "status", "parent_id"]


def _check_parent(parent: Org | None, kind: str) -> None:
    if parent is None:
        return
    if parent.kind == OrgKind.GROUP:
        raise DomainError(_("工会小组下不能再设下级组织。"))
    if not parent.is_active:
        raise DomainError(_("上级组织“%(name)s”已撤销，不能在其下新建或移入组织。") % {"name": parent.name})


@service
def org_create(
    *,
    actor: User | None,
    parent: Org | None,
    name: str,
    kind: str,
    unit_type: str = "",
    code: str | None = None,
    workforce: int = 0,
    short_name: str = "",
) -> Org:
    """Create an organisation under `parent` (None for a root) and give it its tree path."""
    _check_parent(parent, kind)
    org = Org(
        parent=parent,
        name=name.strip(),
        kind=kind,
        unit_type=unit_type,
        code=code or None,
        workforce=workforce,
        short_name=short_name,
    )
    org.full_clean(exclude=["path", "depth"])
    org.save()
    # The path holds the org's own id, known only after the insert.
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    audit(action="org.create", actor=actor, org=org, obj=org, after=snapshot(org, ORG_FIELDS))
    return org


@service
def org_update(*, actor: User | None, org: Org, **fields: Any) -> Org:
    """Edit an organisation's own fields (not its place in the tree: see org_move)."""
    allowed = {"name", "short_name", "kind", "unit_type", "code", "workforce"}
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"org_update cannot set {sorted(unknown)}")
    org = Org.objects.select_for_update().get(pk=org.pk)
    before = snapshot(org, ORG_FIELDS)
    for key, value in fields.items():
        setattr(org, key, value if key != "code" else (value or None))
    if org.kind == OrgKind.GROUP and org.children.exists():
        raise DomainError(_("该组织有下级组织，不能改为工会小组。"))
    org.full_clean(exclude=["path", "depth", "parent"])
    old, new = changed(before, snapshot(org, ORG_FIELDS))
    if new:  # an unchanged form writes nothing
        org.save()
        audit(action="org.update", actor=actor, org=org, obj=org, before=old, after=new)
    return org


@service
def org_move(*, actor: User | None, org: Org, new_parent: Org) -> Org:
    """Move `org` and its whole subtree under `new_parent`.

    Records keep their foreign key to their org, so they move with it; only the paths of the
    subtree are rewritten, in one UPDATE.
    """
    org = Org.objects.select_for_update().get(pk=org.pk)
    new_parent = Org.objects.get(pk=new_parent.pk)
    if new_parent.path.startswith(org.path):
        raise DomainError(_("不能把组织移动到它自己或它的下级组织之下。"))
    _check_parent(new_parent, org.kind)
    if org.parent_id == new_parent.pk:
        return org
    old_path, old_parent_id = org.path, org.parent_id
    new_path = f"{new_parent.path}{org.pk}/"
    depth_delta = new_parent.depth + 1 - org.depth
    Org.objects.filter(path__under=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_delta,
    )
    Org.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit(
        action="org.move",
        actor=actor,
        org=org,
        obj=org,
        before={"parent_id": old_parent_id, "path": old_path},
        after={"parent_id": new_parent.pk, "path": new_path},
    )
    return org


@service
def org_dissolve(*, actor: User | None, org: Org, on: dt.date | None = None) -> Org:
    """Mark an organisation dissolved (撤销). Its records stay; active children must go first."""
    org = Org.objects.select_for_update().get(pk=org.pk)
    if not org.is_active:
        raise DomainError(_("该组织已撤销。"))
    if org.children.filter(status=OrgStatus.ACTIVE).exists():
        raise DomainError(_("该组织还有未撤销的下级组织，请先撤销或移走下级组织。"))
    dissolved_at = on or timezone.localdate()
    Org.states.move(
        org, to=OrgStatus.DISSOLVED, actor=actor, org=org,
        fields={"dissolved_at": dissolved_at}, after={"dissolved_at": dissolved_at.isoformat()},
    )  # fmt: skip
    return org


@service
def user_create(
    *, actor: User | None, username: str, name: str, password: str, mobile: str | None = None
) -> User:
    """Create a login account; the password must pass the password rules."""
    user = User(username=username.strip(), name=name.strip(), mobile=mobile or None)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit(action="user.create", actor=actor, obj=user, after={"username": user.username, "name": user.name})
    return user


@service
def user_password_change(*, user: User, password: str) -> User:
    """A user sets their own new password (the form has checked the old one and the rules)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    audit(action="user.password_change", actor=user, obj=user)
    return user


@service
def role_assign(
    *,
    actor: User | None,
    user: User,
    org: Org,
    role: str,
    portfolio: str = "",
    this_org_only: bool | None = None,
) -> RoleAssignment:
    """Give `user` a role at `org` (idempotent: an identical assignment is returned as is)."""
    if this_org_only is None:
        this_org_only = role in THIS_ORG_ONLY_BY_DEFAULT
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, org=org, role=role, portfolio=portfolio, defaults={"this_org_only": this_org_only}
    )
    if created:
        audit(
            action="role.assign",
            actor=actor,
            org=org,
            obj=assignment,
            after={
                "user": user.username,
                "role": role,
                "portfolio": portfolio,
                "this_org_only": this_org_only,
            },
        )
    forget_scopes(user)
    return assignment


@service
def role_revoke(*, actor: User | None, assignment: RoleAssignment) -> None:
    before = {
        "user": assignment.user.username,
        "role": assignment.role,
        "portfolio": assignment.portfolio,
        "this_org_only": assignment.this_org_only,
    }
    org = assignment.org
    audit(action="role.revoke", actor=actor, org=org, obj=assignment, before=before)
    assignment.delete()
    forget_scopes(assignment.user)


@service(audited_elsewhere="a message follows a write that its own service audited")
def notification_send(
    *, users: Iterable[User], title: str, body: str = "", url: str = "", org: Org | None = None
) -> list[Notification]:
    """Send an in-app message (站内消息) to each user. Other apps call this after their commits."""
    now = timezone.now()
    rows = [Notification(user=u, org=org, title=title, body=body, url=url, created_at=now) for u in users]
    return Notification.objects.bulk_create(rows)


@service(audited_elsewhere="reading one's own messages changes nobody's records")
def notification_mark_read(*, user: User, notification: Notification | None = None) -> int:
    """Mark one message (or, with None, all of the user's messages) as read."""
    queryset = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification is not None:
        queryset = queryset.filter(pk=notification.pk)
    return queryset.update(read_at=timezone.now())
