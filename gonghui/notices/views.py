"""Public notice views: the union's notice board (公示栏), a notice with its objections, drafting,
publishing and withdrawing, resolving objections, and the printable notice.

Every object comes through `core.access` (or the notice query built on it), so another union's
notice answers 404 exactly like a missing one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import access
from gonghui.core.access import get_for_user, get_from, require_roles
from gonghui.core.drilldown import Drilldown
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.params import int_param
from gonghui.core.views.base import AuthedRequest, attempt, page_of, page_param, render_page

from . import queries, services
from .enums import HELD_STATES, RESOLVED_STATES, RUNNING_STATES, NoticeState, ObjectionState
from .forms import NoticeForm, ObjectionForm, RecordObjectionForm, ResolveForm, WithdrawForm
from .models import NOTICE_VIEW_ROLES, PANEL_ROLES, Notice, Objection

PAGE_SIZE = 50
CURRENT_STATES = [NoticeState.DRAFT, NoticeState.PUBLISHED, NoticeState.CLOSED_PENDING]


def shown_objector(objection: Objection, user: User, panel: bool) -> str:
    """The objector's name as `user` may see it: "匿名" on the public page for an anonymous
    objection, the name for the panel and for the objector themselves."""
    person = objection.submitted_by
    name = (person.name or person.username) if person is not None else objection.objector_name
    if objection.offline and not name:
        return _("匿名")
    if panel or objection.submitted_by_id == user.pk:
        return name
    return _("匿名") if objection.anonymous else name


def _notice(request: AuthedRequest, pk: int) -> Notice:
    """A notice the user may see (members, superior officers; drafts only the panel), or 404."""
    queryset = queries.notices_for(request.user).select_related("org", "created_by", "published_by")
    return get_from(queryset, request.user, request=request, pk=pk)


def _refreshed(notice: Notice) -> Notice:
    today = timezone.localdate()
    return services.notice_refresh(notice=notice, today=today) if notice.is_due(today) else notice


def _page_number(request: AuthedRequest) -> int:
    return page_param(request)


@login_required
def board(request: AuthedRequest) -> HttpResponse:
    """公示栏: running notices first (drafts for the panel), then past ones, page by page."""
    user = request.user
    require_roles(user, NOTICE_VIEW_ROLES, request=request, what="notices.notice")
    today = timezone.localdate()
    visible = queries.notices_for(user)
    # Refresh on access: notices whose period ended since the last daily run.
    for notice in visible.filter(state__in=RUNNING_STATES, ends_on__lt=today).order_by("pk"):
        services.notice_refresh(notice=notice, today=today)
    drill = Drilldown.from_request(request)
    rows = _board_filters(request, drill.narrow(queries.board(user), date_field="starts_on"))
    current = list(rows.filter(state__in=CURRENT_STATES)[:200])
    number = _page_number(request)
    start = (number - 1) * PAGE_SIZE
    past = list(rows.exclude(state__in=CURRENT_STATES)[start : start + PAGE_SIZE + 1])
    has_next = len(past) > PAGE_SIZE
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "current": current,
        "past": past[:PAGE_SIZE],
        "today": today,
        "may_create": request.access.unrestricted or queries.panel_unions(user).exists(),
        "page_number": number,
        "has_next": has_next,
        "querystring": params.urlencode(),
        "drill": None,
    }
    if drill.active:
        # One COUNT, only when a figure sent the user here: the notices of both tables, counted
        # without the board's per-notice objection counts (no GROUP BY to wrap).
        count = _board_filters(request, drill.narrow(visible, date_field="starts_on")).count()
        context["drill"] = drill.banner(request, count)
    return render_page(request, "notices/board.html", context)


def _board_filters(request: AuthedRequest, notices: QuerySet[Notice]) -> QuerySet[Notice]:
    """The board's own filters: `org` (one union), and the subsets the figures count
    (notices.facts): `held=1` (公示事项), `state=`, `objected=1` (收到异议的事项)."""
    org_id = int_param(request.GET.get("org"))
    if org_id is not None:
        notices = notices.filter(org_id=org_id)
    if request.GET.get("held") == "1":
        notices = notices.filter(state__in=HELD_STATES)
    state = request.GET.get("state", "")
    if state in NoticeState.values:
        notices = notices.filter(state=state)
    if request.GET.get("objected") == "1":
        notices = queries.objected(notices)
    return notices


def may_drill_objections(user: Any, org: Any) -> bool:
    """A union's objections are read by its panel (a member sees just their own): the drill-down
    gate, also the dashboard's link guard."""
    return org is not None and access.in_scope(user, org, PANEL_ROLES)


