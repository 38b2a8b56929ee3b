"""Response headers that keep stored content from running as script.

Every response carries the Content-Security-Policy of settings.GONGHUI_CSP (STRICT_POLICY unless
the settings say otherwise): scripts and styles only from our own static files, so no inline
script, inline event handler (onclick=…), `javascript:` URL, style attribute or <style> element
works. Templates declare behaviour with data- attributes that core/static/core/gonghui.js acts
on; dashboards pass chart data as JSON (`json_script`), which is data, not script. The policy is
enforced unless settings.GONGHUI_CSP_REPORT_ONLY is true (then browsers only report violations).

Every response also carries `X-Content-Type-Options: nosniff`, so a browser never guesses an
uploaded file into HTML. A response that brings its own policy (core.uploads.serve_stored_file:
a sandbox for stored files) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

STRICT_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # ECharts, Bootstrap and htmx set styles through element.style (CSSOM), which a policy
        # does not govern; htmx's own <style> is turned off in base.html (htmx-config).
        "style-src 'self'",
        "img-src 'self' data: blob:",  # Bootstrap's icons in CSS are data: URLs
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def policy() -> str:
    """The site's policy: settings.GONGHUI_CSP, or STRICT_POLICY when the settings name none."""
    return str(getattr(settings, "GONGHUI_CSP", STRICT_POLICY))


def policy_header() -> str:
    """The header the policy goes out in: enforced, or only reported while GONGHUI_CSP_REPORT_ONLY."""
    if getattr(settings, "GONGHUI_CSP_REPORT_ONLY", False):
        return "Content-Security-Policy-Report-Only"
    return "Content-Security-Policy"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        current = policy()
        if current:
            response.headers.setdefault(policy_header(), current)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response
