"""Who may do what in the care app: its capabilities (core.policy.Capability), declared here.

Care work is assigned by portfolio (分工): a capability lists roles that hold it whatever their
portfolio, and roles that hold it only with the 生活 (welfare) portfolio. The superior union's
care officer is a 上级工会管理员 whose assignment carries the 生活 portfolio: they see the hardship
files and applications of their subtree, and change nothing. Checks and filters are core.access's
(`holds`, `may`, `scoped`, `get_scoped`, `orgs_for`), given these capabilities.
"""

from __future__ import annotations

from gonghui.core.enums import Portfolio, Role
from gonghui.core.policy import Capability

WELFARE = Portfolio.WELFARE
WELFARE_OFFICERS = frozenset({Role.COMMITTEE, Role.VICE_CHAIR})
CHAIR = frozenset({Role.CHAIR})
CHAIRS = frozenset({Role.CHAIR, Role.VICE_CHAIR})

# Hardship files (困难职工档案): the chair, the 生活委员, the superior union's care officer.
FILE_VIEW = Capability("file_view", CHAIR, {WELFARE: WELFARE_OFFICERS | {Role.SUPERIOR_ADMIN}})
FILE_CHANGE = Capability("file_change", CHAIR, {WELFARE: WELFARE_OFFICERS})
# Applications: the chair and vice-chairs run them with the 生活委员.
APP_VIEW = Capability("app_view", CHAIRS, {WELFARE: WELFARE_OFFICERS | {Role.SUPERIOR_ADMIN}})
APP_CHANGE = Capability("app_change", CHAIRS, {WELFARE: WELFARE_OFFICERS})
# Approval (committee decision): chair, vice-chair or 生活委员; an over-standard override: chair only.
APPROVE = APP_CHANGE
OVERRIDE = Capability("override", CHAIR)
# Payment is recorded by the same officers; a reversal (冲正) only by the chair.
PAY = APP_CHANGE
REVERSE = Capability("reverse", CHAIR)
# Standards: everyone running applications sees them, the chair sets them.
STANDARDS_VIEW = APP_VIEW
STANDARDS_CHANGE = Capability("standards_change", CHAIR)
# Year totals are aggregates: superior officers and the 经审 see them too.
TOTALS_VIEW = Capability(
    "totals_view", CHAIRS | {Role.AUDITOR, Role.SUPERIOR_ADMIN}, {WELFARE: WELFARE_OFFICERS}
)
# Donation drives, health campaigns and 疗休养: run by the officers who run applications; the
# full lists (donors, attendance, trips) are also seen by the 经审 and the superior care officer;
# members and other union roles see their union's drives and campaigns and their own records.
CAMPAIGN_CHANGE = APP_CHANGE
CAMPAIGN_OVERSEE = Capability(
    "campaign_oversee", CHAIRS | {Role.AUDITOR}, {WELFARE: WELFARE_OFFICERS | {Role.SUPERIOR_ADMIN}}
)
CAMPAIGN_VIEW = Capability(
    "campaign_view", frozenset(Role.values) - {Role.DEPARTMENT}, {WELFARE: WELFARE_OFFICERS}
)

# Condolence visits (慰问): run by the same officers as applications; approval by the chair,
# a vice-chair or the 生活委员 (never the recorder), over-standard only by the chair; the
# union group leader (工会小组长) reports "五必访" events of their group.
VISIT_VIEW = APP_VIEW
VISIT_CHANGE = APP_CHANGE
VISIT_APPROVE = APPROVE
REPORT_FILE = Capability("report_file", CHAIRS | {Role.GROUP_LEADER}, {WELFARE: WELFARE_OFFICERS})
