"""Friendly Chinese error pages. A 404 never says whether the object exists elsewhere.

400 and 500 render a standalone page without the request context: the request may be what is
broken (a bad Host header) or the database may be down, and the page must still show.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "core/errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "core/errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return HttpResponse(loader.get_template("core/errors/400.html").render(), status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponse(loader.get_template("core/errors/500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security token was missing or stale (a page left open past sign-out, cookies
    blocked): say what to do instead of Django's English CSRF page."""
    return render(request, "core/errors/403_csrf.html", status=403)
