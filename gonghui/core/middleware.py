"""Request plumbing: the health check, idle timeout, the request's access answers, the current
organisation, the audit source address."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from .access import Access, user_scopes
from .audit import client_ip, current_ip
from .enums import Role
from .views.health import healthz

ROLE_RANK = list(Role.values)

SESSION_LAST_SEEN = "gonghui_last_seen"
SESSION_CURRENT_ORG = "gonghui_current_org"


class HealthzMiddleware:
    """Answer `/healthz` (core.views.health) before the login middleware: with a session cookie in
    the request, AuthenticationMiddleware and IdleTimeoutMiddleware read the session from the
    database, and a database that is down would then give 500 instead of the health check's 503.
    Placed after the security, session (lazy: no query), host and CSRF middleware, so those still
    apply to the health check; every other URL goes on unchanged."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path == reverse("healthz"):
            return healthz(request)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Log out a session idle for longer than GONGHUI_IDLE_TIMEOUT_SECONDS.

    The database session also expires after the same age (SESSION_COOKIE_AGE), so an idle session
    is dead on the server even if this middleware never sees it again.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = current_ip.set(client_ip(request))
        try:
            if request.user.is_authenticated:
                now = time.time()
                last_seen = request.session.get(SESSION_LAST_SEEN)
                if last_seen is not None and now - float(last_seen) > settings.GONGHUI_IDLE_TIMEOUT_SECONDS:
                    logout(request)
                    messages.info(request, _("您已长时间未操作，为保护信息安全已自动退出，请重新登录。"))
                    return redirect_to_login(request.get_full_path())
                # Write at most once a minute: the session save is a database write.
                if last_seen is None or now - float(last_seen) > 60:
                    request.session[SESSION_LAST_SEEN] = now
                    request.session.set_expiry(settings.GONGHUI_IDLE_TIMEOUT_SECONDS)
            return self.get_response(request)
        finally:
            current_ip.reset(token)


class AccessMiddleware:
    """Expose `request.access` (core.access.Access): the user's scopes and answers worked out once
    per request, however many places of a page ask."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.access = Access(request)  # type: ignore[attr-defined]
        return self.get_response(request)


class CurrentOrgMiddleware:
    """Expose `request.current_scope`: the role the user works under right now (header switcher)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.current_scope = _LazyCurrentScope(request)  # type: ignore[attr-defined]
        return self.get_response(request)


class _LazyCurrentScope:
    """Resolved on first use, so pages that never need it pay no query."""

    def __init__(self, request: HttpRequest) -> None:
        self._request = request
        self._value: Any = ...

    def get(self) -> Any:
        if self._value is ...:
            self._value = current_scope(self._request)
        return self._value


def current_scope(request: HttpRequest) -> Any:
    scopes = user_scopes(request.user)
    if not scopes:
        return None
    wanted = request.session.get(SESSION_CURRENT_ORG)
    ranked = sorted(scopes, key=lambda s: (ROLE_RANK.index(s.role), s.path.count("/")))
    for scope in ranked:
        if scope.org_id == wanted:
            return scope
    # Default: the user's most senior role (superior officer before chair before member).
    return ranked[0]
