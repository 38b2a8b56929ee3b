"""The workers of the task queue (`manage.py worker`), as the database sees them: each running
worker beats every few seconds, so a task left RUNNING by a worker that stopped beating (killed,
out of memory, the machine restarted) is known to be interrupted and can be recovered."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WorkerBeat(models.Model):
    worker_id = models.CharField(max_length=64, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return self.worker_id
