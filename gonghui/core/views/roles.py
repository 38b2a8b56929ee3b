"""People and roles of an organisation: assign and revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import queries, services
from ..access import deny, get_for_user, in_scope, require_roles
from ..auth import locked_user_ids, unlock_account
from ..enums import Role
from ..errors import DomainError
from ..forms import RoleAssignForm
from ..models import Org, RoleAssignment, User
from .base import AuthedRequest, current_scope


def _allowed_roles(user: User, org: Org) -> list[tuple[str, Any]]:
    """Only a superior officer may appoint another superior officer."""
    superior = user.is_superuser or in_scope(user, org.path, {Role.SUPERIOR_ADMIN})
    return [(value, label) for value, label in Role.choices if superior or value != Role.SUPERIOR_ADMIN]


@login_required
def role_home(request: AuthedRequest) -> HttpResponse:
    require_roles(
        request.user, RoleAssignment.access.roles_for("view"), request=request, what="core.roleassignment"
    )
    scope = current_scope(request)
    return redirect("core:org_roles", pk=scope.org_id) if scope else redirect("core:home")


@login_required
def org_roles(request: AuthedRequest, pk: int) -> HttpResponse:
    org = get_for_user(Org, request.user, pk, request=request)
    if not in_scope(request.user, org, RoleAssignment.access.roles_for("view")):
        # Seeing the org is not enough to see who holds which role in it.
        deny(request.user, request=request, what=f"core.roleassignment:org{org.pk}")
    may_change = in_scope(request.user, org, RoleAssignment.access.roles_for("change"))
    form = RoleAssignForm(request.POST or None, allowed_roles=_allowed_roles(request.user, org))
    if request.method == "POST":
        if not may_change:
            deny(request.user, request=request, what=f"core.roleassignment:org{org.pk}", action="change")
        if form.is_valid():
            data = form.cleaned_data
            try:
                user = form.user or services.user_create(
                    actor=request.user,
                    username=data["mobile"],
                    name=data["name"],
                    password=data["password"],
                    mobile=data["mobile"],
                )
                services.role_assign(
                    actor=request.user,
                    user=user,
                    org=org,
                    role=data["role"],
                    portfolio=data.get("portfolio") or "",
                    this_org_only=data.get("this_org_only") or None,
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已为%(name)s设置角色。") % {"name": user})
                return redirect("core:org_roles", pk=org.pk)
    assignments = list(queries.roles_at(org))
    locked = locked_user_ids({a.user_id for a in assignments}) if may_change else set()
    # A person holding several roles here (主席, 代表, 会员) gets the badge and 解除锁定 once, on
    # their first row.
    first_rows: dict[int, int] = {}
    for a in assignments:
        first_rows.setdefault(a.user_id, a.pk)
    locked_rows = {first_rows[user_id] for user_id in locked}
    context = {
        "org": org,
        "assignments": assignments,
        "form": form,
        "may_change": may_change,
        "locked_rows": locked_rows,
    }
    return render(request, "core/org_roles.html", context)


@login_required
@require_POST
def role_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    assignment = get_for_user(RoleAssignment, request.user, pk, action="change", request=request)
    if assignment.user_id == request.user.pk and assignment.role in (Role.CHAIR, Role.SUPERIOR_ADMIN):
        messages.error(request, _("不能撤销自己的主席或管理员角色，请由上级工会办理。"))
    else:
        try:
            services.role_revoke(actor=request.user, assignment=assignment)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已撤销角色。"))
    return redirect("core:org_roles", pk=assignment.org_id)


@login_required
@require_POST
def user_unlock(request: AuthedRequest, pk: int, user_pk: int) -> HttpResponse:
    """解除锁定: an administrator of the org lifts the login delay of someone holding a role there."""
    org = get_for_user(Org, request.user, pk, request=request)
    if not in_scope(request.user, org, RoleAssignment.access.roles_for("change")):
        deny(request.user, request=request, what=f"core.user:unlock:org{org.pk}", action="change")
    user = get_object_or_404(User.objects.filter(roles__org=org).distinct(), pk=user_pk)
    if unlock_account(actor=request.user, user=user, org=org):
        messages.success(request, _("已解除%(name)s的登录锁定。") % {"name": user})
    else:
        messages.info(request, _("%(name)s的账号未被锁定。") % {"name": user})
    return redirect("core:org_roles", pk=org.pk)
