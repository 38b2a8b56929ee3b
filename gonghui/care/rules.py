"""Who may do what in the care app: roles, and for the 生活委员 the welfare portfolio.

`core.access` grants by role alone; care work is assigned by portfolio (分工), so the care app
checks capabilities here, built on the same scopes (`core.access.user_scopes`):

* a capability lists roles that hold it whatever their portfolio (`roles`), and roles that hold
  it only with the 生活 (welfare) portfolio (`welfare_roles`);
* the superior union's care officer is a 上级工会管理员 whose assignment carries the 生活
  portfolio: they see the hardship files and applications of their subtree, and change nothing.

The models' AccessPolicy lists the portfolio-free roles only, so `core.access.visible()` on a
care model is never wider than the care app's own queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from gonghui.core.access import _minimal, user_scopes
from gonghui.core.enums import Portfolio, Role


@dataclass(frozen=True)
class Capability:
    name: str
    roles: frozenset[str] = frozenset()
    welfare_roles: frozenset[str] = frozenset()

    def held_by(self, scope: Any) -> bool:
        return scope.role in self.roles or (
            scope.role in self.welfare_roles and scope.portfolio == Portfolio.WELFARE
        )


WELFARE_OFFICERS = frozenset({Role.COMMITTEE, Role.VICE_CHAIR})

# Hardship files (困难职工档案): the chair, the 生活委员, the superior union's care officer.
FILE_VIEW = Capability("file_view", frozenset({Role.CHAIR}), WELFARE_OFFICERS | {Role.SUPERIOR_ADMIN})
FILE_CHANGE = Capability("file_change", frozenset({Role.CHAIR}), WELFARE_OFFICERS)
# Applications: the chair and vice-chairs run them with the 生活委员.
APP_VIEW = Capability(
    "app_view", frozenset({Role.CHAIR, Role.VICE_CHAIR}), WELFARE_OFFICERS | {Role.SUPERIOR_ADMIN}
)
APP_CHANGE = Capability("app_change", frozenset({Role.CHAIR, Role.VICE_CHAIR}), WELFARE_OFFICERS)
# Approval (committee decision): chair, vice-chair or 生活委员; an over-standard override: chair only.
APPROVE = APP_CHANGE
OVERRIDE = Capability("override", frozenset({Role.CHAIR}))
# Payment is recorded by the same officers; a reversal (冲正) only by the chair.
PAY = APP_CHANGE
REVERSE = Capability("reverse", frozenset({Role.CHAIR}))
# Standards: everyone running applications sees them, the chair sets them.
STANDARDS_VIEW = APP_VIEW
STANDARDS_CHANGE = Capability("standards_change", frozenset({Role.CHAIR}))
# Year totals are aggregates: superior officers and the 经审 see them too.
TOTALS_VIEW = Capability(
    "totals_view",
    frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.AUDITOR, Role.SUPERIOR_ADMIN}),
    WELFARE_OFFICERS,
)
# Donation drives, health campaigns and 疗休养: run by the officers who run applications; the
# full lists (donors, attendance, trips) are also seen by the 经审 and the superior care officer;
# members and other union roles see their union's drives and campaigns and their own records.
CAMPAIGN_CHANGE = APP_CHANGE
CAMPAIGN_OVERSEE = Capability(
    "campaign_oversee",
    frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.AUDITOR}),
    WELFARE_OFFICERS | {Role.SUPERIOR_ADMIN},
)
CAMPAIGN_VIEW = Capability("campaign_view", frozenset(Role.values) - {Role.DEPARTMENT}, WELFARE_OFFICERS)


def scopes_with(user: Any, capability: Capability) -> list[Any]:
    return [s for s in user_scopes(user) if capability.held_by(s)]


def holds(user: Any, capability: Capability) -> bool:
    """Does the user hold the capability anywhere (for pages not tied to one object)?"""
    if user is None or not user.is_authenticated:
        return False
    return bool(user.is_superuser or scopes_with(user, capability))


def care_q(user: Any, capability: Capability, *, path_lookup: str = "org__path") -> Q | None:
    """A Q matching rows whose org lies where `user` holds `capability`; None when nowhere."""
    scopes = _minimal(scopes_with(user, capability))
    if not scopes:
        return None
    q = Q()
    for s in scopes:
        q |= Q(**{path_lookup: s.path}) if s.this_org_only else Q(**{f"{path_lookup}__under": s.path})
    return q


def may(user: Any, capability: Capability, org: Any) -> bool:
    """Per-object check in Python (no query once the scopes are loaded)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    path = org if isinstance(org, str) else org.path
    return any(s.covers(path) for s in scopes_with(user, capability))


# Condolence visits (慰问): run by the same officers as applications; approval by the chair,
# a vice-chair or the 生活委员 (never the recorder), over-standard only by the chair; the
# union group leader (工会小组长) reports "五必访" events of their group.
VISIT_VIEW = APP_VIEW
VISIT_CHANGE = APP_CHANGE
VISIT_APPROVE = APPROVE
REPORT_FILE = Capability(
    "report_file", frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.GROUP_LEADER}), WELFARE_OFFICERS
)
