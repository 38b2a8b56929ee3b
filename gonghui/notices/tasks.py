"""The notices app's scheduled job, registered with `core.schedule` in NoticesConfig.ready()."""

from __future__ import annotations

from django_tasks import task

from .services import notices_refresh_due


@task()
def notices_finalise() -> int:
    """公示: close notices whose period has ended; final once every objection is resolved."""
    return notices_refresh_due()
