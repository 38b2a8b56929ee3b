"""The navigation registry: each app adds its areas; areas not built yet are simply absent.

An entry names the roles that see it, so a member never sees links to officers' pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .enums import MANAGER_ROLES, STAFF_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str
    roles: frozenset[str]
    order: int = 100


_REGISTRY: dict[str, NavItem] = {}


def register(item: NavItem) -> None:
    _REGISTRY[item.key] = item


def items_for(roles: Iterable[str], *, superuser: bool = False) -> list[NavItem]:
    held = set(roles)
    return sorted(
        (item for item in _REGISTRY.values() if superuser or held & item.roles),
        key=lambda item: (item.order, item.key),
    )


register(NavItem("home", _("首页"), "core:home", "house", frozenset(Role), order=0))
register(NavItem("orgs", _("组织"), "core:org_tree", "diagram-3", STAFF_ROLES, order=10))
register(
    NavItem(
        "audit",
        _("审计日志"),
        "core:audit_list",
        "journal-text",
        frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR}),
        order=900,
    )
)
register(NavItem("roles", _("人员与角色"), "core:role_home", "people", MANAGER_ROLES, order=890))


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
    from django.urls import reverse

    return [
        (link.label, f"{reverse(link.url_name)}?{link.param}={pk}")
        for link in _ORG_LINKS.values()
        if kind in link.kinds
    ]
