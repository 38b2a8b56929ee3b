"""Drill-down on the care lists (core.drilldown): a figure's union and period narrow the list.

Care pages are gated by capability (rules.py), not by role alone: a union outside the
capability's roles is refused as missing, like any foreign object; one where the user has the
role but not the capability (the 生活 portfolio) is refused by the page's guard. The union is narrowed the way the figures count (`queries.drilled`), so the
banner's count is the figure's record count.
"""

from __future__ import annotations

from django.db.models import QuerySet

from gonghui.core.drilldown import Drilldown
from gonghui.core.views.base import AuthedRequest

from .. import rules


def drill_for(request: AuthedRequest, capability: rules.Capability) -> Drilldown:
    # Outside the roles' reach: 404; the role without the 生活 portfolio there: 403 by the page's
    # guard (care/apps.py), the rule that also hides the figure's link.
    return Drilldown.from_request(request, roles=capability.all_roles)


def banner(request: AuthedRequest, drill: Drilldown, rows: QuerySet) -> dict[str, object]:
    """The banner's context; the COUNT runs only when a drill-down narrows the list."""
    return drill.banner(request, rows.count() if drill.active else 0)
