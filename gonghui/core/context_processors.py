"""What every page's shell needs: navigation, the org switcher, the unread count."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import nav
from .access import user_scopes
from .models import Notification


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    scopes = user_scopes(user)
    return {
        "nav_items": nav.items_for({s.role for s in scopes}, superuser=user.is_superuser),
        "my_scopes": scopes,
        "current_scope": request.current_scope.get() if hasattr(request, "current_scope") else None,
        # Lazy: evaluated only where the template shows it.
        "unread_count": lambda: Notification.objects.filter(user=user, read_at__isnull=True).count(),
    }
