"""Small helpers shared by views: HTMX-aware rendering and domain-error handling."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

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
