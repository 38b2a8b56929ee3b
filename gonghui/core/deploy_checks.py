"""Deployment checks (`manage.py check --deploy`, run by `make serve` before it serves)."""

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def development_secret_key_check(app_configs: Any, **kwargs: Any) -> list[Error]:
    """The demo's SECRET_KEY is in the source code: with it anyone can forge sessions."""
    development_key = getattr(settings, "DEVELOPMENT_SECRET_KEY", None)
    if not settings.DEBUG and development_key == settings.SECRET_KEY:
        return [
            Error(
                "SECRET_KEY is the development key from the source code.",
                hint="Set SECRET_KEY to a long random value, e.g. "
                "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
                id="gonghui.E100",
            )
        ]
    return []
