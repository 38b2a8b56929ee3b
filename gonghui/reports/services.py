"""Writes of the annual summary: generate / regenerate (keeping the chair's edits), edit a
paragraph, restore its generated text, edit the plan. Generation runs in the background."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from gonghui.core.audit import audit
from gonghui.core.models import Org
from gonghui.core.tasks import INTERRUPTED, enqueue, on_interrupt
from gonghui.core.writes import service

from . import summary as drafting
from . import workplan as workplan_drafting
from .models import (
    GuidingIdeas,
    JobState,
    MonthlyActivity,
    PlanItem,
    Summary,
    SummaryParagraph,
    WorkPlan,
    WorkPlanItem,
)


@service
def summary_create(*, actor: Any, org: Org, period_kind: str, year: int, subtree: bool) -> Summary:
    """A new summary, drafted in the background (a large subtree takes a while)."""
    period = drafting.period_for(period_kind, year)
    obj = Summary.objects.create(
        org=org, period_kind=period_kind, year=year, start=period.start, end=period.end, subtree=subtree,
        title=drafting.summary_title(org, period), created_by=actor, signed_on=timezone.localdate(),
    )  # fmt: skip
    audit(action="reports.summary_create", actor=actor, org=org, object_type="summary", object_id=str(obj.pk))
    enqueue(summary_task, obj.pk)  # a new row is PENDING already
    return obj


@service
def summary_regenerate(*, actor: Any, summary: Summary) -> None:
    """重新生成 (or 重试 after a failed or interrupted run): draft again in the background; the
    chair's edited paragraphs are kept. A draft already queued or running is not queued twice."""
    rows = Summary.objects.filter(pk=summary.pk)
    failed = rows.filter(job_state=JobState.FAILED).exists()
    if not Summary.job_states.move_rows(rows, to=JobState.PENDING, progress=0, message=""):
        return
    audit(action="reports.summary_regenerate", actor=actor, org=summary.org_id, object_type="summary",
          object_id=str(summary.pk), detail="失败后重试" if failed else "")  # fmt: skip
    enqueue(summary_task, summary.pk)


# --- the worker's side: the queue's task and the steps it runs (see core.tasks) -----------------
# Not services: each progress step commits on its own so the polling page's bar moves, and a
# failure is recorded on the row, not rolled back with the draft. summary_create and
# summary_regenerate audit the request; the row's job state moves by `Summary.job_states`.


def summary_generate_job(pk: int) -> None:
    """The background job: claim the queued draft, then draft and store it, recording progress
    and failure on the row. A row no longer queued (drafted already, or taken) is left alone."""
    if not Summary.job_states.move_rows(
        Summary.objects.filter(pk=pk), to=JobState.RUNNING, from_=[JobState.PENDING], progress=1
    ):
        return
    try:
        summary_generate(Summary.objects.select_related("org").get(pk=pk))
    except Exception as error:
        Summary.job_states.move_rows(
            Summary.objects.filter(pk=pk), to=JobState.FAILED, message=str(error)[:200]
        )
        raise


@task()
def summary_task(pk: int) -> None:
    """The queue's task of the annual summary (see `summary_generate_job`)."""
    summary_generate_job(pk)


@on_interrupt(summary_task)
def _summary_interrupted(pk: int) -> None:
    # The draft is stored in one transaction: an interrupted run left the previous text as it was.
    Summary.job_states.move_rows(
        Summary.objects.filter(pk=pk),
        to=JobState.FAILED,
        from_=[JobState.PENDING, JobState.RUNNING],
        message=str(INTERRUPTED),
    )


def summary_generate(obj: Summary) -> Summary:
    """(Re)draft: refresh generated text and figures; edited text is kept as the chair left it.

    The figures are read outside a transaction, so each progress step is committed and the
    polling page's bar moves; the draft is then stored in one transaction."""

    def progress(percent: int) -> None:
        Summary.objects.filter(pk=obj.pk).update(progress=max(1, percent))

    period = drafting.period_for(obj.period_kind, obj.year)
    ideas = GuidingIdeas.objects.filter(org=obj.org).values_list("text", flat=True).first()
    draft = drafting.draft(obj.org, period, subtree=obj.subtree, guiding_ideas=ideas, progress=progress)
    return _summary_store(obj, draft)


@transaction.atomic
def _summary_store(obj: Summary, draft: Any) -> Summary:
    existing = {p.section: p for p in obj.paragraphs.all()}
    keep: set[int] = set()
    for order, paragraph in enumerate(draft.paragraphs):
        row = existing.get(paragraph.section)
        if row is None:
            row = SummaryParagraph(summary=obj, section=paragraph.section)
        row.order, row.heading = order, paragraph.heading
        row.generated_text, row.fact_keys = paragraph.text, paragraph.fact_keys
        row.save()
        keep.add(row.pk)
    # A section that no longer has records goes, unless the chair wrote in it.
    obj.paragraphs.exclude(pk__in=keep).filter(edited_text__isnull=True).delete()
    if not obj.plan_items.filter(generated=False).exists():
        obj.plan_items.all().delete()
        PlanItem.objects.bulk_create(
            [PlanItem(summary=obj, order=i, text=text) for i, text in enumerate(draft.plan)]
        )
    Summary.job_states.move(obj, to=JobState.DONE, fields={"facts": draft.facts, "progress": 100})
    return obj


