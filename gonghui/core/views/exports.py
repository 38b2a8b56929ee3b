"""Pages of every generated document: an app's export URL checks access and calls
`start_export`; the status page waits for the worker (polling), then offers the file, which
the browser starts downloading by itself; 重试 after an interrupted build."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import get_from
from ..exports import jobs
from ..exports.kinds import ExportKind
from ..exports.models import ExportJob
from ..models import Org
from .base import AuthedRequest, attempt, local_url, render_page


def start_export(
    request: AuthedRequest, *, kind: ExportKind, org: Org, params: dict[str, Any], title: str = ""
) -> HttpResponse:
    """Queue the document (the caller has checked access) and go to its status page."""
    back = local_url(request, request.META.get("HTTP_REFERER"))
    job = jobs.export_start(actor=request.user, kind=kind, org=org, params=params, title=title, back_url=back)
    return redirect("core:export_status", key=job.key)


def _job(request: AuthedRequest, key: Any) -> ExportJob:
    # A document is its requester's alone (as an import job is its uploader's); a superuser,
    # who may build any document anyway, may open any job.
    jobs_of_user = ExportJob.objects.select_related("org")
    if not request.user.is_superuser:
        jobs_of_user = jobs_of_user.filter(actor=request.user)
    return get_from(jobs_of_user, request.user, request=request, key=key)


@login_required
def export_status(request: AuthedRequest, key: Any) -> HttpResponse:
    job = _job(request, key)
    return render_page(request, "core/exports/status.html", {"job": job}, partial="export-status")


@login_required
def export_file(request: AuthedRequest, key: Any) -> HttpResponseBase:
    job = _job(request, key)
    handle = jobs.open_file(actor=request.user, job=job, ip=request.META.get("REMOTE_ADDR"))
    if handle is None:
        if job.running:
            return redirect("core:export_status", key=job.key)
        messages.error(request, job.message or _("文件已按规定删除，请重新导出。"))
        return redirect("core:export_status", key=job.key)
    response = FileResponse(handle, as_attachment=True, filename=job.file_name, content_type=job.content_type)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def export_retry(request: AuthedRequest, key: Any) -> HttpResponse:
    job = _job(request, key)
    return attempt(request, lambda: jobs.export_retry(actor=request.user, job=job), "", "core:export_status",
                   key=job.key)  # fmt: skip
