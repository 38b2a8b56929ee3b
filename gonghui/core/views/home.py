"""The home page, one per role: superior officer, union officer, member."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from .. import queries
from ..enums import STAFF_ROLES, Role
from ..facts import Period, headlines
from ..models import Org
from ..todos import todos_for
from .base import AuthedRequest, current_scope


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    scope = current_scope(request)
    context: dict = {"scope": scope, "notifications": queries.my_notifications(request.user)[:5]}
    # Every home page shows the to-dos apps register (a member's 待投票 among them).
    context["todos"] = todos_for(request.user, scope)
    if scope is None:
        return render(request, "core/home_member.html", context)
    # The scope comes from the user's own role rows, so this lookup is inside their scope.
    org = get_object_or_404(Org, pk=scope.org_id)
    context["org"] = org
    context["headlines"] = headlines(org, Period.calendar_year(timezone.localdate().year))
    if scope.role == Role.SUPERIOR_ADMIN:
        context["children"] = queries.child_overview(org)
        context["totals"] = queries.subtree_totals(org)
        return render(request, "core/home_superior.html", context)
    if scope.role in STAFF_ROLES:
        context["groups"] = queries.children_of(org).filter(kind="group")
        context["totals"] = queries.subtree_totals(org)
        return render(request, "core/home_officer.html", context)
    return render(request, "core/home_member.html", context)
