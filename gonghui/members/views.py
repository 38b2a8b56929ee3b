"""Views of the member registry: thin; objects come through core.access, writes through services."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import (
    can,
    get_for_user,
    get_from,
    require_roles,
    visible,
)
from gonghui.core.drilldown import Drilldown, Linker
from gonghui.core.enums import OrgKind
from gonghui.core.errors import DomainError
from gonghui.core.imports.models import ImportJob as CoreImportJob
from gonghui.core.models import Org
from gonghui.core.params import int_param
from gonghui.core.views.base import AuthedRequest, local_url, page_param, redirect_back, render_page
from gonghui.core.views.exports import start_export
from gonghui.core.views.imports import start_url

from . import exporter, exports, importer, listing, queries, services
from .enums import ChangeType
from .forms import (
    BulkForm,
    ColumnsForm,
    MemberFilterForm,
    MemberForm,
    RejectForm,
    StatusForm,
    TransferForm,
)
from .models import MEMBER_CHANGE_ROLES, MEMBER_REVEAL_ROLES, MEMBER_VIEW_ROLES, Member, Transfer

SESSION_COLUMNS = "members_columns"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _columns(request: AuthedRequest) -> list[str]:
    return request.session.get(SESSION_COLUMNS) or queries.DEFAULT_COLUMNS


def _chosen_union(request: AuthedRequest) -> int | None:
    """The union asked for, else the one the user is working in (header switcher)."""
    raw = request.GET.get("union")
    if raw is None:
        scope = request.current_scope.get()
        return scope.org_id if scope else None
    return int_param(raw)


def _day(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filters(
    request: AuthedRequest, *, shown: bool = True
) -> tuple[MemberFilterForm, queries.MemberFilters, bool]:
    """The filter form and what it selects; the union and group choices are fetched once, here,
    within the user's scope (an id outside it is simply not a choice). When the form is not
    `shown` (an HTMX request for rows), the group list is not fetched: the asked-for group is
    taken as given, and the row query keeps it inside the chosen union and the user's scope."""
    unions, union, truncated = queries.union_options(
        request.access.orgs_for(MEMBER_VIEW_ROLES), chosen=_chosen_union(request)
    )
    if not union:
        groups = []
    elif shown:
        groups = queries.group_options(union.pk)
    else:
        asked = int_param(request.GET.get("group"))
        groups = [(asked, str(asked))] if asked is not None else []
    data = request.GET.copy() if request.GET else None
    if data is not None and ("union" not in data or union is None):
        # A drill-down's union that is not a picker choice (a group, a federation) narrows the
        # rows through the drill-down; the other filters must still apply.
        data["union"] = str(union.pk) if union else ""
    form = MemberFilterForm(
        data,
        unions=[(u.pk, u.name) for u in unions],
        groups=groups,
        initial={"union": union.pk if union else None, "status": "current"},
    )
    filters = queries.MemberFilters(status="current", union=union)
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = queries.MemberFilters(
            union=union if cleaned["union"] else None, group=cleaned["group"], status=cleaned["status"],
            employment=cleaned["employment"], flag=cleaned["flag"], age_band=cleaned["age_band"],
            join_year=cleaned["join_year"], q=cleaned["q"], age_on=_day(request.GET.get("age_on", "")),
        )  # fmt: skip
    return form, filters, truncated


@login_required
def member_list(request: AuthedRequest) -> HttpResponse:
    # Every question below goes to request.access: the scopes are read once for the page.
    access = request.access
    access.require(MEMBER_VIEW_ROLES, what="members.member")
    form, filters, truncated = _filters(request, shown=not (request.htmx and not request.htmx.boosted))
    number = page_param(request)
    today = timezone.localdate()
    columns = _columns(request)
    drill = Drilldown.from_request(request, roles=MEMBER_VIEW_ROLES)
    # From a figure: the union as the figures count it (its subtree, or itself and its groups,
    # which the union picker cannot say), and the period by the date of what was counted: the
    # day members left for those who left, else the day they joined.
    members = drill.narrow(
        queries.filtered(request.user, filters, today=today, members=access.visible(Member.objects.all())),
        date_field="status_date" if filters.status == "left" else "join_date",
    )
    rows, has_next = listing.fetch(members, columns, number)
    params = request.GET.copy()
    params.pop("page", None)
    may_change = access.holds(MEMBER_CHANGE_ROLES)
    context = {
        "form": form,
        # The list pages without COUNT; only a drill-down (one union's rows) is counted.
        "drill": drill.banner(request, members.count() if drill.active else 0),
        "rows": listing.render(rows, columns, today=today, selectable=may_change),
        "row_count": len(rows),
        "columns": columns,
        "column_labels": dict(queries.LIST_COLUMNS),
        "page_number": number,
        "has_next": has_next,
        "querystring": params.urlencode(),
        "may_change": may_change,
        "may_reveal": access.holds(MEMBER_REVEAL_ROLES),
        "unions_truncated": truncated,
        "groups": form.fields["group"].choices[1:],  # type: ignore[attr-defined]
        "status_choices": [
            c for c in ChangeType.choices if c[0] in ("retire", "withdraw", "decease", "expel")
        ],
    }
    response = render_page(request, "members/list.html", context, partial="member-rows")
    if request.htmx and queries.is_full_id(filters.q):
        # A full ID number typed in the search box is not kept in the browser's history.
        params.pop("q", None)
        response["HX-Push-Url"] = f"{request.path}?{params.urlencode()}"
    return response