@login_required
def objection_list(request: AuthedRequest) -> HttpResponse:
    """异议: the objections the user may see (the panel's unions, and their own), newest first; the
    records behind the objection figures, narrowed by `?union=&from=&to=` on when they were raised,
    `state=` and `resolved=1` (异议已处理)."""
    user = request.user
    require_roles(user, NOTICE_VIEW_ROLES, request=request, what="notices.objection")
    drill = Drilldown.from_request(request)  # the guard registered for this page applies
    objections: QuerySet[Objection] = drill.narrow(
        access.visible(Objection.objects.all(), user),
        org_field="notice__org",
        date_field="received_on",
    )
    state = request.GET.get("state", "")
    if state in ObjectionState.values:
        objections = objections.filter(state=state)
    if request.GET.get("resolved") == "1":
        objections = objections.filter(state__in=RESOLVED_STATES)
    page = page_of(request, objections.select_related("notice__org", "submitted_by").order_by("-received_on", "-submitted_at", "-id"),
                   PAGE_SIZE)  # fmt: skip
    for row in page["rows"]:
        row.shown_objector = shown_objector(row, user, panel=queries.is_panel(user, row.notice))
    context = {
        **page,
        "drill": drill.banner(request, objections.count()) if drill.active else None,
    }
    return render_page(request, "notices/objections.html", context)


@login_required
def notice_create(request: AuthedRequest) -> HttpResponse:
    unions = queries.panel_unions(request.user)
    if not unions.exists():
        # Nobody sits on a panel here: refused (403, audited) like any officers' page.
        require_roles(request.user, [], request=request, what="notices.notice")
    form = NoticeForm(request.POST or None, unions=unions, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people, unmatched = queries.match_people(data["union"], data.get("people") or "")
        try:
            if unmatched:
                raise DomainError(
                    _("以下人员不是本工会会员或有重名，请核对：%(names)s")
                    % {"names": "、".join(unmatched[:20])}
                )
            notice = services.notice_create(
                actor=request.user, org=data["union"], title=data["title"], body=data["body"],
                kind=data["kind"], starts_on=data["starts_on"], days=data["days"], contact=data["contact"],
                people=people,
            )  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("公示草稿已保存，核对无误后请发布。"))
            return redirect("notices:detail", pk=notice.pk)
    return render_page(request, "notices/form.html", {"form": form, "notice": None})


