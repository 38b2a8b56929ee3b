"""The single choke point for "who may see or touch what" (DESIGN.md §3).

A user's scopes are their role assignments: (org path, role, this-org-only). A role covers the
org's whole subtree unless the assignment is this-org-only. Models declare an AccessPolicy
(`core.policy`); `visible()` turns it into a queryset filter and `get_for_user()` into a 404 for
anything outside the user's scope, so existence is never confirmed.

What grants an action is roles or a `Capability` (roles, plus roles holding it only with a
portfolio, 分工); a policy's `row_rule` adds rows reached by state or relation. App code asks only
here: `unrestricted()` (never `user.is_superuser`), `holds()`, `may()`, `orgs_for()`, `scoped()`,
`visible()`; a view asks through `request.access` (`Access`), which works each answer out once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NoReturn, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.http import Http404

from .enums import GRASSROOTS_KINDS, OrgStatus, Outcome
from .policy import AccessPolicy, Capability, Grant, as_capability

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


def unrestricted(user: Any) -> bool:
    """A superuser: every scope, every row (the one place app code learns of it)."""
    return bool(user is not None and user.is_authenticated and user.is_superuser)


def scopes_for(user: Any, grant: Grant) -> list[Scope]:
    """The user's scopes that carry `grant` (roles, or a Capability with its portfolios)."""
    capability = as_capability(grant)
    return [s for s in user_scopes(user) if capability.held_by(s)]


def holds(user: Any, grant: Grant) -> bool:
    """Does the user hold `grant` anywhere (pages not tied to one org or object)?"""
    if user is None or not user.is_authenticated:
        return False
    return unrestricted(user) or bool(scopes_for(user, grant))


def may(user: Any, grant: Grant, org: Any) -> bool:
    """Does the user hold `grant` over this org (or path)? No query once the scopes are loaded."""
    if user is None or not user.is_authenticated:
        return False
    return in_scope(user, org, grant)


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


def scope_q(user: Any, grant: Grant, *, path_lookup: str = "org__path") -> Q | None:
    """A Q matching rows whose org lies where the user holds `grant`; None if nowhere.

    Ignores the superuser shortcut: use `scoped()` (or `visible()`) unless you combine it."""
    scopes = _minimal(scopes_for(user, grant))
    if not scopes:
        return None
    q = Q()
    for s in scopes:
        q |= Q(**{path_lookup: s.path}) if s.this_org_only else Q(**{f"{path_lookup}__under": s.path})
    return q


def scoped(
    queryset: models.QuerySet[M], user: Any, grant: Grant, *, path_lookup: str = "org__path"
) -> models.QuerySet[M]:
    """The rows of `queryset` whose org (by `path_lookup`) lies where `user` holds `grant`: for
    reads keyed by a capability rather than by the model's policy (care work by portfolio)."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    if user.is_superuser:
        return queryset
    q = scope_q(user, grant, path_lookup=path_lookup)
    return queryset.filter(q) if q is not None else queryset.none()


def get_scoped(queryset: models.QuerySet[M], user: Any, grant: Grant, pk: Any, *, request: Any = None) -> M:
    """One object of `queryset` the user may reach with `grant`, or 404 (audited)."""
    obj = scoped(queryset, user, grant).filter(pk=pk).first()
    if obj is None:
        action = grant.name if isinstance(grant, Capability) and grant.name else "view"
        deny(user, request=request, what=f"{queryset.model._meta.label_lower}:{pk}", action=action)
    return obj


# Unions proper: what "the unions where the user is chair" means (groups belong to their union).
UNION_KINDS = GRASSROOTS_KINDS


def orgs_for(
    user: Any, grant: Grant, *, kinds: Iterable[str] | None = UNION_KINDS, active: bool = True
) -> models.QuerySet[Any]:
    """The orgs (by default active unions, not groups) where `user` holds `grant`, by name: the
    union picker of every page that acts "in a union the user runs"."""
    from .models import Org

    orgs = Org.objects.all()
    if kinds is not None:
        orgs = orgs.filter(kind__in=list(kinds))
    if active:
        orgs = orgs.filter(status=OrgStatus.ACTIVE)
    return scoped(orgs, user, grant, path_lookup="path").order_by("name")


# What a row rule returns for "no row at all".
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Rows:
    """What a policy's `row_rule` is asked: which rows may `user` `action`?

    The rule returns a Q (the owner rule is added to it), or None to leave the action to the
    policy's roles. `walk`: the caller reads the rows along an index and stops at the end of a
    page, so a scope is best tested per row reached (EXISTS) rather than as a set (IN)."""

    user: Any
    action: str
    policy: AccessPolicy
    walk: bool = False

    def scopes(self, grant: Grant) -> list[Scope]:
        """The user's scopes carrying `grant` (for a rule keyed on where the user holds a role)."""
        return scopes_for(self.user, grant)

    def within(self, grant: Grant | None = None, *, exists_on: str | None = None) -> Q | None:
        """Rows whose org lies where the user holds `grant` (default: the action's own grant),
        as `org IN (the scope's orgs)`: the few orgs are read once, not each candidate row joined
        to its org. When walking, tested per row on `exists_on` (another path to the same org)."""
        from .models import Org

        org_q = scope_q(self.user, self.policy.grant_for(self.action) if grant is None else grant,
                        path_lookup="path")  # fmt: skip
        if org_q is None:
            return None
        field = self.policy.org_field or "pk"
        if self.walk:
            return Q(Exists(Org.objects.filter(org_q, pk=OuterRef(exists_on or field))))
        return Q(**{f"{field}__in": Org.objects.filter(org_q).values("pk")})


