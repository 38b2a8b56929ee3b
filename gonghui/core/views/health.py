"""`/healthz`: is this server up and does its database answer? For load balancers, monitors and
`make serve`'s own start-up wait. No login, no session, no template; exempt from the HTTPS
redirect (SECURE_REDIRECT_EXEMPT), so a checker inside the network may ask over plain HTTP.
`core.middleware.HealthzMiddleware` answers it before the login middleware, which would read the
session from the database when the request carries a session cookie (500 instead of 503)."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def database_error(alias: str = "default") -> str:
    """'' when `SELECT 1` works on the database, else the driver's message (for logs and the
    operator's console, never for the public answer: it may name hosts)."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        connections[alias].close()  # a broken connection is not reused by the next request
        return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return ""


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"status": "ok"} when the database answers, 503 {"status": "error"} otherwise."""
    problem = database_error()
    if problem:
        logger.error("healthz: the database does not answer: %s", problem)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
