"""Annual work summary pages: generate, view and edit paragraph by paragraph, export."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.views.decorators.http import require_POST

from gonghui.core.access import deny, get_for_user, orgs_for, visible
from gonghui.core.enums import MANAGER_ROLES
from gonghui.core.views.base import AuthedRequest, render_page
from gonghui.core.views.exports import start_export

from .. import exports, services
from ..forms import ParagraphForm, PlanForm, SummaryCreateForm
from ..models import Summary, SummaryParagraph, WorkPlan
from ..queries import plan_of
from .inline import inline_edit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _orgs(user: Any) -> Any:
    """The active orgs (unions and superior unions alike) the user manages, in tree order."""
    return orgs_for(user, MANAGER_ROLES, kinds=None).order_by("path")


@login_required
def summary_list(request: AuthedRequest) -> HttpResponse:
    orgs = _orgs(request.user)
    # The union the user is working in (header switcher) is chosen already: one click generates.
    scope = request.current_scope.get()
    initial = {"org": scope.org_id} if scope and orgs.filter(pk=scope.org_id).exists() else {}
    form = SummaryCreateForm(request.POST or None, orgs=orgs, initial=initial)
    if request.method == "POST" and form.is_valid():
        obj = services.summary_create(
            actor=request.user,
            org=form.cleaned_data["org"],
            period_kind=form.cleaned_data["period_kind"],
            year=form.cleaned_data["year"],
            subtree=form.cleaned_data["subtree"],
        )
        return redirect("reports:summary_detail", pk=obj.pk)
    summaries = visible(Summary.objects.select_related("org"), request.user)[:50]
    plans = visible(WorkPlan.objects.select_related("org"), request.user)[:50]
    context = {"form": form, "summaries": summaries, "plans": plans}
    return render_page(request, "reports/summary_list.html", context)


@login_required
def summary_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Summary, request.user, pk, request=request)
    facts = obj.fact_map()
    paragraphs = []
    for p in obj.paragraphs.all():
        used = [facts[k] for k in p.fact_keys if k in facts]
        paragraphs.append({"p": p, "facts": used, "changed": p.figures_changed()})
    plan = plan_of(obj.org_id, obj.year + 1)
    context = {"summary": obj, "paragraphs": paragraphs, "work_plan": plan, "plan_form": PlanForm(
        initial={"items": "\n".join(i.text for i in obj.plan_items.all())})}  # fmt: skip
    return render_page(request, "reports/summary_detail.html", context, partial="summary-body")


def _paragraph(request: AuthedRequest, pk: int, section_pk: int) -> SummaryParagraph:
    summary = get_for_user(Summary, request.user, pk, action="change", request=request)
    paragraph = summary.paragraphs.select_related("summary").filter(pk=section_pk).first()
    if paragraph is None:
        deny(request.user, request=request, what=f"reports.summaryparagraph:{section_pk}", action="change")
    return paragraph


def _paragraph_fragment(
    request: AuthedRequest, p: SummaryParagraph, *, editing: bool, form: Any = None
) -> HttpResponse:
    context = {"summary": p.summary, "item": {"p": p, "facts": [], "changed": p.figures_changed()},
               "editing": editing, "form": form or ParagraphForm(initial={"text": p.text})}  # fmt: skip
    return render_page(request, "reports/summary_paragraph.html", context)


@login_required
def paragraph_edit(request: AuthedRequest, pk: int, section_pk: int) -> HttpResponse:
    p = _paragraph(request, pk, section_pk)
    return inline_edit(
        request, form_class=ParagraphForm, back="reports:summary_detail", pk=pk,
        save=lambda data: services.paragraph_edit(actor=request.user, paragraph=p, text=data["text"]),
        fragment=lambda **kw: _paragraph_fragment(request, p, **kw),
    )  # fmt: skip


@login_required
@require_POST
def paragraph_restore(request: AuthedRequest, pk: int, section_pk: int) -> HttpResponse:
    p = _paragraph(request, pk, section_pk)
    services.paragraph_restore(actor=request.user, paragraph=p)
    if not getattr(request, "htmx", False):
        return redirect("reports:summary_detail", pk=pk)
    return _paragraph_fragment(request, p, editing=False)


@login_required
@require_POST
def summary_regenerate(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Summary, request.user, pk, action="change", request=request)
    services.summary_regenerate(actor=request.user, summary=obj)
    return redirect("reports:summary_detail", pk=pk)


@login_required
@require_POST
def plan_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Summary, request.user, pk, action="change", request=request)
    form = PlanForm(request.POST)
    if form.is_valid():
        services.plan_set(actor=request.user, summary=obj, items=form.cleaned_data["items"].splitlines())
    return redirect("reports:summary_detail", pk=pk)


@login_required
def summary_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Summary, request.user, pk, request=request)
    return start_export(request, kind=exports.SUMMARY_DOCX, org=obj.org, params={"pk": obj.pk},
                        title=f"{obj.title}.docx")  # fmt: skip


@login_required
def summary_export_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    obj = get_for_user(Summary, request.user, pk, request=request)
    return start_export(request, kind=exports.SUMMARY_PDF, org=obj.org, params={"pk": obj.pk},
                        title=f"{obj.title}.pdf")  # fmt: skip


urlpatterns = [
    path("summaries/", summary_list, name="summary_list"),
    path("summaries/<int:pk>/", summary_detail, name="summary_detail"),
    path("summaries/<int:pk>/regenerate/", summary_regenerate, name="summary_regenerate"),
    path("summaries/<int:pk>/plan/", plan_edit, name="summary_plan"),
    path("summaries/<int:pk>/p/<int:section_pk>/edit/", paragraph_edit, name="summary_paragraph_edit"),
    path(
        "summaries/<int:pk>/p/<int:section_pk>/restore/", paragraph_restore, name="summary_paragraph_restore"
    ),
    path("summaries/<int:pk>/summary.docx", summary_export_docx, name="summary_docx"),
    path("summaries/<int:pk>/summary.pdf", summary_export_pdf, name="summary_pdf"),
]
