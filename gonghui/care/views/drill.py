"""Drill-down on the care lists (core.drilldown): a figure's union and period narrow the list.

Care pages are gated by capability (rules.py), not by role alone, so the union asked for must be
one where the user holds the page's capability: a union outside it is refused as missing, like
any foreign object. The union is narrowed the way the figures count (`queries.drilled`), so the
banner's count is the figure's record count.
"""

from __future__ import annotations

from django.db.models import QuerySet

from gonghui.core.access import deny
from gonghui.core.drilldown import Drilldown
from gonghui.core.views.base import AuthedRequest

from .. import rules


def drill_for(request: AuthedRequest, capability: rules.Capability) -> Drilldown:
    drill = Drilldown.from_request(request, roles=capability.roles | capability.welfare_roles)
    if drill.org is not None and not rules.may(request.user, capability, drill.org):
        # The role is there but not the 生活 portfolio: the union's care rows stay unseen.
        deny(request.user, request=request, what=f"core.org:{drill.org.pk}", action=capability.name)
    return drill


def banner(request: AuthedRequest, drill: Drilldown, rows: QuerySet) -> dict[str, object]:
    """The banner's context; the COUNT runs only when a drill-down narrows the list."""
    return drill.banner(request, rows.count() if drill.active else 0)
