"""The organisation tree: subtree lists and "is this org in the user's scope" checks.

Each figure compares the project's helpers (core.access, the `path__under` lookup) with the raw
SQL a hand-written page would run for the same answer, measured in the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection

from bench.measure import REPEAT, Result, compare, fetch_all, result
from gonghui.core.access import forget_scopes, in_scope, user_scopes, visible
from gonghui.core.enums import OrgKind, Role
from gonghui.core.models import Org, RoleAssignment, User

SCENARIO = "tree"
ORG_TABLE = Org._meta.db_table
ROLE_TABLE = RoleAssignment._meta.db_table


@dataclass(frozen=True)
class Officer:
    """A bench user and the org their superior-admin role sits at."""

    user: User
    org: Org


def _officer(username: str) -> Officer:
    user = User.objects.get(username=username)
    assignment = RoleAssignment.objects.select_related("org").get(user=user, role=Role.SUPERIOR_ADMIN)
    user_scopes(user)  # loaded once, as in a request
    return Officer(user=user, org=assignment.org)


def _prefix_match() -> tuple[str, str]:
    """The operator and wildcard the `path__under` lookup emits on this database."""
    return ("GLOB", "*") if connection.vendor == "sqlite" else ("LIKE", "%")


# (a) list a subtree ---------------------------------------------------------------------------


def _subtree_helper(officer: Officer) -> Callable[[], list[tuple[int, str]]]:
    def call() -> list[tuple[int, str]]:
        orgs = visible(Org.objects.all(), officer.user).filter(path__under=officer.org.path)
        return list(orgs.values_list("id", "name"))

    return call


def _subtree_raw(path: str) -> Callable[[], list[tuple[int, str]]]:
    operator, wildcard = _prefix_match()
    sql = f"SELECT id, name FROM {ORG_TABLE} WHERE path {operator} %s"

    def call() -> list[tuple[int, str]]:
        return [(row[0], row[1]) for row in fetch_all(sql, [f"{path}{wildcard}"])]

    return call


def subtree_figure(officer: Officer, level: str, repeat: int) -> Result:
    helper, raw = _subtree_helper(officer), _subtree_raw(officer.org.path)
    rows = helper()
    if sorted(rows) != sorted(raw()):
        raise AssertionError(f"helper and raw SQL disagree on the {level} subtree")
    pair = compare(helper, raw, repeat=repeat)
    label = f"list {level} subtree id+name via visible()"
    return result(SCENARIO, f"subtree_list_{level}", label, pair, len(rows))


# (b), (c) is an org inside the user's scope ---------------------------------------------------


def _scope_roles() -> list[str]:
    return sorted(str(role) for role in Org.access.roles_for("view"))


def _in_scope_raw(user: User, target: Org) -> Callable[[], bool]:
    """One query: does any of the user's role assignments cover the target's path?"""
    roles = _scope_roles()
    operator, wildcard = _prefix_match()
    placeholders = ", ".join(["%s"] * len(roles))
    literal = wildcard.replace("%", "%%")  # "%" is doubled for the DB-API paramstyle
    sql = (
        f"SELECT 1 FROM {ROLE_TABLE} ra JOIN {ORG_TABLE} o ON o.id = ra.org_id "
        f"WHERE ra.user_id = %s AND ra.role IN ({placeholders}) "
        f"AND (o.path = %s OR (NOT ra.this_org_only AND %s {operator} (o.path || '{literal}'))) "
        "LIMIT 1"
    )
    params = [user.pk, *roles, target.path, target.path]

    def call() -> bool:
        return bool(fetch_all(sql, params))

    return call


def _in_scope_cold(user: User, target: Org) -> Callable[[], bool]:
    """Scopes loaded afresh each call (as on a new request), then the check."""
    roles = _scope_roles()

    def call() -> bool:
        forget_scopes(user)
        return in_scope(user, target, roles)

    return call


def _in_scope_cached(user: User, target: Org) -> Callable[[], bool]:
    roles = _scope_roles()
    user_scopes(user)

    def call() -> bool:
        return in_scope(user, target, roles)

    return call


def _deep_target(officer: Officer) -> Org:
    """A union group deep inside the officer's subtree (the worst case for a path test)."""
    groups = Org.objects.filter(path__under=officer.org.path, kind=OrgKind.GROUP)
    target = groups.order_by("-depth", "id").first()
    return target or officer.org


def scope_figures(officer: Officer, repeat: int) -> list[Result]:
    target = _deep_target(officer)
    raw, cold = _in_scope_raw(officer.user, target), _in_scope_cold(officer.user, target)
    if not (raw() and cold()):
        raise AssertionError("the deep target should be inside the county officer's scope")
    cold_pair = compare(cold, raw, repeat=repeat)
    cached_pair = compare(_in_scope_cached(officer.user, target), raw, repeat=repeat, inner=1000)
    return [
        result(SCENARIO, "in_scope_cold", "in_scope(): load scopes + check", cold_pair, 1),
        result(SCENARIO, "in_scope_cached", "in_scope(): scopes cached (Python only)", cached_pair, 1),
    ]


def run(repeat: int = REPEAT) -> list[Result]:
    county, city = _officer("bench-county-admin"), _officer("bench-city-admin")
    return [
        subtree_figure(county, "county", repeat * 2),
        subtree_figure(city, "city", repeat),
        *scope_figures(county, repeat * 2),
    ]