@login_required
@require_POST
def member_columns(request: AuthedRequest) -> HttpResponse:
    form = ColumnsForm(request.POST)
    if form.is_valid():
        request.session[SESSION_COLUMNS] = form.cleaned_data["columns"]
    return redirect_back(request, request.POST.get("back"), "members:list")


def _default_union(request: AuthedRequest, unions: Any) -> Org | None:
    scope = request.current_scope.get()
    union_id = int_param(request.GET.get("union")) or (scope.org_id if scope else None)
    return unions.filter(pk=union_id).first() if union_id else unions.first()


@login_required
def member_create(request: AuthedRequest) -> HttpResponse:
    unions = request.access.orgs_for(MEMBER_CHANGE_ROLES)
    union = _default_union(request, unions) or unions.first()
    if union is None:
        require_roles(request.user, [], request=request, what="members.member")
    assert union is not None
    form = MemberForm(request.POST or None, groups=queries.groups_of(union))
    if request.method == "POST" and form.is_valid():
        try:
            member = services.member_create(
                actor=request.user, union=union, data=form.member_data(), group=form.cleaned_data["group"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已登记会员%(name)s。") % {"name": member.name})
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "union": union, "member": None})


@login_required
def member_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    member = get_for_user(Member, request.user, pk, request=request)
    union = services.union_of(member.org)
    context = {
        "member": member,
        "union": union,
        "age": member.age_on(timezone.localdate()),
        "history": queries.history(member),
        "transfers": member.transfers.select_related("to_org").all(),
        "can_change": can(request.user, "change", member),
        "can_reveal": can(request.user, "reveal", member),
        "status_form": StatusForm(initial={"date": timezone.localdate()}),
        "roll_url": _roll_url(request, union),
    }
    return render(request, "members/detail.html", context)


def _roll_url(request: AuthedRequest, union: Org) -> str:
    """Back to the union's roll where the viewer may open it; a group leader, whose roll is their
    group, goes back to the roll they have; "" when the viewer has no roll at all."""
    roll = reverse("members:list")
    return Linker(request.user)(f"{roll}?union={union.pk}") or (
        roll if request.access.holds(MEMBER_VIEW_ROLES) else ""
    )


@login_required
def member_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    member = get_for_user(Member, request.user, pk, action="change", request=request)
    union = services.union_of(member.org)
    # The full mobile is personal data: the form starts blank ("no change") and shows the mask.
    initial = {field: getattr(member, field) for field in services.PLAIN_FIELDS if field != "mobile"}
    initial["group"] = member.org if member.org.kind == OrgKind.GROUP else None
    form = MemberForm(
        request.POST or None, initial=initial, groups=queries.groups_of(union), id_required=False
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.member_update(actor=request.user, member=member, data=form.member_data())
            group = form.cleaned_data["group"]
            if (group or union).pk != member.org_id:
                services.members_move_to_group(actor=request.user, members=[member], union=union, group=group)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存。"))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/form.html", {"form": form, "union": union, "member": member})


@login_required
@require_POST
def member_reveal(request: AuthedRequest, pk: int) -> HttpResponse:
    """HTMX: show the full ID and mobile in place; audited on every call."""
    member = get_for_user(Member, request.user, pk, action="reveal", request=request)
    revealed = services.member_reveal(actor=request.user, member=member)
    return render(request, "members/_revealed.html", {"member": member, "revealed": revealed})


@login_required
@require_POST
def member_status(request: AuthedRequest, pk: int) -> HttpResponse:
    member = get_for_user(Member, request.user, pk, action="change", request=request)
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["change"] == ChangeType.RETIRE:
                services.member_retire(actor=request.user, member=member, date=data["date"])
            else:
                services.member_change_status(
                    actor=request.user,
                    member=member,
                    change=data["change"],
                    date=data["date"],
                    reason=data["reason"],
                )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已办理。"))
    else:
        messages.error(request, _("请填写办理事项和日期。"))
    return redirect("members:detail", pk=member.pk)


@login_required
@require_POST
def member_bulk(request: AuthedRequest) -> HttpResponse:
    form = BulkForm(request.POST)
    back = local_url(request, request.POST.get("back")) or "members:list"
    if not form.is_valid():
        messages.error(request, _("请先勾选会员并选择操作。"))
        return redirect(back)
    members = list(
        visible(Member.objects.select_related("org"), request.user, "change").filter(pk__in=form.id_list())
    )
    if not members:
        messages.error(request, _("没有可操作的会员。"))
        return redirect(back)
    try:
        if form.cleaned_data["action"] == "move":
            union = services.union_of(members[0].org)
            group = None
            if form.cleaned_data["group"]:
                group = get_for_user(Org, request.user, form.cleaned_data["group"], request=request)
            moved = services.members_move_to_group(
                actor=request.user, members=members, union=union, group=group
            )
            messages.success(request, _("已移动%(n)s名会员。") % {"n": moved})
        else:
            done, refused = services.members_change_status(
                actor=request.user, members=members, change=form.cleaned_data["change"] or ""
            )
            text = _("已为%(n)s名会员办理。") % {"n": done}
            if refused:
                text += _("以下会员当前状态不能办理：%(names)s") % {"names": "、".join(refused[:20])}
            messages.success(request, text)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(back)


