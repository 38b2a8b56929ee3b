"""The organisation tree: browse, search, create, edit, move, dissolve."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import audit_text, drilldown, nav, queries, services
from ..access import can, get_for_user, in_scope, require_roles, visible
from ..enums import OrgKind, OrgStatus
from ..errors import DomainError
from ..forms import OrgDissolveForm, OrgForm, OrgMoveForm
from ..models import AuditEvent, Org, RoleAssignment
from .base import AuthedRequest, render_page


@login_required
def org_tree(request: AuthedRequest) -> HttpResponse:
    require_roles(request.user, Org.access.roles_for("view"), request=request, what="core.org")
    text = request.GET.get("q", "").strip()
    context = {
        "q": text,
        "roots": [] if text else queries.tree_roots(request.user),
        "results": queries.org_search(request.user, text) if text else [],
    }
    return render_page(request, "core/org_tree.html", context, partial="tree-body")


@login_required
def org_children(request: AuthedRequest, pk: int) -> HttpResponse:
    """HTMX fragment: the children of one node, loaded when the user expands it."""
    org = get_for_user(Org, request.user, pk, request=request)
    return render(request, "core/org_tree.html#children", {"org": org, "children": queries.children_of(org)})


@login_required
def org_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    org = get_for_user(Org, request.user, pk, request=request)
    children = Paginator(queries.children_of(org), 100).get_page(request.GET.get("page"))
    user = request.user
    ancestors = queries.ancestors(org)
    for ancestor in ancestors:  # a crumb links only where the viewer may go (a group leader's county)
        ancestor.linkable = can(user, "view", ancestor)  # type: ignore[attr-defined]
    linker = drilldown.Linker(user)
    context = {
        "org": org,
        "ancestors": ancestors,
        "children": children,
        "can_change": can(user, "change", org),
        "can_move": can(user, "move", org) and org.parent_id is not None,
        "can_see_roles": in_scope(user, org, RoleAssignment.access.roles_for("view")),
        "history": audit_text.describe(queries.org_history(org).select_related("actor")[:20])
        if in_scope(user, org, AuditEvent.access.roles_for("view"))
        else [],
        "groups_missing_leader": queries.groups_without_leader(org)[:20] if can(user, "change", org) else [],
        # An area's page for this union (e.g. 会员名册) only where the viewer may open it.
        "org_links": [(label, url) for label, url in nav.org_links(org.kind, org.pk) if linker(url)],
    }
    return render(request, "core/org_detail.html", context)


@login_required
def org_create(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = get_for_user(Org, request.user, pk, action="change", request=request)
    form = OrgForm(request.POST or None, initial={"kind": _default_child_kind(parent)})
    if request.method == "POST" and form.is_valid():
        try:
            org = services.org_create(actor=request.user, parent=parent, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已新建组织“%(name)s”。") % {"name": org.name})
            return redirect("core:org_detail", pk=org.pk)
    return render(request, "core/org_form.html", {"form": form, "parent": parent, "org": None})


def _default_child_kind(parent: Org) -> str:
    if parent.kind in (OrgKind.GRASSROOTS, OrgKind.JOINT):
        return OrgKind.GROUP
    return OrgKind.GRASSROOTS


@login_required
def org_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    org = get_for_user(Org, request.user, pk, action="change", request=request)
    form = OrgForm(request.POST or None, instance=org)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_update(actor=request.user, org=Org.objects.get(pk=org.pk), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存。"))
            return redirect("core:org_detail", pk=org.pk)
    return render(request, "core/org_form.html", {"form": form, "parent": org.parent, "org": org})


@login_required
def org_move(request: AuthedRequest, pk: int) -> HttpResponse:
    org = get_for_user(Org, request.user, pk, action="move", request=request)
    # Only unions the user may change, outside the moved subtree, can receive it.
    parents = (
        visible(Org.objects.all(), request.user, "change")
        .filter(status=OrgStatus.ACTIVE)
        .exclude(kind=OrgKind.GROUP)
        .exclude(path__under=org.path)
        .order_by("path")
    )
    form = OrgMoveForm(request.POST or None, parents=parents)
    if request.method == "POST" and form.is_valid():
        try:
            services.org_move(actor=request.user, org=org, new_parent=form.cleaned_data["new_parent"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("已将“%(name)s”及其下级组织移动到新的上级组织。") % {"name": org.name}
            )
            return redirect("core:org_detail", pk=org.pk)
    return render(request, "core/org_move.html", {"form": form, "org": org})


@login_required
def org_dissolve(request: AuthedRequest, pk: int) -> HttpResponse:
    org = get_for_user(Org, request.user, pk, action="change", request=request)
    form = OrgDissolveForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.org_dissolve(actor=request.user, org=org, on=form.cleaned_data["on"])
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已撤销“%(name)s”，其历史记录仍然保留。") % {"name": org.name})
            return redirect("core:org_detail", pk=org.pk)
    return render(request, "core/org_dissolve.html", {"form": form, "org": org})
