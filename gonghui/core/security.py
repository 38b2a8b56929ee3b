"""Response headers that keep stored content from running as script.

Every response carries the Content-Security-Policy of settings.GONGHUI_CSP (scripts only from our
own static files) and `X-Content-Type-Options: nosniff`, so a browser never guesses an uploaded
file into HTML.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "GONGHUI_CSP", "")
        if policy:
            header = (
                "Content-Security-Policy-Report-Only"
                if getattr(settings, "GONGHUI_CSP_REPORT_ONLY", False)
                else "Content-Security-Policy"
            )
            response.headers.setdefault(header, policy)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
