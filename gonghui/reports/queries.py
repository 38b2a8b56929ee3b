"""Reads of the reports app that pages and background exports share (the same checks in both)."""

from __future__ import annotations

from typing import Any

from gonghui.core.access import get_for_user, in_scope, require_roles
from gonghui.core.enums import OFFICER_ROLES, PERSONAL_ROLES, STAFF_ROLES

from .models import WorkPlan

ALL_ROLES = STAFF_ROLES | PERSONAL_ROLES


def plan_for(user: Any, pk: int, *, action: str = "view", request: Any = None) -> WorkPlan:
    """The plan, or 404 outside the user's unions; 403 for a member of its own union without an
    officer's role (the plan is the committee's working paper)."""
    org_path = WorkPlan.objects.filter(pk=pk).values_list("org__path", flat=True).first()
    if org_path is not None and in_scope(user, org_path, ALL_ROLES):
        require_roles(user, OFFICER_ROLES, request=request, what=f"reports.workplan:{pk}")
    return get_for_user(WorkPlan, user, pk, action=action, request=request)


def plan_of(org_id: int, year: int) -> WorkPlan | None:
    """The union's work plan for `year`, if made (one per union and year). The caller has reached
    the union through core.access (its summary)."""
    return WorkPlan.objects.filter(org=org_id, year=year).first()
