"""Small helpers shared by views: HTMX-aware rendering and domain-error handling."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.middleware import HtmxDetails

from ..access import Access
from ..errors import DomainError
from ..models import User
from ..params import int_param


class AuthedRequest(HttpRequest):
    """The request as our views see it behind login_required and our middleware."""

    user: User
    htmx: HtmxDetails
    current_scope: Any
    access: Access


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


def local_url(request: HttpRequest, url: str | None) -> str:
    """`url` when it points into this site (a path, or a full URL of this host with a scheme no
    weaker than the request's), else "". Every `next`/`back` a request carries goes through here:
    a redirect to wherever the request says is an open redirect (a phishing link that starts on
    our domain)."""
    url = (url or "").strip()
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return ""


def redirect_back(
    request: HttpRequest, url: str | None, fallback: str, *args: Any, **kwargs: Any
) -> HttpResponse:
    """Redirect to `url` if it is a page of this site (see `local_url`), else to `fallback` (a URL
    name reversed with args/kwargs)."""
    return redirect(local_url(request, url) or fallback, *args, **kwargs)


def current_scope(request: HttpRequest) -> Any:
    return request.current_scope.get()  # type: ignore[attr-defined]


def attempt(
    request: HttpRequest, action: Callable[[], object], success: str, to: str, **kwargs: Any
) -> HttpResponse:
    """Run one lifecycle action (a service call) and go back to the page `to` (+ kwargs): a refusal
    (DomainError) becomes an error message, anything else the `success` message (none when "":
    the page it goes back to says what happened, as a job's status page does)."""
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error))
    else:
        if success:
            messages.success(request, success)
    return redirect(to, **kwargs)


def page_of(request: HttpRequest, queryset: Any, size: int = 50) -> dict[str, Any]:
    """One page of an ordered queryset without a COUNT (size + 1 rows tell whether one more page
    exists): `rows` and what core/_pager.html reads (page_number, has_next, querystring)."""
    number = page_param(request)
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])
    params = request.GET.copy()
    params.pop("page", None)
    return {"rows": rows[:size], "page_number": number, "has_next": len(rows) > size,
            "querystring": params.urlencode()}  # fmt: skip


def page_param(request: HttpRequest, name: str = "page") -> int:
    """The page number asked for; 1 when missing or not a sensible number."""
    return int_param(request.GET.get(name), minimum=1, maximum=1_000_000) or 1
