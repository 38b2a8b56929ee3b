"""The one job table of every generated document (core.exports)."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine


class ExportJob(models.Model):
    """One document asked for by one user: built in the background, downloadable by them alone
    until the file is pruned (GONGHUI_EXPORT_KEEP_HOURS)."""

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("生成中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("文件类别"), max_length=40)
    # The union whose data the document shows (the row belongs to it, like every row).
    org = models.ForeignKey("core.Org", on_delete=models.CASCADE, related_name="+", verbose_name=_("工会"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    params = models.JSONField(default=dict, blank=True)  # what to build: {"pk": 12}, filters, …
    title = models.CharField(max_length=200, blank=True)  # what the page calls it before it is built
    back_url = models.CharField(max_length=300, blank=True)  # the page the export was asked from
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    file_name = models.CharField(max_length=200, blank=True)  # the name the user's browser saves
    file_path = models.CharField(max_length=300, blank=True)  # relative to MEDIA_ROOT; "" once pruned
    content_type = models.CharField(max_length=100, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=300, blank=True)
    # True when running the job again may succeed (interrupted by a restart, crashed); False when
    # the job was refused (no access any more, a poll not released): 重试 would give the same answer.
    retryable = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    # A document is its requester's alone (core.views.exports filters on the actor).
    access: ClassVar[AccessPolicy] = AccessPolicy(org_field="org", owner_field="actor")

    # A job's steps are the worker's progress: what a document discloses is audited by its
    # kind's `build`, and each download by core.exports.jobs.open_file.
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=State,
        table={
            State.QUEUED: frozenset({State.RUNNING, State.FAILED}),  # claimed by a worker, or interrupted
            State.RUNNING: frozenset({State.DONE, State.FAILED}),
            State.DONE: frozenset(),
            State.FAILED: frozenset({State.QUEUED}),  # 重试
        },
        stamps={State.DONE: "finished_at", State.FAILED: "finished_at"},
        refused=_("该文件当前为“%(state)s”，不能改为“%(to)s”。"),
        audited_elsewhere="the kind's build audits what it discloses; open_file audits each download",
    )

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["actor", "kind", "state"])]

    def __str__(self) -> str:
        return self.title or self.kind

    @property
    def running(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def ready(self) -> bool:
        return self.state == self.State.DONE and bool(self.file_path)

    @property
    def can_retry(self) -> bool:
        return self.state == self.State.FAILED and self.retryable
