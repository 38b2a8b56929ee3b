"""The audit log page: a chair or superior officer browses their subtree's events."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from .. import audit_text, queries
from ..access import require_roles
from ..forms import AuditFilterForm
from ..models import AuditEvent
from .base import AuthedRequest, page_param, render_page


@login_required
def audit_list(request: AuthedRequest) -> HttpResponse:
    require_roles(request.user, AuditEvent.access.roles_for("view"), request=request, what="core.auditevent")
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = queries.audit_events(request.user, filters).select_related("actor")
    # A plain Paginator would COUNT the whole log on every page; the log grows without bound.
    page_number = page_param(request)
    per_page = 50
    rows = list(events[(page_number - 1) * per_page : page_number * per_page + 1])
    context = {
        "form": form,
        "events": audit_text.describe(rows[:per_page]),
        "page_number": page_number,
        "has_next": len(rows) > per_page,
        "querystring": _querystring_without_page(request),
    }
    return render_page(request, "core/audit_list.html", context, partial="audit-rows")


def _querystring_without_page(request: AuthedRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