@login_required
def notice_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = get_for_user(Notice, request.user, pk, action="change", request=request)
    if notice.state != NoticeState.DRAFT:
        messages.error(request, _("公示发布后不能再修改；如有错误，请撤回后重新发布。"))
        return redirect("notices:detail", pk=pk)
    initial = {name: getattr(notice, name) for name in services.EDITABLE}
    form = NoticeForm(request.POST or None, unions=None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.notice_update(actor=request.user, notice=notice, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存。"))
            return redirect("notices:detail", pk=pk)
    return render_page(request, "notices/form.html", {"form": form, "notice": notice})


@login_required
def notice_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    notice = _refreshed(_notice(request, pk))
    today = timezone.localdate()
    panel = queries.is_panel(user, notice)
    objections = list(notice.objections.select_related("submitted_by", "resolved_by"))
    for objection in objections:
        objection.shown_name = shown_objector(objection, user, panel)  # type: ignore[attr-defined]
    member = queries.is_member(user, notice.org)
    context: dict[str, Any] = {
        "notice": notice,
        "objections": objections,
        "open_count": sum(o.state == ObjectionState.SUBMITTED for o in objections),
        "panel": panel,
        "today": today,
        "may_object": member and notice.in_period(today),
        "objection_form": ObjectionForm(),
        "resolve_form": ResolveForm(),
        "withdraw_form": WithdrawForm(),
        "may_withdraw": panel and notice.state in RUNNING_STATES,
        # Objections received on paper are entered by the panel (补录线下异议).
        "may_record": panel and notice.state in (*RUNNING_STATES, NoticeState.FINAL),
        "record_form": RecordObjectionForm(initial={"received_on": today}),
        # A draft whose start is past may be recorded as posted on paper then (补录).
        "past_start": notice.state == NoticeState.DRAFT and notice.starts_on < today,
    }
    return render_page(request, "notices/detail.html", context)


@login_required
@require_POST
def objection_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _notice(request, pk)
    form = ObjectionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.objection_submit(
                actor=request.user, notice=notice, text=form.cleaned_data["text"],
                anonymous=form.cleaned_data["anonymous"],
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("您的异议已提交，公示工作小组将核实处理。"))
    return redirect("notices:detail", pk=pk)


@login_required
@require_POST
def objection_record(request: AuthedRequest, pk: int) -> HttpResponse:
    """补录线下异议: the panel enters an objection received on paper (same right as resolving)."""
    notice = get_for_user(Notice, request.user, pk, action="change", request=request)
    form = RecordObjectionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        return attempt(
            request,
            lambda: services.objection_record(
                actor=request.user, notice=notice, text=data["text"], received_on=data["received_on"],
                objector_name=data["objector_name"],
                upheld={"upheld": True, "dismissed": False}.get(data["outcome"]),
                resolution=data["resolution"],
            ),
            _("线下异议已补录。"), "notices:detail", pk=pk,
        )  # fmt: skip
    return redirect("notices:detail", pk=pk)


@login_required
@require_POST
def notice_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = get_for_user(Notice, request.user, pk, action="change", request=request)
    posted = request.POST.get("posted") == "1"
    return attempt(
        request,
        lambda: services.notice_publish(actor=request.user, notice=notice, posted=posted),
        _("公示已发布。"),
        "notices:detail",
        pk=pk,
    )


@login_required
@require_POST
def notice_withdraw(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = get_for_user(Notice, request.user, pk, action="change", request=request)
    form = WithdrawForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.notice_withdraw(actor=request.user, notice=notice, reason=form.cleaned_data["reason"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("公示已撤回。"))
    return redirect("notices:detail", pk=pk)


@login_required
@require_POST
def objection_resolve(request: AuthedRequest, pk: int) -> HttpResponse:
    objection = get_for_user(Objection, request.user, pk, action="change", request=request)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        try:
            services.objection_resolve(
                actor=request.user, objection=objection, upheld=form.cleaned_data["outcome"] == "upheld",
                resolution=form.cleaned_data["resolution"],
            )  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("异议已处理。"))
    return redirect("notices:detail", pk=objection.notice_id)


@login_required
def notice_print(request: AuthedRequest, pk: int) -> HttpResponse:
    notice = _refreshed(_notice(request, pk))
    signed_on = timezone.localtime(notice.published_at).date() if notice.published_at else notice.starts_on
    context = {"notice": notice, "signed_on": signed_on}
    return render_page(request, "notices/print.html", context)


def _form_errors(request: AuthedRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


app_name = "notices"
urlpatterns: list[URLPattern] = [
    path("", board, name="board"),
    path("new/", notice_create, name="create"),
    path("<int:pk>/", notice_detail, name="detail"),
    path("<int:pk>/edit/", notice_edit, name="edit"),
    path("<int:pk>/publish/", notice_publish, name="publish"),
    path("<int:pk>/withdraw/", notice_withdraw, name="withdraw"),
    path("<int:pk>/object/", objection_submit, name="object"),
    path("<int:pk>/objections/record/", objection_record, name="objection_record"),
    path("<int:pk>/print/", notice_print, name="print"),
    path("objections/", objection_list, name="objections"),
    path("objections/<int:pk>/resolve/", objection_resolve, name="objection_resolve"),
]
