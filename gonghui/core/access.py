"""The single choke point for "who may see or touch what" (DESIGN.md §3).

A user's scopes are their role assignments: (org path, role, this-org-only). A role covers the
org's whole subtree unless the assignment is this-org-only. Models declare an AccessPolicy
(`core.policy`); `visible()` turns it into a queryset filter and `get_for_user()` into a 404 for
anything outside the user's scope, so existence is never confirmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from .enums import Outcome
from .policy import AccessPolicy

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    org_id: int
    org_name: str
    path: str
    role: str
    portfolio: str
    this_org_only: bool

    @property
    def role_label(self) -> str:
        from .enums import Role

        return str(Role(self.role).label)

    def covers(self, path: str) -> bool:
        return path == self.path if self.this_org_only else path.startswith(self.path)


def user_scopes(user: Any) -> tuple[Scope, ...]:
    """All scopes of `user`, loaded once per request (one query) and cached on the user."""
    if user is None or not user.is_authenticated:
        return ()
    cached = getattr(user, "_gonghui_scopes", None)
    if cached is None:
        from .models import RoleAssignment

        rows = (
            RoleAssignment.objects.filter(user_id=user.pk)
            .order_by("org__path", "role")
            .values_list("org_id", "org__name", "org__path", "role", "portfolio", "this_org_only")
        )
        cached = tuple(Scope(*row) for row in rows)
        user._gonghui_scopes = cached
    return cached


def forget_scopes(user: Any) -> None:
    """Drop the cached scopes after a role change."""
    if hasattr(user, "_gonghui_scopes"):
        del user._gonghui_scopes


def scopes_for(user: Any, roles: Iterable[str]) -> list[Scope]:
    wanted = set(roles)
    return [s for s in user_scopes(user) if s.role in wanted]


def _minimal(scopes: list[Scope]) -> list[Scope]:
    """Drop scopes already covered by a wider one, so filters stay short."""
    subtree_paths = sorted({s.path for s in scopes if not s.this_org_only})
    kept_paths: list[str] = []
    for path in subtree_paths:
        if not any(path.startswith(k) for k in kept_paths):
            kept_paths.append(path)
    result = [s for s in scopes if not s.this_org_only and s.path in kept_paths]
    seen = set(kept_paths)
    for s in scopes:
        if s.this_org_only and not any(s.path.startswith(k) for k in kept_paths) and s.path not in seen:
            seen.add(s.path)
            result.append(s)
    unique: dict[str, Scope] = {}
    for s in result:
        unique.setdefault(s.path, s)
    return list(unique.values())


def scope_q(user: Any, roles: Iterable[str], *, path_lookup: str = "org__path") -> Q | None:
    """A Q matching rows whose org lies in the user's scope for `roles`; None if no scope."""
    scopes = _minimal(scopes_for(user, roles))
    if not scopes:
        return None
    q = Q()
    for s in scopes:
        q |= Q(**{path_lookup: s.path}) if s.this_org_only else Q(**{f"{path_lookup}__under": s.path})
    return q


def policy_of(model: type[models.Model]) -> AccessPolicy:
    policy = getattr(model, "access", None)
    if not isinstance(policy, AccessPolicy):
        raise TypeError(
            f"{model.__name__} declares no AccessPolicy; it cannot be reached through core.access"
        )
    return policy


def visible(queryset: models.QuerySet[M], user: Any, action: str = "view") -> models.QuerySet[M]:
    """The rows of `queryset` that `user` may `action`."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    policy = policy_of(queryset.model)  # before the superuser shortcut: fail the same for everyone
    if user.is_superuser:
        return queryset
    q = scope_q(user, policy.roles_for(action), path_lookup=policy.path_lookup())
    if policy.owner_field and action in policy.owner_actions:
        owner_q = Q(**{policy.owner_field: user.pk})
        q = owner_q if q is None else q | owner_q
    if q is None:
        return queryset.none()
    return queryset.filter(q)


def get_for_user(model: type[M], user: Any, pk: Any, *, action: str = "view", request: Any = None) -> M:
    """Return the object if `user` may `action` it; 404 otherwise (never reveal existence)."""
    obj = visible(model._default_manager.all(), user, action).filter(pk=pk).first()
    if obj is None:
        deny(user, request=request, what=f"{model._meta.label_lower}:{pk}", action=action)
    return obj


def get_from(queryset: models.QuerySet[M], user: Any, *, request: Any = None, **lookup: Any) -> M:
    """One object from an already-scoped queryset (e.g. "transfers waiting for my union"), or 404."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        what = f"{queryset.model._meta.label_lower}:{next(iter(lookup.values()), '')}"
        deny(user, request=request, what=what)
    return obj


def org_path_of(obj: models.Model) -> str | None:
    policy = policy_of(type(obj))
    target: Any = obj
    if policy.org_field:
        for part in policy.org_field.split("__"):
            target = getattr(target, part, None)
            if target is None:
                return None
    return target.path


def can(user: Any, action: str, obj: models.Model) -> bool:
    """Per-object check in Python (no query once scopes are loaded)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    policy = policy_of(type(obj))
    if (
        policy.owner_field
        and action in policy.owner_actions
        and _owner_id(obj, policy.owner_field) == user.pk
    ):
        return True
    path = org_path_of(obj)
    if path is None:
        return False
    return in_scope(user, path, policy.roles_for(action))


def _owner_id(obj: models.Model, owner_field: str) -> Any:
    *through, last = owner_field.split("__")
    target: Any = obj
    for part in through:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def in_scope(user: Any, org_or_path: Any, roles: Iterable[str]) -> bool:
    """Is this org (or path) inside one of the user's scopes for `roles`? No query once loaded."""
    if user.is_superuser:
        return True
    path = org_or_path if isinstance(org_or_path, str) else org_or_path.path
    return any(s.covers(path) for s in scopes_for(user, roles))


def require_roles(user: Any, roles: Iterable[str], *, request: Any = None, what: str = "") -> None:
    """For pages not tied to one object: refuse (403, audited) users without any such role."""
    if user.is_superuser or scopes_for(user, roles):
        return
    _audit_denial(user, request, what, "view")
    raise PermissionDenied


def deny(user: Any, *, request: Any = None, what: str = "", action: str = "view") -> NoReturn:
    """Refuse as if the object did not exist (404), and audit the attempt."""
    _audit_denial(user, request, what, action)
    raise Http404


def primary_org_id(user: Any) -> int | None:
    """The org an event about this user is filed under (their most senior role's org)."""
    from .enums import Role

    ranked = sorted(user_scopes(user), key=lambda s: (list(Role.values).index(s.role), s.path.count("/")))
    return ranked[0].org_id if ranked else None


def _audit_denial(user: Any, request: Any, what: str, action: str) -> None:
    from .audit import audit

    authenticated = getattr(user, "is_authenticated", False)
    audit(
        action="access.denied",
        actor=user if authenticated else None,
        org=primary_org_id(user) if authenticated else None,
        outcome=Outcome.DENIED,
        object_type=what.split(":")[0] if what else "",
        object_id=what.split(":")[1] if ":" in what else "",
        detail=f"{action} {request.path if request is not None else ''}".strip(),
    )
