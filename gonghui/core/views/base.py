"""Small helpers shared by views: HTMX-aware rendering and domain-error handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django_htmx.middleware import HtmxDetails

from ..errors import DomainError
from ..models import User


class AuthedRequest(HttpRequest):
    """The request as our views see it behind login_required and our middleware."""

    user: User
    htmx: HtmxDetails
    current_scope: Any


def render_page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    partial: str | None = None,
    status: int = 200,
) -> HttpResponse:
    """Render the whole page, or only `partial` (django-template-partials) for an HTMX request."""
    if partial and getattr(request, "htmx", False) and not request.htmx.boosted:  # type: ignore[attr-defined]
        template = f"{template}#{partial}"
    return render(request, template, context, status=status)


def current_scope(request: HttpRequest) -> Any:
    return request.current_scope.get()  # type: ignore[attr-defined]


def attempt(
    request: HttpRequest, action: Callable[[], object], success: str, to: str, **kwargs: Any
) -> HttpResponse:
    """Run one lifecycle action (a service call) and go back to the page `to` (+ kwargs): a refusal
    (DomainError) becomes an error message, anything else the `success` message."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(to, **kwargs)


def page_of(request: HttpRequest, queryset: Any, size: int = 50) -> dict[str, Any]:
    """One page of an ordered queryset without a COUNT (size + 1 rows tell whether one more page
    exists): `rows` and what core/_pager.html reads (page_number, has_next, querystring)."""
    raw = request.GET.get("page", "1")
    number = max(1, int(raw)) if raw.isdigit() else 1
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return {"rows": rows[:size], "page_number": number, "has_next": len(rows) > size,
            "querystring": params.urlencode()}  # fmt: skip
