"""Assistance (帮扶) and student aid (金秋助学) applications: list, create on behalf of a member,
detail with approve / reject / pay / reverse. Services enforce the rules; views only scope and
report."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import get_scoped, holds, may, require_roles
from gonghui.core.errors import DomainError
from gonghui.core.views.base import AuthedRequest, attempt, page_of, render_page

from .. import approvals, queries, rules, services
from ..enums import ApplicationState
from ..forms import (
    ApplicationFilterForm,
    ApplicationForm,
    ApproveForm,
    OwnApplicationForm,
    PayForm,
    RejectForm,
    ReverseForm,
)
from ..models import AssistanceApplication, LedgerEntry
from .drill import banner, drill_for

PAGE_SIZE = 50


def _application(
    request: AuthedRequest, pk: int, capability: rules.Capability = rules.APP_VIEW
) -> AssistanceApplication:
    return get_scoped(
        AssistanceApplication.objects.select_related("org", "member", "member__org", "applied_by", "approved_by"),
        request.user, capability, pk, request=request,
    )  # fmt: skip


def _list(request: AuthedRequest, form: ApplicationFilterForm) -> QuerySet[AssistanceApplication]:
    rows = queries.visible_applications(request.user).select_related("org", "member")
    if form.is_bound and form.is_valid():
        if form.cleaned_data["state"]:
            rows = rows.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["kind"]:
            rows = rows.filter(kind=form.cleaned_data["kind"])
    return rows.order_by("-created_at", "-pk")


@login_required
def application_list(request: AuthedRequest) -> HttpResponse:
    if not holds(request.user, rules.APP_VIEW):
        require_roles(request.user, frozenset(), request=request, what="care.assistanceapplication")
    form = ApplicationFilterForm(request.GET or None)
    drill = drill_for(request, rules.APP_VIEW)
    # Applications are dated by when they were made (registered or applied for).
    applications = queries.drilled(
        _list(request, form), drill, subtree_path="member__org", own="org", date_field=None
    ).filter(drill.date_q("created_at", is_datetime=True))
    context = {
        **page_of(request, applications, PAGE_SIZE),
        "drill": banner(request, drill, applications),
        "form": form,
        "may_create": holds(request.user, rules.APP_CHANGE),
    }
    return render_page(request, "care/application_list.html", context)


@login_required
def application_create(request: AuthedRequest) -> HttpResponse:
    if not holds(request.user, rules.APP_CHANGE):
        require_roles(request.user, frozenset(), request=request, what="care.assistanceapplication")
    members = queries.member_choices(request.user, rules.APP_CHANGE)
    form = ApplicationForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        submit = data.pop("submit_now")
        try:
            application = services.application_create(actor=request.user, submit=submit, **data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("帮扶申请已登记。"))
            return redirect("care:application_detail", pk=application.pk)
    return render_page(
        request, "care/form.html", {"form": form, "title": _("登记帮扶申请"), "multipart": False}
    )


@login_required
def application_apply(request: AuthedRequest) -> HttpResponse:
    """A member applies for assistance or student aid for themselves, from their own page."""
    member = queries.own_member(request.user)
    if member is None:  # no member record of one's own: nothing to apply for (403, audited)
        require_roles(request.user, frozenset(), request=request, what="care.assistanceapplication")
        raise PermissionDenied
    form = OwnApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_create(actor=request.user, member=member, submit=True, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("申请已提交，工会审批后会通知您。"))
            return redirect("members:me")
    return render_page(
        request, "care/form.html", {"form": form, "title": _("申请帮扶或金秋助学"), "multipart": False}
    )


@login_required
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    application = _application(request, pk)
    user, org = request.user, application.org
    may_approve = (
        application.state == ApplicationState.SUBMITTED
        and approvals.application_refusal(user, application) is None
    )
    amount = application.approved_amount or application.amount_requested
    problems = (
        services.approval_problems(application, amount, year=timezone.localdate().year) if may_approve else []
    )
    entries = list(queries.entries_of(application=application).select_related("payer").order_by("pk"))
    context = {
        "application": application,
        "entries": entries,
        "problems": problems,
        "may_submit": application.state == ApplicationState.DRAFT and may(user, rules.APP_CHANGE, org),
        "may_approve": may_approve,
        "may_override": may(user, rules.OVERRIDE, org),
        "may_pay": application.state == ApplicationState.APPROVED and may(user, rules.PAY, org),
        "may_reverse": application.state == ApplicationState.PAID and may(user, rules.REVERSE, org),
        "approve_form": ApproveForm(initial={"amount": amount}),
        "reject_form": RejectForm(),
        "pay_form": PayForm(initial={"paid_on": timezone.localdate(), "method": "transfer"}),
        "reverse_form": ReverseForm(),
    }
    return render_page(request, "care/application_detail.html", context)


def _done(
    request: AuthedRequest, application: AssistanceApplication, action: Callable[[], object], success: str
) -> HttpResponse:
    return attempt(request, action, success, "care:application_detail", pk=application.pk)


@login_required
@require_POST
def application_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, rules.APP_CHANGE)
    return _done(request, application,
                 lambda: services.application_submit(actor=request.user, application=application), _("已提交审批。"))  # fmt: skip


@login_required
@require_POST
def application_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, rules.APPROVE)
    form = ApproveForm(request.POST)

    def approve() -> None:
        if not form.is_valid():
            raise DomainError(_("请填写批准金额。"))
        data = form.cleaned_data
        services.application_approve(actor=request.user, application=application, amount=data["amount"],
                                     note=data["note"], override_reason=data["override_reason"])  # fmt: skip

    return _done(request, application, approve, _("已批准。"))


@login_required
@require_POST
def application_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, rules.APPROVE)
    form = RejectForm(request.POST)

    def reject() -> None:
        if not form.is_valid():
            raise DomainError(_("请填写不予批准的理由。"))
        services.application_reject(
            actor=request.user, application=application, reason=form.cleaned_data["reason"]
        )

    return _done(request, application, reject, _("已不予批准。"))


@login_required
@require_POST
def application_pay(request: AuthedRequest, pk: int) -> HttpResponse:
    application = _application(request, pk, rules.PAY)
    form = PayForm(request.POST)

    def pay() -> None:
        if not form.is_valid():
            raise DomainError(_("请选择发放方式和日期。"))
        data = form.cleaned_data
        services.assistance_pay(actor=request.user, application=application, method=data["method"],
                                paid_on=data["paid_on"], note=data["note"])  # fmt: skip

    return _done(request, application, pay, _("发放已登记。"))


@login_required
@require_POST
def entry_reverse(request: AuthedRequest, pk: int) -> HttpResponse:
    """Reverse (冲正) a ledger entry; back to its application's page when it has one."""
    entry = get_scoped(LedgerEntry.objects.select_related("org"), request.user, rules.REVERSE, pk,
                               request=request)  # fmt: skip
    form = ReverseForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("请填写冲正原因。"))
        services.ledger_reverse(actor=request.user, entry=entry, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已冲正。"))
    if entry.application_id:
        return redirect("care:application_detail", pk=entry.application_id)
    return redirect("care:totals")


urlpatterns: list[URLPattern] = [
    path("applications/", application_list, name="applications"),
    path("applications/new/", application_create, name="application_create"),
    path("apply/", application_apply, name="application_apply"),
    path("applications/<int:pk>/", application_detail, name="application_detail"),
    path("applications/<int:pk>/submit/", application_submit, name="application_submit"),
    path("applications/<int:pk>/approve/", application_approve, name="application_approve"),
    path("applications/<int:pk>/reject/", application_reject, name="application_reject"),
    path("applications/<int:pk>/pay/", application_pay, name="application_pay"),
    path("entries/<int:pk>/reverse/", entry_reverse, name="entry_reverse"),
]
