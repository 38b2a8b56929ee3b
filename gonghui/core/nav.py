"""The navigation registry: each app adds its areas; areas not built yet are simply absent.

An entry names the roles that see it, so a member never sees links to officers' pages, and the
menu group it sits in (GROUPS below: 首页, 组织与会员, 民主管理, 关爱服务, 统计报表, 系统), so the
top bar keeps a handful of items however many areas are built. A group a user sees one entry of
shows that entry as a plain link; more than one, a dropdown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import MANAGER_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: str | Promise
    icon: str
    order: int


GROUPS: dict[str, NavGroup] = {
    group.key: group
    for group in (
        NavGroup("home", _("首页"), "house", 0),
        NavGroup("org", _("组织与会员"), "diagram-3", 10),
        NavGroup("democracy", _("民主管理"), "people-fill", 30),
        NavGroup("care", _("关爱服务"), "heart", 50),
        NavGroup("reports", _("统计报表"), "bar-chart-line", 70),
        NavGroup("system", _("系统"), "gear", 90),
    )
}


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]
    order: int = 100
    group: str = "system"


@dataclass(frozen=True)
class MenuEntry:
    """One item of the top bar: a group and the entries of it this user sees (in order)."""

    group: NavGroup
    items: tuple[NavItem, ...]


_REGISTRY: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    if item.group not in GROUPS:
        raise ValueError(f"nav item {item.key!r}: unknown group {item.group!r} (one of {sorted(GROUPS)})")
    _REGISTRY[item.key] = item


def items_for(roles: Iterable[str], *, superuser: bool = False) -> list[NavItem]:
    held = set(roles)
    return sorted(
        (item for item in _REGISTRY.values() if superuser or held & item.roles),
        key=lambda item: (item.order, item.key),
    )


def menu_for(roles: Iterable[str], *, superuser: bool = False) -> list[MenuEntry]:
    """The top bar for a user holding `roles`: the groups they see an entry of, in order."""
    by_group: dict[str, list[NavItem]] = {}
    for item in items_for(roles, superuser=superuser):
        by_group.setdefault(item.group, []).append(item)
    return [
        MenuEntry(GROUPS[key], tuple(items))
        for key, items in sorted(by_group.items(), key=lambda pair: (GROUPS[pair[0]].order, pair[0]))
    ]


def current(items: Iterable[NavItem], path: str) -> tuple[str, bool] | None:
    """The entry `path` belongs to: (key, True) when it is that entry's own page, (key, False)
    when it is a page below it (the longest entry address that `path` starts with)."""
    best: tuple[int, str, bool] | None = None
    for item in items:
        url = reverse(item.url_name)
        if path == url:
            return item.key, True
        if url != "/" and path.startswith(url) and (best is None or len(url) > best[0]):
            best = (len(url), item.key, False)
    return (best[1], best[2]) if best else None


register(NavItem("home", _("首页"), "core:home", "house", frozenset(Role), order=0, group="home"))
register(NavItem("orgs", _("组织"), "core:org_tree", "diagram-3", STAFF_ROLES, order=10, group="org"))
register(
    NavItem(
        "audit",
        _("审计日志"),
        "core:audit_list",
        "journal-text",
        frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR}),
        order=900,
        group="system",
    )
)
register(NavItem("roles", _("人员与角色"), "core:role_home", "people", MANAGER_ROLES, order=890, group="org"))


@dataclass(frozen=True)
class OrgLink:
    """A link an app adds to an organisation's page, e.g. its member list: the page at
    `url_name` with `?<param>=<org id>`, shown for organisations of `kinds`. The target page
    checks access itself; this only saves the user a trip through its filter."""

    key: str
    label: str | Promise
    url_name: str
    param: str
    kinds: frozenset[str]


_ORG_LINKS: dict[str, OrgLink] = {}


def register_org_link(link: OrgLink) -> None:
    _ORG_LINKS[link.key] = link


def org_links(kind: str, pk: int) -> list[tuple[str | Promise, str]]:
    """(label, url) of the links registered for organisation `pk` of `kind`."""
    return [
        (link.label, f"{reverse(link.url_name)}?{link.param}={pk}")
        for link in _ORG_LINKS.values()
        if kind in link.kinds
    ]
