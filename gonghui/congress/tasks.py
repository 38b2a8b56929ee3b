"""The congress app's scheduled job, registered with `core.schedule` in CongressConfig.ready()."""

from __future__ import annotations

from django_tasks import task

from .services import overdue_remind


@task()
def deadline_remind() -> int:
    """督办: remind departments whose proposal answer is overdue (once a day each)."""
    return overdue_remind()
