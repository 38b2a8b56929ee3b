"""The care home page, the union's standards (帮扶标准) and the year totals by spending category."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import holds, may, require_roles
from gonghui.core.drilldown import Drilldown
from gonghui.core.errors import DomainError
from gonghui.core.models import Org
from gonghui.core.params import int_param
from gonghui.core.views.base import AuthedRequest, page_of, render_page

from .. import queries, rules, services
from ..enums import ApplicationKind, HealthKind, LedgerKind
from ..forms import StandardForm
from ..models import LedgerEntry
from ..todos import care_todos
from .drill import banner, drill_for

PAGE_SIZE = 50


def _refuse_without(request: AuthedRequest, capability: rules.Capability, what: str) -> None:
    if not holds(request.user, capability):
        require_roles(request.user, frozenset(), request=request, what=what)


def _chosen_union(request: AuthedRequest, capability: rules.Capability) -> tuple[list[Org], Org | None]:
    """The unions the user may pick (max 200) and the chosen one (?org=, default the first)."""
    unions = list(queries.unions_for(request.user, capability)[:200])
    raw = request.GET.get("org") or request.POST.get("org") or ""
    chosen = next((u for u in unions if str(u.pk) == raw), unions[0] if unions else None)
    return unions, chosen


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    context = {
        "todos": [t for t in care_todos(user, None) if t.count],
        "may_files": holds(user, rules.FILE_VIEW),
        "may_applications": holds(user, rules.APP_VIEW),
        "may_totals": holds(user, rules.TOTALS_VIEW),
        "may_report": holds(user, rules.REPORT_FILE),
        "may_campaigns": holds(user, rules.CAMPAIGN_VIEW),
        "may_trips": holds(user, rules.CAMPAIGN_OVERSEE),
    }
    if not any(
        context[k] for k in ("may_files", "may_applications", "may_totals", "may_report", "may_campaigns")
    ):
        require_roles(user, frozenset(), request=request, what="care")
    return render_page(request, "care/home.html", context)


@login_required
def standards(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.STANDARDS_VIEW, "care.carestandard")
    unions, union = _chosen_union(request, rules.STANDARDS_VIEW)
    may_change = union is not None and may(request.user, rules.STANDARDS_CHANGE, union)
    form = StandardForm(request.POST or None)
    if request.method == "POST" and union is not None:
        if not may_change:
            require_roles(request.user, frozenset(), request=request, what="care.carestandard")
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.standard_set(actor=request.user, org=union, kind=data["kind"], amount=data["amount"],
                                      annual_cap=data["annual_cap"])  # fmt: skip
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("帮扶标准已保存。"))
                return redirect(f"{request.path}?org={union.pk}")
    current = queries.standards_of(union) if union is not None else {}
    rows = [(kind, current.get(kind.value)) for kind in ApplicationKind]
    context = {"unions": unions, "union": union, "rows": rows, "form": form, "may_change": may_change}
    return render_page(request, "care/standards.html", context)


@login_required
def totals(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.TOTALS_VIEW, "care.ledgerentry")
    drill = drill_for(request, rules.TOTALS_VIEW)
    this_year = timezone.localdate().year
    year = int_param(request.GET.get("year"), minimum=2000, maximum=this_year + 1) or this_year
    entries = queries.visible_entries(request.user)
    context: dict[str, Any] = {
        "year": year,
        "years": list(range(this_year, this_year - 5, -1)),
        "totals": queries.year_totals(entries, year),
    }
    if drill.active:
        # A figure's entries (facts.py reads queries.entries_in): one row per ledger entry.
        rows = _drilled_entries(request, drill, entries)
        page = page_of(request, rows.order_by("-paid_on", "-pk"), PAGE_SIZE)
        context |= {
            **page,
            "drill": banner(request, drill, rows),
            "entries": page["rows"],
            "entries_total": rows.total(),
            # An entry links to its application only where the viewer may open it (the 经审 and
            # a superior officer without the 生活 portfolio see totals, not applications).
            "openable_applications": set(
                queries.visible_applications(request.user)
                .filter(pk__in=[e.application_id for e in page["rows"] if e.application_id])
                .values_list("pk", flat=True)
            ),
        }
    return render_page(request, "care/totals.html", context)


def _drilled_entries(request: AuthedRequest, drill: Drilldown, entries: QuerySet[LedgerEntry]) -> Any:
    """Entries of the figure's union (attributed org for the subtree, paying union alone) paid in
    its period, with the figure's own filters: kind, standing payouts only (not reversed),
    condolence cash of visits, and the visit's occasion."""
    if drill.org is not None and drill.subtree:
        # As facts.py counts: by the member's union at payment time, whoever paid. A superior
        # union's payout to members here is in this union's figures, so it is listed too
        # (drill_for checked the union is the viewer's).
        entries = queries.entries_of()
    rows: Any = queries.drilled(entries, drill, subtree_path="attributed_org", own="org")
    # A reversal is listed in the period of the payout it reverses, as the figures count it.
    rows = rows.filter(queries.counted_q(drill.start, drill.end))
    kinds = [k for k in request.GET.getlist("kind") if k in LedgerKind.values]
    if kinds:
        rows = rows.filter(kind__in=kinds)
    if request.GET.get("standing") == "1":
        rows = rows.standing()
    if request.GET.get("visit") == "1":
        rows = rows.filter(visit_member__isnull=False)
    health = request.GET.get("health", "")
    if health in HealthKind.values:
        rows = rows.filter(health_campaign__kind=health)
    chosen = [o for o in request.GET.getlist("occasion") if o]
    if chosen:
        rows = rows.filter(visit_member__visit__occasion__in=chosen)
    return rows.select_related("org", "member", "reverses")


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("standards/", standards, name="standards"),
    path("totals/", totals, name="totals"),
]
