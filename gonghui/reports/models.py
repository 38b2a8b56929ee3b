"""The annual work summary (工作总结): a document drafted from facts that the chair then edits.

A `Summary` is one union's (or one subtree's) summary of one period. Its paragraphs keep the
generated text and, once the chair edits one, the edited text beside it: regenerating refreshes
the generated text and the figures, never the chair's words. `GuidingIdeas` is the opening
paragraph a union keeps from year to year; `PlanItem`s are the editable 下一年工作打算.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import MANAGER_ROLES, OFFICER_ROLES
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

SUMMARY_ACCESS = AccessPolicy(org_field="org", view=OFFICER_ROLES, change=MANAGER_ROLES)


class PeriodKind(models.TextChoices):
    CALENDAR = "calendar", _("自然年度")
    SCHOOL = "school", _("学年度")
    STATISTICAL = "statistical", _("统计年度（上年10月1日至当年9月30日）")


class SummaryState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    FINAL = "final", _("定稿")


class JobState(models.TextChoices):
    PENDING = "pending", _("等待生成")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


# The background draft of a summary. A row is created PENDING; the worker claims it (RUNNING) and
# stores the draft (DONE) or its failure; 重新生成 queues a finished one again. Drafting inline,
# without the queue (bench, tests), stores the draft from PENDING or over a DONE one.
JOB_TRANSITIONS: dict[str, list[str]] = {
    JobState.PENDING: [JobState.RUNNING, JobState.DONE, JobState.FAILED],
    JobState.RUNNING: [JobState.DONE, JobState.FAILED],
    JobState.DONE: [JobState.PENDING, JobState.DONE],
    JobState.FAILED: [JobState.PENDING],
}


class Summary(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="summaries", verbose_name=_("工会"))
    period_kind = models.CharField(_("统计口径"), max_length=12, choices=PeriodKind.choices)
    year = models.PositiveIntegerField(_("年度"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    subtree = models.BooleanField(_("含下级工会"), default=False)
    title = models.CharField(_("标题"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=8, choices=SummaryState.choices, default=SummaryState.DRAFT
    )
    job_state = models.CharField(
        _("生成状态"), max_length=8, choices=JobState.choices, default=JobState.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度"), default=0)
    message = models.CharField(_("说明"), max_length=200, blank=True)
    # The facts at the last generation: [{key, label, value, unit, records_url, record_count}].
    facts = models.JSONField(_("数据"), default=list, blank=True)
    signed_on = models.DateField(_("落款日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    generated_at = models.DateTimeField(null=True, blank=True)

    access: ClassVar[AccessPolicy] = SUMMARY_ACCESS
    job_states: ClassVar[StateMachine] = StateMachine(
        field="job_state",
        choices=JobState,
        table=JOB_TRANSITIONS,
        stamps={JobState.DONE: "generated_at"},
        audited_elsewhere="summary_create and summary_regenerate audit the request; the worker's steps are its record",
    )

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("工作总结")
        verbose_name_plural = _("工作总结")

    def __str__(self) -> str:
        return self.title

    def fact_map(self) -> dict[str, dict[str, Any]]:
        return {f["key"]: f for f in self.facts}


class SummaryParagraph(models.Model):
    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="paragraphs")
    section = models.CharField(_("部分"), max_length=40)
    order = models.PositiveSmallIntegerField(_("顺序"))
    heading = models.CharField(_("小标题"), max_length=100, blank=True)
    generated_text = models.TextField(_("自动生成的文字"))
    edited_text = models.TextField(_("修改后的文字"), null=True, blank=True)
    fact_keys = models.JSONField(_("所用数据"), default=list, blank=True)
    # The values of those facts when the chair last saved an edit: a change shows a warning.
    edited_values = models.JSONField(default=dict, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="summary__org", view=OFFICER_ROLES, change=MANAGER_ROLES
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["summary", "section"], name="summary_section_unique")]

    def __str__(self) -> str:
        return f"{self.summary_id}:{self.section}"

    @property
    def text(self) -> str:
        return self.edited_text if self.edited_text is not None else self.generated_text

    @property
    def is_edited(self) -> bool:
        return self.edited_text is not None

    def figures_changed(self) -> bool:
        """Edited, and a figure behind the paragraph is no longer what it was at the edit."""
        if not self.is_edited:
            return False
        now = {key: fact["value"] for key, fact in self.summary.fact_map().items()}
        return any(now.get(key) != value for key, value in self.edited_values.items())


class GuidingIdeas(models.Model):
    """The opening paragraph (指导思想) a union keeps from year to year."""

    org = models.OneToOneField(Org, on_delete=models.CASCADE, related_name="guiding_ideas")
    text = models.TextField(_("指导思想"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    access: ClassVar[AccessPolicy] = SUMMARY_ACCESS

    def __str__(self) -> str:
        return self.text[:20]


class PlanItem(models.Model):
    """One item of 下一年工作打算; seeded from the problems, then the chair's list."""

    summary = models.ForeignKey(Summary, on_delete=models.CASCADE, related_name="plan_items")
    order = models.PositiveSmallIntegerField(_("顺序"))
    text = models.TextField(_("内容"))
    generated = models.BooleanField(default=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="summary__org", view=OFFICER_ROLES, change=MANAGER_ROLES
    )

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:20]