@service
def paragraph_edit(*, actor: Any, paragraph: SummaryParagraph, text: str) -> SummaryParagraph:
    facts = paragraph.summary.fact_map()
    paragraph.edited_text = text.strip()
    paragraph.edited_values = {key: facts[key]["value"] for key in paragraph.fact_keys if key in facts}
    paragraph.edited_by, paragraph.edited_at = actor, timezone.now()
    paragraph.save(update_fields=["edited_text", "edited_values", "edited_by", "edited_at"])
    if paragraph.section == "opening":  # the guiding ideas carry over to next year's draft
        GuidingIdeas.objects.update_or_create(
            org=paragraph.summary.org, defaults={"text": paragraph.edited_text, "updated_by": actor}
        )
    audit(action="reports.paragraph_edit", actor=actor, org=paragraph.summary.org, object_type="summary",
          object_id=str(paragraph.summary_id), detail=paragraph.section)  # fmt: skip
    return paragraph


@service
def paragraph_restore(*, actor: Any, paragraph: SummaryParagraph) -> SummaryParagraph:
    paragraph.edited_text, paragraph.edited_values = None, {}
    paragraph.edited_by, paragraph.edited_at = actor, timezone.now()
    paragraph.save(update_fields=["edited_text", "edited_values", "edited_by", "edited_at"])
    audit(action="reports.paragraph_restore", actor=actor, org=paragraph.summary.org, object_type="summary",
          object_id=str(paragraph.summary_id), detail=paragraph.section)  # fmt: skip
    return paragraph


@service
def plan_set(*, actor: Any, summary: Summary, items: list[str]) -> None:
    before = list(summary.plan_items.order_by("order").values_list("text", flat=True))
    after = [t.strip() for t in items if t.strip()]
    summary.plan_items.all().delete()
    PlanItem.objects.bulk_create(
        [PlanItem(summary=summary, order=i, text=text, generated=False) for i, text in enumerate(after)]
    )
    audit(action="reports.plan_set", actor=actor, org=summary.org, obj=summary,
          before={"items": before}, after={"items": after})  # fmt: skip


# --- the work plan (工作计划) ------------------------------------------------------------------


@service
def workplan_generate(
    *, actor: Any, org: Org, year: int, summary: Summary | None = None, plan: WorkPlan | None = None
) -> WorkPlan:
    """Draft the plan for `year + 1` (new, or redraft `plan`: rows the chair edited are kept)."""
    draft = workplan_drafting.draft(org, year, summary=summary)
    if plan is None:
        plan = WorkPlan.objects.create(org=org, year=year + 1, summary=summary, title=draft.title,
                                       guiding_ideas=draft.guiding_ideas, created_by=actor)  # fmt: skip
    plan.items.filter(edited=False).delete()
    plan.months.filter(edited=False).delete()
    kept = set(plan.items.values_list("draft_key", flat=True))
    WorkPlanItem.objects.bulk_create(
        [
            WorkPlanItem(
                plan=plan,
                section=item.section,
                order=100 + i,
                text=item.text,
                target_key=item.target_key,
                current_value=item.current_value,
                target_value=item.target_value,
                unit=item.unit,
                draft_key=item.key,
            )
            for i, item in enumerate(draft.items)
            if item.key not in kept
        ]
    )
    kept_months = set(plan.months.values_list("source", flat=True))
    MonthlyActivity.objects.bulk_create(
        [
            MonthlyActivity(plan=plan, month=m.month, text=m.text, source=m.source, order=100 + i)
            for i, m in enumerate(draft.months)
            if m.source not in kept_months
        ]
    )
    audit(action="reports.workplan_generate", actor=actor, org=org, object_type="workplan",
          object_id=str(plan.pk))  # fmt: skip
    return plan


@service
def workplan_item_update(*, actor: Any, item: WorkPlanItem, text: str) -> WorkPlanItem:
    item.text, item.edited = text.strip(), True
    item.save(update_fields=["text", "edited"])
    audit(action="reports.workplan_item_update", actor=actor, org=item.plan.org, object_type="workplan",
          object_id=str(item.plan_id), detail=str(item.pk))  # fmt: skip
    return item


@service
def workplan_guiding_update(*, actor: Any, plan: WorkPlan, text: str) -> WorkPlan:
    """Reword the 指导思想; next year's plan of the union starts from this wording."""
    plan.guiding_ideas = text.strip()
    plan.save(update_fields=["guiding_ideas", "updated_at"])
    audit(action="reports.workplan_guiding_update", actor=actor, org=plan.org, object_type="workplan",
          object_id=str(plan.pk))  # fmt: skip
    return plan


@service
def monthly_update(*, actor: Any, activity: MonthlyActivity, month: int, text: str) -> MonthlyActivity:
    activity.month, activity.text, activity.edited = month, text.strip(), True
    activity.save(update_fields=["month", "text", "edited"])
    audit(action="reports.monthly_update", actor=actor, org=activity.plan.org, object_type="workplan",
          object_id=str(activity.plan_id), detail=str(activity.pk))  # fmt: skip
    return activity
