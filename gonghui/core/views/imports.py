"""Pages of the import framework, the same for every kind: upload (with the template link),
status with progress, preview and errors, apply, the error sheet."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from ..access import deny, get_from, user_scopes, visible
from ..errors import DomainError
from ..forms import BootstrapMixin
from ..imports import jobs, kinds
from ..imports.kinds import ImportKind
from ..imports.models import ImportJob
from ..models import Org
from ..uploads import UploadField
from .base import AuthedRequest, attempt, current_scope, render_page

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(BootstrapMixin, forms.Form):
    union = forms.ModelChoiceField(
        label=gettext_lazy("导入到工会"), queryset=Org.objects.none(), empty_label=None
    )
    file = UploadField(label=gettext_lazy("Excel 文件(.xlsx)"))

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]


def _kind(request: AuthedRequest) -> ImportKind:
    """The kind named by ?kind= (a query parameter: the kind is no object of any union)."""
    kind = kinds.get(request.GET.get("kind", ""))
    if kind is None:
        raise Http404
    return kind


def _unions(request: AuthedRequest, kind: ImportKind) -> Any:
    """The unions the user may start this import in: the orgs of their roles where the kind
    allows it (a superior union names its subordinate unions in the 工会 column), or the one union
    the options fix (a drive's union)."""
    try:
        fixed = kind.org_of(_options(request))
    except DomainError:
        fixed = None
        deny(request.user, request=request, what=f"imports.{kind.key}", action="change")
    ids = {fixed.pk} if fixed is not None else {s.org_id for s in user_scopes(request.user)}
    orgs = Org.objects.filter(pk__in=ids).order_by("path")
    if fixed is None and request.user.is_superuser:
        orgs = Org.objects.order_by("path")
    allowed = [
        o.pk
        for o in orgs
        if kind.may_import(request.user, o) and (kind.union_column or kind.accepts_union(o))
    ]
    if not allowed:
        deny(request.user, request=request, what=f"imports.{kind.key}", action="change")
    return Org.objects.filter(pk__in=allowed).order_by("path")


def _options(request: AuthedRequest) -> dict[str, Any]:
    return {k: v for k, v in request.GET.items() if k not in ("union", "page", "kind")}


@login_required
def import_start(request: AuthedRequest) -> HttpResponse:
    import_kind = _kind(request)
    unions = _unions(request, import_kind)
    scope = current_scope(request)
    wanted = request.GET.get("union") or (scope.org_id if scope else None)
    initial = unions.filter(pk=wanted).first() or unions.first()
    form = UploadForm(request.POST or None, request.FILES or None, unions=unions, initial={"union": initial})
    options = _options(request)
    if request.method == "POST" and form.is_valid():
        try:
            job = jobs.import_start(actor=request.user, kind=import_kind, org=form.cleaned_data["union"],
                                    upload=form.cleaned_data["file"], options=options)  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect("core:import_status", key=job.key)
    template_query = urlencode({"kind": import_kind.key, **options, "union": initial.pk if initial else ""})
    recent = visible(
        ImportJob.objects.filter(kind=import_kind.key, actor=request.user), request.user, "change"
    )[:10]
    context = {"kind": import_kind, "form": form, "jobs": recent, "template_query": template_query,
               "columns": import_kind.all_columns(), "max_mb": jobs.max_upload_bytes() // (1024 * 1024)}  # fmt: skip
    return render(request, "core/imports/start.html", context)


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    import_kind = _kind(request)
    unions = _unions(request, import_kind)
    union = unions.filter(pk=request.GET.get("union") or 0).first() or unions.first()
    try:
        options = import_kind.clean_options(actor=request.user, org=union, options=_options(request))
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(start_url(import_kind.key, union=union.pk))
    content = jobs.template_for(kind=import_kind, org=union, actor=request.user, options=options)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=import-{import_kind.key}-template.xlsx"
    return response


def _job(request: AuthedRequest, key: Any) -> ImportJob:
    jobs_of_user = visible(ImportJob.objects.select_related("org"), request.user, "change")
    if not request.user.is_superuser:  # a job (its errors, its file) is its uploader's alone
        jobs_of_user = jobs_of_user.filter(actor=request.user)
    return get_from(jobs_of_user, request.user, request=request, key=key)


@login_required
def import_status(request: AuthedRequest, key: Any) -> HttpResponse:
    job = _job(request, key)
    kind = jobs.kind_of(job)
    context = {"job": job, "kind": kind, "errors": job.errors[:300], "more_errors": max(0, len(job.errors) - 300),
               "list_url": kind.list_url(job), "again_url": _again_url(job)}  # fmt: skip
    return render_page(request, "core/imports/status.html", context, partial="job-status")


def start_url(kind: str, **options: Any) -> str:
    """The upload page of an import kind (options: the union, a drive, …)."""
    return f"{reverse('core:import_start')}?{urlencode({'kind': kind, **options})}"


def _again_url(job: ImportJob) -> str:
    return start_url(job.kind, **(job.options or {}), union=job.org_id)


def _run_step(request: AuthedRequest, key: Any, step: Callable[..., object]) -> HttpResponse:
    """Run one step of the user's job (`step(actor=, job=)`); a refusal (DomainError) becomes a
    message, and either way the user goes back to the job's status page."""
    job = _job(request, key)
    return attempt(request, lambda: step(actor=request.user, job=job), "", "core:import_status", key=job.key)


@login_required
@require_POST
def import_apply(request: AuthedRequest, key: Any) -> HttpResponse:
    return _run_step(request, key, jobs.import_apply)


@login_required
@require_POST
def import_retry(request: AuthedRequest, key: Any) -> HttpResponse:
    """重试: run the interrupted (or crashed) background step of the job again."""
    return _run_step(request, key, jobs.import_retry)


@login_required
def import_errors(request: AuthedRequest, key: Any) -> HttpResponse:
    job = _job(request, key)
    if not jobs.upload_exists(job):
        messages.error(request, _("上传的文件已按规定删除，请重新上传。"))
        return redirect("core:import_status", key=job.key)
    response = HttpResponse(jobs.error_file(job=job, user=request.user), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename=import-{job.kind}-errors.xlsx"
    return response
