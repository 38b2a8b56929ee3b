"""Access policies: who may do which action on a model's rows.

Every scoped model declares `access = AccessPolicy(...)`. `core.access` reads it to build the
queryset filter (lists) and the per-object check (one object). Keeping the rule as data on the
model means a new app gets access control by declaring it, not by writing another filter.

An action is granted by roles (a frozenset of `Role` values) or by a `Capability`: roles that hold
it whatever their portfolio, plus roles that hold it only with a given portfolio (分工), e.g. a
committee member holds "care files" only as the 生活委员 (welfare portfolio). A `row_rule` says
which rows of the user's scopes an action reaches when the org alone cannot (state, relation).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.db.models import Q

    from .access import Rows


@dataclass(frozen=True, eq=False)
class Capability:
    """A right held by role, or by role and portfolio (分工)."""

    name: str
    roles: frozenset[str] = frozenset()
    # Portfolio -> roles that hold the capability only when their assignment carries it.
    portfolio_roles: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def held_by(self, scope: Any) -> bool:
        return scope.role in self.roles or scope.role in self.portfolio_roles.get(scope.portfolio, ())

    @property
    def all_roles(self) -> frozenset[str]:
        """Every role that holds the capability with some portfolio (a looser, role-only test)."""
        return self.roles.union(*self.portfolio_roles.values())

    def _key(self) -> tuple[Any, ...]:
        return (self.roles, frozenset((p, frozenset(r)) for p, r in self.portfolio_roles.items()))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Capability) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __or__(self, other: Grant) -> Capability:
        other = as_capability(other)
        portfolios = {p: frozenset(r) for p, r in self.portfolio_roles.items()}
        for portfolio, roles in other.portfolio_roles.items():
            portfolios[portfolio] = portfolios.get(portfolio, frozenset()) | roles
        name = self.name if self.name == other.name or not other.name else f"{self.name}|{other.name}"
        return Capability(name, self.roles | other.roles, portfolios)


# What an action, a page or a query is granted by: some roles, or a capability.
Grant = Capability | Iterable[str]


def as_capability(grant: Grant, name: str = "") -> Capability:
    if isinstance(grant, Capability):
        return grant
    return Capability(name, frozenset(str(role) for role in grant))


# A row rule: which rows an action reaches (a Q, combined with the owner rule), or None to let the
# policy's roles decide as usual. See core.access.Rows.
RowRule = Callable[["Rows"], "Q | None"]


@dataclass(frozen=True, eq=False)
class AccessPolicy:
    # Lookup from the model to its owning Org ("" when the model is Org itself).
    org_field: str
    # Roles (or a Capability) that grant each action over the owning org's subtree.
    view: frozenset[str] | Capability = frozenset()
    change: frozenset[str] | Capability = frozenset()
    move: frozenset[str] | Capability = frozenset()
    extra: dict[str, frozenset[str] | Capability] = field(default_factory=dict)
    # Lookup from the model to the user who owns the row ("a member sees their own records").
    owner_field: str | None = None
    owner_actions: frozenset[str] = frozenset({"view"})
    # Rows reached by state or relation (a department sees the proposals assigned to it).
    row_rule: RowRule | None = None

    def grant_for(self, action: str) -> Capability:
        if action == "view":
            # Whoever may change a row may also see it.
            return as_capability(self.view, action) | self.change | self.move
        if action in ("change", "move"):
            return as_capability(getattr(self, action), action)
        return as_capability(self.extra.get(action, frozenset()), action)

    def roles_for(self, action: str) -> frozenset[str]:
        """The roles that grant `action` whatever their portfolio."""
        return self.grant_for(action).roles

    def path_lookup(self) -> str:
        return f"{self.org_field}__path" if self.org_field else "path"
