"""The member picker of the visit form (/care/visits/new/): search the union's current members
by name, pinyin or phone tail (HTMX, as one types) and add them one by one as checked boxes.

Only members the user may visit are found or added (care.queries.member_choices, the same
queryset the form validates against); a member id from elsewhere answers 404.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.urls import URLPattern, path

from gonghui.core.params import int_param
from gonghui.core.views.base import AuthedRequest, render_page
from gonghui.members.queries import search_q

from .. import queries, rules
from .visits import _refuse_without

RESULTS = 20


@login_required
def visit_member_search(request: AuthedRequest) -> HttpResponse:
    """?q=text[&org=union id]: up to 20 matching current members of the union (or of every union
    the user may record visits for)."""
    _refuse_without(request, rules.VISIT_CHANGE, "care.visit")
    members = queries.member_choices(request.user, rules.VISIT_CHANGE)
    union_id = int_param(request.GET.get("org"))
    if union_id is not None:
        union = queries.unions_for(request.user, rules.VISIT_CHANGE).filter(pk=union_id).first()
        if union is not None:
            members = members.filter(org__path__under=union.path)
    text = (request.GET.get("q") or "").strip()[:40]
    rows = list(members.filter(search_q(text))[: RESULTS + 1]) if text else []
    context = {"rows": rows[:RESULTS], "more": len(rows) > RESULTS, "q": text}
    return render_page(request, "care/visits/_member_results.html", context)


@login_required
def visit_member_pick(request: AuthedRequest, pk: int) -> HttpResponse:
    """One chosen member as a checked box of the form (members=pk). A member the user may not
    visit answers 404 whoever asks, as a missing one would (no capability: no members)."""
    member = queries.member_choices(request.user, rules.VISIT_CHANGE).filter(pk=pk).first()
    if member is None:
        raise Http404
    return render_page(request, "care/visits/_member_chip.html", {"m": member, "checked": True})


urlpatterns: list[URLPattern] = [
    path("visits/members/", visit_member_search, name="visit_member_search"),
    path("visits/members/<int:pk>/", visit_member_pick, name="visit_member_pick"),
]