def row_q(user: Any, action: str, model: type[models.Model], *, walk: bool = False) -> Q | None:
    """The filter behind `visible()`: the policy's row rule, else its roles over the owning org's
    subtree; or'ed with the owner rule. None when no row can match. Superusers are not special
    here (`visible()` handles them)."""
    policy = policy_of(model)
    q = policy.row_rule(Rows(user, action, policy, walk)) if policy.row_rule is not None else None
    if q is None:
        q = scope_q(user, policy.grant_for(action), path_lookup=policy.path_lookup())
    if policy.owner_field and action in policy.owner_actions:
        owner_q = Q(**{policy.owner_field: user.pk})
        q = owner_q if q is None else q | owner_q
    return q


def policy_of(model: type[models.Model]) -> AccessPolicy:
    policy = getattr(model, "access", None)
    if not isinstance(policy, AccessPolicy):
        raise TypeError(
            f"{model.__name__} declares no AccessPolicy; it cannot be reached through core.access"
        )
    return policy


def visible(
    queryset: models.QuerySet[M], user: Any, action: str = "view", *, walk: bool = False
) -> models.QuerySet[M]:
    """The rows of `queryset` that `user` may `action` (`walk`: see `Rows`)."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    policy_of(queryset.model)  # before the superuser shortcut: fail the same for everyone
    if user.is_superuser:
        return queryset
    q = row_q(user, action, queryset.model, walk=walk)
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
    """Per-object check: in Python (no query once scopes are loaded), except where the policy's
    row rule decides the action (one query)."""
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
    if policy.row_rule is not None:
        ruled = policy.row_rule(Rows(user, action, policy))
        if ruled is not None:
            return type(obj)._default_manager.filter(ruled, pk=obj.pk).exists()
    path = org_path_of(obj)
    if path is None:
        return False
    return in_scope(user, path, policy.grant_for(action))


def _owner_id(obj: models.Model, owner_field: str) -> Any:
    *through, last = owner_field.split("__")
    target: Any = obj
    for part in through:
        target = getattr(target, part, None)
        if target is None:
            return None
    return getattr(target, f"{last}_id", None)


def in_scope(user: Any, org_or_path: Any, roles: Grant) -> bool:
    """Is this org (or path) inside one of the user's scopes for `roles` (or a Capability)? No
    query once loaded."""
    if user.is_superuser:
        return True
    path = org_or_path if isinstance(org_or_path, str) else org_or_path.path
    return any(s.covers(path) for s in scopes_for(user, roles))


def require_roles(user: Any, roles: Grant, *, request: Any = None, what: str = "") -> None:
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


class Access:
    """`request.access` (set by `core.middleware.AccessMiddleware`): core.access for one request,
    each answer worked out once. Nothing is read until asked (the scopes are one query, shared
    with every core.access call on the same user)."""

    def __init__(self, request: Any) -> None:
        self.request = request
        self._holds: dict[Any, bool] = {}
        self._orgs: dict[Any, models.QuerySet[Any]] = {}

    @cached_property
    def user(self) -> Any:
        return self.request.user

    @cached_property
    def unrestricted(self) -> bool:
        return unrestricted(self.user)

    @cached_property
    def scopes(self) -> tuple[Scope, ...]:
        return user_scopes(self.user)

    def holds(self, grant: Grant) -> bool:
        key = as_capability(grant)
        if key not in self._holds:
            self._holds[key] = holds(self.user, key)
        return self._holds[key]

    def may(self, grant: Grant, org: Any) -> bool:
        return may(self.user, grant, org)

    def require(self, grant: Grant, *, what: str = "") -> None:
        """403 (audited) unless the user holds `grant` somewhere."""
        if not self.holds(grant):
            require_roles(self.user, grant, request=self.request, what=what)

    def orgs_for(
        self, grant: Grant, *, kinds: Iterable[str] | None = UNION_KINDS, active: bool = True
    ) -> models.QuerySet[Any]:
        """`orgs_for()`, built once per request (a page's picker and checks share it)."""
        key = (as_capability(grant), None if kinds is None else tuple(kinds), active)
        if key not in self._orgs:
            self._orgs[key] = orgs_for(self.user, grant, kinds=kinds, active=active)
        return self._orgs[key]

    def visible(self, queryset: models.QuerySet[M], action: str = "view") -> models.QuerySet[M]:
        return visible(queryset, self.user, action)

    def scoped(
        self, queryset: models.QuerySet[M], grant: Grant, *, path_lookup: str = "org__path"
    ) -> models.QuerySet[M]:
        return scoped(queryset, self.user, grant, path_lookup=path_lookup)

    def get(self, model: type[M], pk: Any, *, action: str = "view") -> M:
        return get_for_user(model, self.user, pk, action=action, request=self.request)

    def can(self, action: str, obj: models.Model) -> bool:
        return can(self.user, action, obj)


def access_of(request: Any) -> Access:
    """The request's `Access` (made here for a request that did not pass the middleware)."""
    access = getattr(request, "access", None)
    if not isinstance(access, Access):
        access = Access(request)
        request.access = access
    return access
