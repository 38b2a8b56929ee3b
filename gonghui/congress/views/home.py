"""Congress home: a grassroots union's own figures and sessions; a superior union's table of its
unions (read from the congress facts, like every figure).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import deny, in_scope, require_roles
from gonghui.core.enums import GRASSROOTS_KINDS, OFFICER_ROLES, Role
from gonghui.core.errors import DomainError
from gonghui.core.facts import Fact, Period, facts_by_union, percent
from gonghui.core.models import Org
from gonghui.core.params import int_param
from gonghui.core.queries import scope_org, unions_under
from gonghui.core.views.base import AuthedRequest, current_scope, render_page

from .. import services, session_queries
from ..facts import year_facts
from ..models import (
    CONGRESS_CHANGE_ROLES,
    CONGRESS_VIEW_ROLES,
)
from ..session_forms import (
    SessionForm,
    TermForm,
)

# --- home -------------------------------------------------------------------------------------


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    scope = current_scope(request)
    if scope is not None and scope.role == Role.SUPERIOR_ADMIN:
        return _superior_home(request, scope)
    require_roles(request.user, CONGRESS_VIEW_ROLES, request=request, what="congress.congressterm")
    union = scope_org(scope)
    if union is not None and union.kind not in GRASSROOTS_KINDS:
        union = None
    terms = session_queries.terms_with_sessions(union, request.user)
    may_change = union is not None and in_scope(request.user, union, CONGRESS_CHANGE_ROLES)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    term_form = TermForm(posted if which == "term" else None, prefix="term")
    session_form = SessionForm(posted if which == "session" else None, terms=terms, prefix="session")
    if posted is not None:
        if not may_change or union is None:
            require_roles(request.user, frozenset(), request=request, what="congress.term")  # 403, audited
            raise PermissionDenied
        try:
            if which == "term" and term_form.is_valid():
                data = dict(term_form.cleaned_data)
                number, start = data.pop("number"), data.pop("start")
                term = services.term_create(actor=request.user, org=union, number=number, start=start, **data)
                messages.success(request, _("已建立%(term)s。") % {"term": term})
                return redirect("congress:home")
            if which == "session" and session_form.is_valid():
                data = session_form.cleaned_data
                session = services.session_create(
                    actor=request.user, term=data["term"], date=data["date"], place=data["place"]
                )
                messages.success(request, _("已建立%(session)s。") % {"session": session})
                return redirect("congress:session_detail", pk=session.pk)
        except DomainError as error:
            (term_form if which == "term" else session_form).add_error(None, str(error))
    context = {
        "union": union,
        "terms": terms,
        "may_change": may_change,
        # The delegate roll (代表) is an officers' page: members and delegates are not linked to it.
        "is_officer": union is not None and in_scope(request.user, union, OFFICER_ROLES),
        "term_form": term_form,
        "session_form": session_form,
    }
    return render_page(request, "congress/home.html", context)


# The figures of the superior view's table: congress facts of each grassroots union.
UNION_KEYS = (
    "congress.sessions", "congress.proposals", "congress.registered", "congress.suggestions",
    "congress.suggestions_adopted",
)  # fmt: skip


@dataclass
class UnionRow:
    union: Org
    sessions: int = 0
    proposals: int = 0
    registered: int = 0
    suggestions: int = 0
    adopted: int = 0

    @property
    def held(self) -> bool:
        return self.sessions > 0


def _union_rows(org: Org, period: Period) -> list[UnionRow]:
    """One row per grassroots union of the subtree, its congress facts from `facts_by_union`
    (a fixed number of grouped queries; a union group counts for its union)."""
    unions = list(unions_under(org))
    by_union = facts_by_union(unions, period, keys=UNION_KEYS)
    rows = []
    for union in unions:
        value = {fact.key: int(fact.value or 0) for fact in by_union[union.pk]}
        rows.append(UnionRow(
            union, sessions=value["congress.sessions"], proposals=value["congress.proposals"],
            registered=value["congress.registered"], suggestions=value["congress.suggestions"],
            adopted=value["congress.suggestions_adopted"],
        ))  # fmt: skip
    return rows


def _facts_by_key(facts: list[Fact]) -> dict[str, Fact]:
    return {fact.key.removeprefix("congress."): fact for fact in facts}


def _superior_home(request: AuthedRequest, scope: Any) -> HttpResponse:
    org = scope_org(scope)
    if org is None:  # the role was taken away during this request
        deny(request.user, request=request, what="core.org")
    today = timezone.localdate()
    year = int_param(request.GET.get("year"), minimum=2000, maximum=today.year + 1) or today.year
    period = Period.calendar_year(year)
    rows = _union_rows(org, period)
    drill: dict[str, Any] | None = None
    union_id = int_param(request.GET.get("union"))
    if union_id is not None:
        chosen = next((row for row in rows if row.union.pk == union_id), None)
        if chosen is not None:
            drill = {"row": chosen, "facts": year_facts(chosen.union, period, subtree=True)}
    facts = year_facts(org, period, subtree=True)
    held = sum(row.held for row in rows)
    context = {
        "org": org,
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "rows": rows,
        "held": held,
        "not_held": len(rows) - held,
        "held_rate": percent(held, len(rows)),
        "facts": facts,
        "fact": _facts_by_key(facts),
        "drill": drill,
        "drill_fact": _facts_by_key(drill["facts"]) if drill else {},
    }
    return render_page(request, "congress/home.html", {"superior": True, **context})


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
]