@login_required
def member_export(request: AuthedRequest) -> HttpResponse:
    request.access.require(MEMBER_VIEW_ROLES, what="members.member")
    _form, filters, _truncated = _filters(request)
    queryset = queries.filtered(request.user, filters, today=timezone.localdate())
    count = queryset.count()
    reveal = request.GET.get("reveal") == "1"
    try:
        exporter.export_allowed(request.user, filters.union, count, reveal=reveal)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(f"{_list_url()}?{request.GET.urlencode()}")
    fmt = "national" if request.GET.get("fmt") == "national" else "list"
    params = {"filters": exports.filters_to_params(filters), "columns": _columns(request), "reveal": reveal,
              "fmt": fmt}  # fmt: skip
    org = queries.export_org(request.user, filters.union)
    title = _("会员名单（%(n)s人，Excel）") % {"n": count}
    return start_export(request, kind=exports.MEMBERS, org=org, params=params, title=title)


def _list_url() -> str:
    return reverse("members:list")


@login_required
def my_membership(request: AuthedRequest) -> HttpResponse:
    from .selfservice import sections

    records = queries.own_records(request.user)
    return render(request, "members/me.html", {"records": records, "sections": sections(request.user)})


# --- transfers ---------------------------------------------------------------------------


@login_required
def transfer_create(request: AuthedRequest, pk: int) -> HttpResponse:
    member = get_for_user(Member, request.user, pk, action="change", request=request)
    union = services.union_of(member.org)
    unions = queries.transfer_targets(union)
    form = TransferForm(request.POST or None, unions=unions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.transfer_request(
                actor=request.user,
                member=member,
                to_org=data["to_org"],
                destination=data["destination"] or "",
                reason=data["reason"] or "",
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已提交转接。"))
            return redirect("members:detail", pk=member.pk)
    return render(request, "members/transfer_form.html", {"form": form, "member": member})


@login_required
def transfer_list(request: AuthedRequest) -> HttpResponse:
    require_roles(request.user, MEMBER_VIEW_ROLES, request=request, what="members.transfer")
    outgoing = list(queries.transfers_out(request.user)[:200])
    # 撤回 only where the user may change the transfer (a viewing role sees it, cannot withdraw it).
    may_cancel = visible(Transfer.objects.filter(pk__in=[t.pk for t in outgoing]), request.user, "change")
    context = {
        "incoming": queries.incoming_transfers(request.user)[:200],
        "outgoing": outgoing,
        "cancellable": set(may_cancel.values_list("pk", flat=True)),
        "reject_form": RejectForm(),
    }
    return render(request, "members/transfers.html", context)


@login_required
@require_POST
def transfer_accept(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = get_from(queries.incoming_transfers(request.user), request.user, request=request, pk=pk)
    try:
        services.transfer_accept(actor=request.user, transfer=transfer)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已接收%(name)s转入。") % {"name": transfer.member.name})
    return redirect("members:transfers")


@login_required
@require_POST
def transfer_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = get_from(queries.incoming_transfers(request.user), request.user, request=request, pk=pk)
    try:
        services.transfer_reject(actor=request.user, transfer=transfer, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已退回。"))
    return redirect("members:transfers")


@login_required
@require_POST
def transfer_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    transfer = get_for_user(Transfer, request.user, pk, action="change", request=request)
    try:
        services.transfer_cancel(actor=request.user, transfer=transfer)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已撤回转接申请。"))
    return redirect("members:transfers")


# --- import: the shared pages of core.imports (kind "members"); the old addresses lead there ---


def _import_query(request: AuthedRequest) -> dict[str, Any]:
    union = int_param(request.GET.get("union"))
    return {"union": union} if union is not None else {}


@login_required
def import_start(request: AuthedRequest) -> HttpResponse:
    return redirect(start_url(importer.KEY, **_import_query(request)))


@login_required
def import_template(request: AuthedRequest) -> HttpResponse:
    query = urlencode({"kind": importer.KEY, **_import_query(request)})
    return redirect(f"{reverse('core:import_template')}?{query}")


@login_required
def import_status(request: AuthedRequest, key: Any) -> HttpResponse:
    """A job of the former member job table (its key kept when it moved to core.ImportJob)."""
    jobs = visible(CoreImportJob.objects.filter(kind=importer.KEY), request.user, "change")
    if not request.access.unrestricted:  # a job is its uploader's alone, as on the shared page
        jobs = jobs.filter(actor=request.user)
    job = get_from(jobs, request.user, request=request, key=key)
    return redirect("core:import_status", key=job.key)
