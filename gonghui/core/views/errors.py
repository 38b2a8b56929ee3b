"""Friendly Chinese error pages. A 404 never says whether the object exists elsewhere.

400 and 500 render a standalone page without the request context: the request may be what is
broken (a bad Host header) or the database may be down, and the page must still show. If even
that page cannot be rendered (a template or static-file manifest problem), a fixed Chinese page
is sent: an exception escaping the handler would reach the WSGI server, whose page is English.
"""

import logging
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

from ..plain_errors import fallback_page

logger = logging.getLogger(__name__)


def _standalone(template: str, status: int) -> HttpResponse:
    try:
        content = loader.get_template(template).render()
    except Exception:  # the error page itself must not fail
        logger.exception("error page %s could not be rendered", template)
        content = fallback_page(status)
    return HttpResponse(content, status=status)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "core/errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "core/errors/404.html", status=404)


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _standalone("core/errors/400.html", 400)


def server_error(request: HttpRequest) -> HttpResponse:
    return _standalone("core/errors/500.html", 500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The form's security token was missing or stale (a page left open past sign-out, cookies
    blocked): say what to do instead of Django's English CSRF page."""
    return render(request, "core/errors/403_csrf.html", status=403)
