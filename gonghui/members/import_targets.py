"""Where the rows of a member import go: a grassroots union, or, for a superior union's import,
the union its 工会 column names (by name or organisation code), only within the importer's scope."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gonghui.core.access import in_scope
from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.models import Org, User

from .models import MEMBER_CHANGE_ROLES
from .queries import groups_of

MEMBER_UNION_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)


def target_unions(*, actor: User | None, union: Org) -> list[Org]:
    """The grassroots unions of `union`'s subtree the actor may import members into."""
    unions = Org.objects.filter(path__under=union.path, kind__in=MEMBER_UNION_KINDS, status=OrgStatus.ACTIVE)
    return [u for u in unions.order_by("path") if actor is None or in_scope(actor, u, MEMBER_CHANGE_ROLES)]


class Targets:
    """The 工会 cell of a row → the union it goes to (only unions in the importer's scope)."""

    def __init__(self, *, actor: User | None, union: Org) -> None:
        allowed = target_unions(actor=actor, union=union)
        self.default = union if union.kind in MEMBER_UNION_KINDS else None
        self.by_code = {u.code: u for u in allowed if u.code}
        self.by_name: dict[str, list[Org]] = {}
        for u in allowed:
            for name in {u.name, u.short_name} - {""}:
                self.by_name.setdefault(name, []).append(u)
        self._groups: dict[int, dict[str, Org]] = {}

    def resolve(self, value: str) -> tuple[Org | None, str]:
        if not value:
            return self.default, "" if self.default else _("请填写工会名称或组织代码。")
        found = [self.by_code[value]] if value in self.by_code else self.by_name.get(value, [])
        if len(found) == 1:
            return found[0], ""
        if found:
            return None, _("有%(n)s个工会叫“%(name)s”，请改填组织代码。") % {"n": len(found), "name": value}
        # The same words whether the union exists outside the scope or not at all.
        return None, _("您管理范围内没有名称或组织代码为“%(name)s”的基层工会。") % {"name": value[:40]}

    def groups(self, union: Org) -> dict[str, Org]:
        if union.pk not in self._groups:
            self._groups[union.pk] = {g.name: g for g in groups_of(union)}
        return self._groups[union.pk]
