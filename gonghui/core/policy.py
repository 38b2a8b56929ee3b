"""Access policies: which roles may do which action on a model's rows.

Every scoped model declares `access = AccessPolicy(...)`. `core.access` reads it to build the
queryset filter (lists) and the per-object check (one object). Keeping the rule as data on the
model means a new app gets access control by declaring it, not by writing another filter.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class AccessPolicy:
    # Lookup from the model to its owning Org ("" when the model is Org itself).
    org_field: str
    # Roles that grant each action over the owning org's subtree.
    view: frozenset[str] = frozenset()
    change: frozenset[str] = frozenset()
    move: frozenset[str] = frozenset()
    extra: dict[str, frozenset[str]] = field(default_factory=dict)
    # Lookup from the model to the user who owns the row ("a member sees their own records").
    owner_field: str | None = None
    owner_actions: frozenset[str] = frozenset({"view"})

    def roles_for(self, action: str) -> frozenset[str]:
        if action == "view":
            # Whoever may change a row may also see it.
            return self.view | self.change | self.move
        if action in ("change", "move"):
            return getattr(self, action)
        return self.extra.get(action, frozenset())

    def path_lookup(self) -> str:
        return f"{self.org_field}__path" if self.org_field else "path"
