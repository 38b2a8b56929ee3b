"""The page header (navigation, organisation switcher, user menu), rendered once per distinct
content and reused.

The header is the same on every page a user opens until their roles, current organisation,
name or language change, yet rendering it (a dozen reversed URLs, the switcher, the menu)
cost more than a list page's queries. It is cached in this process under a key made of
everything it shows, so a change of any of them is a new key, never a stale header. Two parts
differ per request and are put in after the cache: the CSRF token and the unread-count bell, and
one per page: the menu entry of the page shown is marked `aria-current` ("page" on its own page,
"true" on a page below it).
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from django.middleware.csrf import get_token
from django.template import loader
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import nav
from .access import user_scopes
from .models import Notification

CSRF_SLOT = "__gonghui_csrf_slot__"
BELL_SLOT = "<!--gonghui:bell-->"
CACHE_SIZE = 2048

_cache: OrderedDict[tuple[Any, ...], str] = OrderedDict()


def _key(request: Any) -> tuple[Any, ...]:
    user = request.user
    scopes = user_scopes(user)
    current = request.current_scope.get() if hasattr(request, "current_scope") else None
    return (
        user.pk, str(user), user.is_superuser, get_language(), scopes,
        (current.org_id, current.role) if current else None,
    )  # fmt: skip


def _render(request: Any) -> str:
    scopes = user_scopes(request.user)
    context = {
        "user": request.user,
        "menu": nav.menu_for({s.role for s in scopes}, superuser=request.user.is_superuser),
        "my_scopes": scopes,
        "current_scope": request.current_scope.get() if hasattr(request, "current_scope") else None,
        "csrf_token": CSRF_SLOT,
    }
    return loader.get_template("core/_header.html").render(context)


def header(request: Any) -> SafeString:
    """The header for this request's user: cached markup with this request's token and bell."""
    key = _key(request)
    markup = _cache.get(key)
    if markup is None:
        markup = _render(request)
        _cache[key] = markup
        if len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    unread = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    bell = loader.get_template("core/_bell.html").render({"unread_count": unread})
    # The token is alphanumeric and the bell is our own markup: both are safe to put in.
    markup = markup.replace(CSRF_SLOT, get_token(request)).replace(BELL_SLOT, bell)
    return mark_safe(_mark_current(markup, request))


def _mark_current(markup: str, request: Any) -> str:
    """Add aria-current to the menu link of the page shown (a fixed attribute after our own
    `data-nav="<registered key>"`, so nothing from the request goes into the markup)."""
    roles = {s.role for s in user_scopes(request.user)}
    found = nav.current(nav.items_for(roles, superuser=request.user.is_superuser), request.path)
    if found is None:
        return markup
    key, exact = found
    anchor = f'data-nav="{key}"'
    return markup.replace(anchor, f'{anchor} aria-current="{"page" if exact else "true"}"', 1)


def clear() -> None:
    _cache.clear()
