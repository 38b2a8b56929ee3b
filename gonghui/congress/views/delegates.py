"""Delegates of a congress term, its delegations (代表团/组) and the term settings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import can, deny, get_for_user, get_from, in_scope, visible
from gonghui.core.enums import OFFICER_ROLES
from gonghui.core.errors import DomainError
from gonghui.core.views.base import AuthedRequest, render_page
from gonghui.members.queries import members_in

from .. import services, session_queries
from ..models import (
    CongressTerm,
    Delegate,
    Delegation,
)
from ..proposal_forms import first_error
from ..session_forms import (
    AssignDelegationForm,
    DelegationForm,
    DelegationUpdateForm,
    ElectForm,
    TermSettingsForm,
)

# --- delegates of a term, delegations (代表团/组), term settings ----------------------------------


@dataclass
class DelegationRow:
    delegation: Delegation
    members: list[Delegate] = field(default_factory=list)


def _elect_form(term: CongressTerm, data: Any = None) -> ElectForm:
    active = term.delegates.filter(active=True).order_by("name", "id")
    candidates = (
        members_in(term.org)
        .filter(status="active")
        .exclude(delegateships__term=term)
        .order_by("name_pinyin", "id")
    )
    return ElectForm(data, members=candidates, delegates=active)


def _delegates_context(
    request: AuthedRequest, term: CongressTerm, *, form: ElectForm | None = None, roster_error: str = ""
) -> dict[str, Any]:
    delegates = list(
        term.delegates.select_related("delegation", "replaces").order_by("-active", "name", "id")
    )
    active = [d for d in delegates if d.active]
    by_delegation: dict[int | None, list[Delegate]] = defaultdict(list)
    for delegate in active:
        by_delegation[delegate.delegation_id].append(delegate)
    delegations = list(term.delegations.select_related("head").order_by("name", "id"))
    return {
        "term": term,
        "delegates": delegates,
        "delegations": [DelegationRow(d, by_delegation.get(d.pk, [])) for d in delegations],
        "unassigned": len(by_delegation.get(None, [])),
        "composition": session_queries.composition(term, active),
        "active_count": len(active),
        "form": form if form is not None else _elect_form(term),
        "delegation_form": DelegationForm(),
        "may_change": can(request.user, "change", term),
        "roster_error": roster_error,
    }


def _officer_term(request: AuthedRequest, pk: int, action: str) -> CongressTerm:
    term = get_for_user(CongressTerm, request.user, pk, action=action, request=request)
    if not in_scope(request.user, term.org, OFFICER_ROLES):
        deny(request.user, request=request, what=f"congress.congressterm:{pk}")
    return term


@login_required
def term_delegates(request: AuthedRequest, pk: int) -> HttpResponse:
    term = _officer_term(request, pk, "change" if request.method == "POST" else "view")
    form = _elect_form(term, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegate = services.delegate_elect(
                actor=request.user,
                term=term,
                member=form.cleaned_data["member"],
                flags=form.flags(),
                replaces=form.cleaned_data["replaces"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s当选本届代表。") % {"name": delegate.name})
            return redirect("congress:term_delegates", pk=term.pk)
    context = _delegates_context(request, term, form=form)
    return render_page(request, "congress/session_delegates.html", context, partial="roster")


def _roster(request: AuthedRequest, term: CongressTerm, error: str, success: str) -> HttpResponse:
    """After a delegation change: the roster fragment over HTMX, else back to the page with a message."""
    if request.htmx:
        context = _delegates_context(request, term, roster_error=error)
        return render_page(request, "congress/session_delegates.html", context, partial="roster")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect("congress:term_delegates", pk=term.pk)


def _delegation(request: AuthedRequest, pk: int) -> Delegation:
    terms = visible(CongressTerm.objects.all(), request.user, "change")
    queryset = Delegation.objects.filter(term__in=terms).select_related("term__org")
    return get_from(queryset, request.user, request=request, pk=pk)


@login_required
@require_POST
def delegation_create(request: AuthedRequest, pk: int) -> HttpResponse:
    term = _officer_term(request, pk, "change")
    form = DelegationForm(request.POST)
    error = "" if form.is_valid() else first_error(form)
    if not error:
        try:
            services.delegation_create(actor=request.user, term=term, name=form.cleaned_data["name"])
        except DomainError as refused:
            error = str(refused)
    return _roster(request, term, error, _("已新建代表团。"))


@login_required
@require_POST
def delegation_update(request: AuthedRequest, pk: int) -> HttpResponse:
    delegation = _delegation(request, pk)
    members = delegation.delegates.filter(active=True).order_by("name", "id")
    form = DelegationUpdateForm(request.POST, members=members)
    error = "" if form.is_valid() else first_error(form)
    if not error:
        try:
            services.delegation_update(actor=request.user, delegation=delegation,
                                       name=form.cleaned_data["name"], head=form.cleaned_data["head"])  # fmt: skip
        except DomainError as refused:
            error = str(refused)
    return _roster(request, delegation.term, error, _("已保存代表团。"))


@login_required
@require_POST
def delegation_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    delegation = _delegation(request, pk)
    error = ""
    try:
        services.delegation_delete(actor=request.user, delegation=delegation)
    except DomainError as refused:
        error = str(refused)
    return _roster(request, delegation.term, error, _("已删除代表团。"))


@login_required
@require_POST
def delegates_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    """Bulk: the ticked delegates go into the chosen delegation (or into none)."""
    term = _officer_term(request, pk, "change")
    form = AssignDelegationForm(
        request.POST, delegates=term.delegates.filter(active=True), delegations=term.delegations.all()
    )
    error = "" if form.is_valid() else first_error(form)
    if not error:
        try:
            services.delegate_assign_delegation(actor=request.user, term=term,
                                                delegates=form.cleaned_data["delegates"],
                                                delegation=form.cleaned_data["delegation"])  # fmt: skip
        except DomainError as refused:
            error = str(refused)
    return _roster(request, term, error, _("已调整代表所在代表团。"))


@login_required
def term_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    """The chair sets the term's 附议人数, quorum and composition quotas (代表构成比例)."""
    term = _officer_term(request, pk, "change")
    form = TermSettingsForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in TermSettingsForm.Meta.fields}
        try:
            services.term_update(actor=request.user, term=term, **fields)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存本届设置。"))
            return redirect("congress:term_delegates", pk=term.pk)
    return render_page(request, "congress/term_settings.html", {"term": term, "form": form})


urlpatterns: list[URLPattern] = [
    path("terms/<int:pk>/delegates/", term_delegates, name="term_delegates"),
    path("terms/<int:pk>/delegates/assign/", delegates_assign, name="term_delegates_assign"),
    path("terms/<int:pk>/delegations/", delegation_create, name="term_delegation_create"),
    path("terms/<int:pk>/settings/", term_settings, name="term_settings"),
    path("delegations/<int:pk>/", delegation_update, name="delegation_update"),
    path("delegations/<int:pk>/delete/", delegation_delete, name="delegation_delete"),
]
