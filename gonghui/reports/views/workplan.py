"""Work plan pages: generate from a summary, view and edit item by item (HTMX), export."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import deny, get_for_user
from gonghui.core.views.base import AuthedRequest, render_page
from gonghui.core.views.exports import start_export

from .. import exports, services
from ..documents import month_rows
from ..forms import GuidingIdeasForm, MonthlyActivityForm, WorkPlanItemForm
from ..models import MonthlyActivity, PlanSection, Summary, WorkPlan, WorkPlanItem
from ..queries import plan_for, plan_of
from .inline import inline_edit


def _plan(request: AuthedRequest, pk: int, *, action: str = "view") -> WorkPlan:
    return plan_for(request.user, pk, action=action, request=request)


@login_required
@require_POST
def workplan_create(request: AuthedRequest, pk: int) -> HttpResponse:
    summary = get_for_user(Summary, request.user, pk, action="change", request=request)
    existing = plan_of(summary.org_id, summary.year + 1)
    if existing is not None:  # one plan per union and year: open it (it has its own 重新生成)
        messages.info(request, _("%(title)s已存在，已为您打开。") % {"title": existing.title})
        return redirect("reports:workplan_detail", pk=existing.pk)
    plan = services.workplan_generate(actor=request.user, org=summary.org, year=summary.year, summary=summary)
    return redirect("reports:workplan_detail", pk=plan.pk)


@login_required
@require_POST
def workplan_regenerate(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, action="change")
    services.workplan_generate(actor=request.user, org=plan.org, year=plan.year - 1, summary=plan.summary,
                               plan=plan)  # fmt: skip
    return redirect("reports:workplan_detail", pk=plan.pk)


@login_required
def workplan_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    items = list(plan.items.all())
    sections = [
        (label, [i for i in items if i.section == value and not i.target_key])
        for value, label in PlanSection.choices
    ]
    context = {"plan": plan, "goals": [i for i in items if i.target_key],
               "sections": [(label, rows) for label, rows in sections if rows],
               "months": list(plan.months.all()), "month_rows": month_rows(plan)}  # fmt: skip
    return render_page(request, "reports/workplan_detail.html", context)


def _item_fragment(
    request: AuthedRequest, item: WorkPlanItem, *, editing: bool, form: Any = None
) -> HttpResponse:
    context = {"plan": item.plan, "item": item, "editing": editing,
               "form": form or WorkPlanItemForm(initial={"text": item.text})}  # fmt: skip
    return render_page(request, "reports/workplan_item.html", context)


@login_required
def workplan_item_edit(request: AuthedRequest, pk: int, item_pk: int) -> HttpResponse:
    plan = _plan(request, pk, action="change")
    item = plan.items.select_related("plan").filter(pk=item_pk).first()
    if item is None:
        deny(request.user, request=request, what=f"reports.workplanitem:{item_pk}", action="change")
    return inline_edit(
        request, form_class=WorkPlanItemForm, back="reports:workplan_detail", pk=pk,
        save=lambda data: services.workplan_item_update(actor=request.user, item=item, text=data["text"]),
        fragment=lambda **kw: _item_fragment(request, item, **kw),
    )  # fmt: skip


def _guiding_fragment(
    request: AuthedRequest, plan: WorkPlan, *, editing: bool, form: Any = None
) -> HttpResponse:
    context = {"plan": plan, "editing": editing,
               "form": form or GuidingIdeasForm(initial={"text": plan.guiding_ideas})}  # fmt: skip
    return render_page(request, "reports/workplan_guiding.html", context)


@login_required
def workplan_guiding_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk, action="change")
    return inline_edit(
        request, form_class=GuidingIdeasForm, back="reports:workplan_detail", pk=pk,
        save=lambda data: services.workplan_guiding_update(actor=request.user, plan=plan, text=data["text"]),
        fragment=lambda **kw: _guiding_fragment(request, plan, **kw),
    )  # fmt: skip


def _month_fragment(
    request: AuthedRequest, activity: MonthlyActivity, *, editing: bool, form: Any = None
) -> HttpResponse:
    initial = {"month": activity.month, "text": activity.text}
    context = {"plan": activity.plan, "activity": activity, "editing": editing,
               "form": form or MonthlyActivityForm(initial=initial)}  # fmt: skip
    return render_page(request, "reports/workplan_month.html", context)


@login_required
def workplan_month_edit(request: AuthedRequest, pk: int, month_pk: int) -> HttpResponse:
    plan = _plan(request, pk, action="change")
    activity = plan.months.select_related("plan").filter(pk=month_pk).first()
    if activity is None:
        deny(request.user, request=request, what=f"reports.monthlyactivity:{month_pk}", action="change")
    return inline_edit(
        request, form_class=MonthlyActivityForm, back="reports:workplan_detail", pk=pk,
        save=lambda data: services.monthly_update(actor=request.user, activity=activity, month=data["month"],
                                                  text=data["text"]),
        fragment=lambda **kw: _month_fragment(request, activity, **kw),
    )  # fmt: skip


@login_required
def workplan_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return start_export(request, kind=exports.WORKPLAN_DOCX, org=plan.org, params={"pk": plan.pk},
                        title=f"{plan.title}.docx")  # fmt: skip


@login_required
def workplan_export_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    return start_export(request, kind=exports.WORKPLAN_PDF, org=plan.org, params={"pk": plan.pk},
                        title=f"{plan.title}.pdf")  # fmt: skip


urlpatterns = [
    path("summaries/<int:pk>/workplan/", workplan_create, name="workplan_create"),
    path("workplans/<int:pk>/", workplan_detail, name="workplan_detail"),
    path("workplans/<int:pk>/regenerate/", workplan_regenerate, name="workplan_regenerate"),
    path("workplans/<int:pk>/guiding/edit/", workplan_guiding_edit, name="workplan_guiding_edit"),
    path("workplans/<int:pk>/items/<int:item_pk>/edit/", workplan_item_edit, name="workplan_item_edit"),
    path("workplans/<int:pk>/months/<int:month_pk>/edit/", workplan_month_edit, name="workplan_month_edit"),
    path("workplans/<int:pk>/workplan.docx", workplan_export_docx, name="workplan_docx"),
    path("workplans/<int:pk>/workplan.pdf", workplan_export_pdf, name="workplan_pdf"),
]
