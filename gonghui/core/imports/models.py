"""The one job table of every spreadsheet import (core.imports): upload → preview → apply."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import Role
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

IMPORT_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.SUPERIOR_ADMIN})


class ImportJob(models.Model):
    """One uploaded spreadsheet of one import kind, into one union (and, with a 工会 column, the
    unions of its subtree the importer may write to)."""

    class State(models.TextChoices):
        VALIDATING = "validating", _("校验中")
        PREVIEW = "preview", _("待确认")
        APPLYING = "applying", _("导入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    class Step(models.TextChoices):
        VALIDATE = "validate", _("校验")
        APPLY = "apply", _("导入")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("导入类别"), max_length=40)
    org = models.ForeignKey("core.Org", on_delete=models.CASCADE, related_name="+", verbose_name=_("导入到"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    options = models.JSONField(default=dict, blank=True)  # e.g. {"campaign": 12} for donations
    file_name = models.CharField(max_length=200)
    file_path = models.CharField(max_length=300)
    file_size = models.PositiveIntegerField(default=0)
    state = models.CharField(max_length=12, choices=State.choices, default=State.VALIDATING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    error_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    # [{"row": 5, "letter": "C", "column": "身份证号", "message": "..."}]; never an ID number.
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)  # the first rows as the kind summarises them
    message = models.CharField(max_length=300, blank=True)
    # The background step a 重试 runs again: set when one was interrupted (a worker restart) or
    # crashed; empty when the file itself was refused (retrying would give the same answer).
    retry_step = models.CharField(max_length=8, choices=Step.choices, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(org_field="org", view=IMPORT_ROLES, change=IMPORT_ROLES)

    # A job's steps are progress of one request: the upload, the apply (one event naming the file
    # and the rows) and each 重试 are audited by core.imports.jobs, not every step of the worker.
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=State,
        table={
            State.VALIDATING: frozenset({State.PREVIEW, State.FAILED}),
            State.PREVIEW: frozenset({State.APPLYING}),
            # Checked again before writing: new errors send the file back to its preview.
            State.APPLYING: frozenset({State.DONE, State.PREVIEW, State.FAILED}),
            State.DONE: frozenset(),
            State.FAILED: frozenset({State.VALIDATING, State.APPLYING}),  # 重试 of the failed step
        },
        stamps={State.DONE: "finished_at", State.FAILED: "finished_at"},
        refused=_("该导入当前为“%(state)s”，不能执行导入。"),
        audited_elsewhere="core.imports.jobs audits the apply (or its rollback) and each retry; an upload changes no record",
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 0 if self.state == self.State.VALIDATING else 100
        return min(100, int(100 * self.processed_rows / self.total_rows))

    @property
    def retryable(self) -> bool:
        return self.state == self.State.FAILED and bool(self.retry_step)

    @property
    def running(self) -> bool:
        return self.state in (self.State.VALIDATING, self.State.APPLYING)
