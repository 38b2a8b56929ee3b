"""System checks for settings that must never be weakened."""

from typing import Any

from django.conf import settings
from django.core.checks import Warning, register

from .audit import MIN_RETENTION_DAYS


@register()
def audit_retention_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    configured = int(getattr(settings, "GONGHUI_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    if configured < MIN_RETENTION_DAYS:
        return [
            Warning(
                f"GONGHUI_AUDIT_RETENTION_DAYS={configured} is below the minimum; "
                f"{MIN_RETENTION_DAYS} days are kept.",
                id="gonghui.W001",
            )
        ]
    return []
