"""Hardship files (困难职工档案): list, create, detail (audited), edit, review, close, documents.

Every lookup goes through the care capabilities (rules.py): the chair, the 生活委员 and the
superior union's care officer see files; everyone else gets the same 404 as for a missing id.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import deny, get_scoped, holds, may, require_roles
from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.uploads import serve_stored_file
from gonghui.core.views.base import AuthedRequest, page_of, render_page

from .. import queries, rules, services
from ..forms import CloseForm, DocumentForm, FileCreateForm, FileFilterForm, FileForm, ReviewForm
from ..models import HardshipDocument, HardshipFile
from .drill import banner, drill_for

PAGE_SIZE = 50


def _roles(capability: rules.Capability) -> frozenset[str]:
    return capability.all_roles


def _refuse_without(request: AuthedRequest, capability: rules.Capability, what: str) -> None:
    if not holds(request.user, capability):
        # No role at all: the standard 403 (audited); a role without the portfolio: the same.
        require_roles(request.user, frozenset(), request=request, what=what)


def _file(request: AuthedRequest, pk: int, capability: rules.Capability = rules.FILE_VIEW) -> HardshipFile:
    return get_scoped(HardshipFile.objects.select_related("member", "member__org", "org"),
                              request.user, capability, pk, request=request)  # fmt: skip


def _day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


@login_required
def file_list(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.FILE_VIEW, "care.hardshipfile")
    form = FileFilterForm(request.GET or None)
    filters = queries.FileFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.FileFilters(
            level=data["level"],
            cause=data["cause"],
            overdue=data["overdue"],
            state="" if data["closed"] else "open",
        )
    today = timezone.localdate()
    drill = drill_for(request, rules.FILE_VIEW)
    # A figure of files on a day (open at the period's end, overdue on a day) names the day;
    # those figures count closed files too when they were open then, so the state is left out.
    open_day, as_of = _day(request.GET.get("open_on", "")), _day(request.GET.get("as_of", ""))
    if open_day is not None:
        filters = dataclasses.replace(filters, state="")
    if as_of is not None:
        filters = dataclasses.replace(filters, overdue=True)
    files = queries.filtered_files(request.user, filters, today=as_of or today)
    files = queries.drilled(files, drill, subtree_path="member__org", own="org", date_field="opened_on")
    if open_day is not None:
        files = queries.open_on(files, open_day)
    context = {
        **page_of(request, files, PAGE_SIZE),
        "form": form,
        "today": today,
        "may_change": holds(request.user, rules.FILE_CHANGE),
        "drill": banner(request, drill, files),
    }
    return render_page(request, "care/file_list.html", context)


@login_required
def file_create(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.FILE_CHANGE, "care.hardshipfile")
    members = queries.member_choices(request.user, rules.FILE_CHANGE)
    form = FileCreateForm(request.POST or None, members=members, initial={"opened_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        member, opened_on = data.pop("member"), data.pop("opened_on")
        try:
            file = services.hardship_file_open(actor=request.user, member=member, opened_on=opened_on, **data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("困难职工档案已建立。"))
            return redirect("care:file_detail", pk=file.pk)
    return render_page(
        request, "care/form.html", {"form": form, "title": _("新建困难职工档案"), "multipart": False}
    )


@login_required
def file_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk)
    # Every view of a file is audited (who looked at whose hardship file, when).
    audit(action="care.file_view", actor=request.user, org=file.org, obj=file)
    context = {
        "file": file,
        "reviews": list(file.reviews.select_related("by")),
        "documents": list(file.documents.all()),
        "today": timezone.localdate(),
        "may_change": may(request.user, rules.FILE_CHANGE, file.org),
        "review_form": ReviewForm(initial={"reviewed_on": timezone.localdate()}),
        "close_form": CloseForm(),
        "document_form": DocumentForm(),
    }
    return render_page(request, "care/file_detail.html", context)


@login_required
def file_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, rules.FILE_CHANGE)
    form = FileForm(request.POST or None, instance=_file(request, pk, rules.FILE_CHANGE))
    if request.method == "POST" and form.is_valid():
        try:
            services.hardship_file_update(actor=request.user, file=file, data=form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("档案已保存。"))
            return redirect("care:file_detail", pk=file.pk)
    title = _("修改困难职工档案：%(name)s") % {"name": file.member.name}
    return render_page(request, "care/form.html", {"form": form, "title": title, "multipart": False})


@login_required
@require_POST
def file_review(request: AuthedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, rules.FILE_CHANGE)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写复核日期和结论。"))
        return redirect("care:file_detail", pk=file.pk)
    data = form.cleaned_data
    try:
        services.hardship_review(actor=request.user, file=file, outcome=data["outcome"],
                                 reviewed_on=data["reviewed_on"], level=data["level"], notes=data["notes"])  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("复核已记录。"))
    return redirect("care:file_detail", pk=file.pk)


@login_required
@require_POST
def file_close(request: AuthedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, rules.FILE_CHANGE)
    form = CloseForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("请填写销档原因。"))
        services.hardship_file_close(actor=request.user, file=file, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("档案已销档。"))
    return redirect("care:file_detail", pk=file.pk)


@login_required
@require_POST
def file_document_add(request: AuthedRequest, pk: int) -> HttpResponse:
    file = _file(request, pk, rules.FILE_CHANGE)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        services.hardship_document_add(actor=request.user, file=file, upload=form.cleaned_data["document"])
        messages.success(request, _("证明材料已上传。"))
    else:
        messages.error(
            request,
            str(form.errors["document"][0]) if "document" in form.errors else _("请选择要上传的文件。"),
        )
    return redirect("care:file_detail", pk=file.pk)


@login_required
def file_document(request: AuthedRequest, pk: int) -> FileResponse:
    """A supporting document, for whoever may see its file; each download is audited."""
    documents = HardshipDocument.objects.filter(file__in=queries.visible_files(request.user))
    document = documents.select_related("file").filter(pk=pk).first()
    if document is None:
        deny(request.user, request=request, what=f"care.hardshipdocument:{pk}")
    response = serve_stored_file(document.document, document.name)
    audit(action="care.file_document_view", actor=request.user, org=document.file.org_id, obj=document.file,
          detail=document.name)  # fmt: skip
    return response


urlpatterns: list[URLPattern] = [
    path("files/", file_list, name="files"),
    path("files/new/", file_create, name="file_create"),
    path("files/<int:pk>/", file_detail, name="file_detail"),
    path("files/<int:pk>/edit/", file_edit, name="file_edit"),
    path("files/<int:pk>/review/", file_review, name="file_review"),
    path("files/<int:pk>/close/", file_close, name="file_close"),
    path("files/<int:pk>/documents/", file_document_add, name="file_document_add"),
    path("documents/<int:pk>/", file_document, name="file_document"),
]