# --- the work plan (工作计划) ------------------------------------------------------------------

WORKPLAN_ITEM_ACCESS = AccessPolicy(org_field="plan__org", view=OFFICER_ROLES, change=MANAGER_ROLES)


class PlanSection(models.TextChoices):
    DEMOCRACY = "democracy", _("民主管理")
    CARE = "care", _("关心关爱")
    ELECTIONS = "elections", _("选举评优")
    MEMBERS = "members", _("会员工作")
    OTHER = "other", _("其他")


class WorkPlan(models.Model):
    """Next year's plan (工作计划), drafted from this year's summary or facts, then edited."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="work_plans", verbose_name=_("工会"))
    year = models.PositiveIntegerField(_("计划年度"))
    summary = models.ForeignKey(
        Summary, null=True, blank=True, on_delete=models.SET_NULL, related_name="work_plans",
        verbose_name=_("依据的工作总结"),
    )  # fmt: skip
    title = models.CharField(_("标题"), max_length=200)
    guiding_ideas = models.TextField(_("指导思想"), blank=True)
    state = models.CharField(
        _("状态"), max_length=8, choices=SummaryState.choices, default=SummaryState.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    access: ClassVar[AccessPolicy] = SUMMARY_ACCESS

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = _("工作计划")
        verbose_name_plural = _("工作计划")

    def __str__(self) -> str:
        return self.title


class WorkPlanItem(models.Model):
    """One task of 主要任务 (or a numeric target of 工作目标 when `target_key` is set)."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("类别"), max_length=12, choices=PlanSection.choices)
    order = models.PositiveSmallIntegerField(_("顺序"))
    text = models.TextField(_("内容"))
    target_key = models.CharField(_("指标"), max_length=80, blank=True)
    current_value = models.CharField(_("本年数值"), max_length=40, blank=True)
    target_value = models.CharField(_("目标值"), max_length=40, blank=True)
    unit = models.CharField(_("单位"), max_length=10, blank=True)
    # What the draft line was made from (the target's fact key or the task's original text), so a
    # redraft does not add back a line the chair has reworded.
    draft_key = models.CharField(max_length=200, blank=True, editable=False)
    edited = models.BooleanField(_("已修改"), default=False)

    access: ClassVar[AccessPolicy] = WORKPLAN_ITEM_ACCESS

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text[:20]


class MonthlyActivity(models.Model):
    """One line of 月份活动安排, seeded from this year's dated records."""

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="months")
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    text = models.TextField(_("活动安排"))
    # The record it came from ("congress.session:12", "care.visit.chongyang"; "" when added by hand).
    source = models.CharField(_("来源"), max_length=60, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    edited = models.BooleanField(_("已修改"), default=False)

    access: ClassVar[AccessPolicy] = WORKPLAN_ITEM_ACCESS

    class Meta:
        ordering = ["month", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.month}:{self.text[:20]}"
