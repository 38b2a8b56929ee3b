"""Condolence visits (慰问): list, create (single or group, from the due-list or the registry),
detail with approve / record payment / cancel / photos, the standards per occasion, and the
group leader's "五必访" report form. Services (care/visiting.py) enforce the rules."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import deny, get_scoped, holds, may, require_roles
from gonghui.core.errors import DomainError
from gonghui.core.models import Org
from gonghui.core.params import int_list, int_param
from gonghui.core.uploads import serve_stored_file
from gonghui.core.views.base import AuthedRequest, attempt, page_of, render_page
from gonghui.members.enums import MemberStatus

from .. import approvals, duelists, occasions, queries, rules, visiting
from ..enums import VisitState
from ..models import (
    Visit,
    VisitMember,
    VisitPhoto,
    fen_sum,
    from_fen,
)
from ..visit_forms import (
    CondolenceStandardForm,
    OccasionForm,
    PhotoForm,
    ReportForm,
    VisitApproveForm,
    VisitCancelForm,
    VisitForm,
    VisitRecordForm,
)
from .drill import banner, drill_for

PAGE_SIZE = 50
# Members shown by name on a visit page (a 136-person group visit shows them all).
MEMBERS_SHOWN = 500


def _refuse_without(request: AuthedRequest, capability: rules.Capability, what: str) -> None:
    if not holds(request.user, capability):
        require_roles(request.user, frozenset(), request=request, what=what)


def _visit(request: AuthedRequest, pk: int, capability: rules.Capability = rules.VISIT_VIEW) -> Visit:
    return get_scoped(Visit.objects.select_related("org", "recorded_by", "approved_by"),
                              request.user, capability, pk, request=request)  # fmt: skip


@login_required
def visit_list(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.VISIT_VIEW, "care.visit")
    drill = drill_for(request, rules.VISIT_VIEW)
    visible = duelists.visible_visits(request.user)
    rows, members_q = visible, Q()
    if drill.org is not None:
        # As facts.py counts: the subtree by where the visited members belong, the union alone
        # by the visiting union. A superior union's visit to members here is in this union's
        # figures, so it is listed too (drill_for checked the union is the viewer's), counting
        # only this union's visited members and cash; its detail page stays the visitor's.
        if drill.subtree:
            rows = duelists.visits_to_members_under(drill.org)
            members_q = Q(visit_members__member__org__path__under=drill.org.path)
        else:
            rows = rows.filter(org=drill.org)
    chosen = [o for o in request.GET.getlist("occasion") if o]
    occasion, state = (chosen[0] if chosen else ""), request.GET.get("state", "")
    if chosen:
        rows = rows.filter(occasion__in=chosen)
    flag = request.GET.get("flag", "")
    if flag in occasions.FLAGS:
        # The occasions flagged so (节日, 住院, 丧事), whichever union's own they are.
        rows = rows.filter(occasion__in=occasions.codes_flagged(flag))
    if state in VisitState.values:
        rows = rows.filter(state=state)
    if request.GET.get("retired") == "1":
        # Visits of retired members (the 节日走访慰问离退休老同志 figure), counted once each.
        retired = VisitMember.objects.filter(member__status=MemberStatus.RETIRED)
        if members_q and drill.org is not None:
            retired = retired.filter(member__org__path__under=drill.org.path)
        rows = rows.filter(pk__in=retired.values("visit_id"))
    rows = rows.filter(drill.date_q("visited_on")).select_related("org")
    drill_banner = banner(request, drill, rows)
    # Cash summed in whole fen (fen_sum): SQLite sums decimals as floats.
    rows = rows.annotate(people=Count("visit_members", filter=members_q),
                         cash_fen=fen_sum("visit_members__amount", filter=members_q),
                         occasion_name=occasions.name_subquery())  # fmt: skip
    page = page_of(request, rows.order_by("-visited_on", "-pk"), PAGE_SIZE)
    ids = [v.pk for v in page["rows"]]
    # Only a drill-down lists other unions' visits; their detail pages are not the viewer's.
    openable = set(visible.filter(pk__in=ids).values_list("pk", flat=True)) if members_q else set(ids)
    for visit in page["rows"]:
        visit.cash = from_fen(visit.cash_fen)
        visit.openable = visit.pk in openable
    context = {
        **page,
        "occasions": occasions.filter_choices(queries.unions_for(request.user, rules.VISIT_VIEW)),
        "states": VisitState.choices,
        "occasion": occasion,
        "state": state,
        "may_create": holds(request.user, rules.VISIT_CHANGE),
        "drill": drill_banner,
    }
    return render_page(request, "care/visits/list.html", context)


def _default_amount(union: Org, occasion: str) -> tuple[Decimal, str, Decimal]:
    standard = duelists.condolence_standards(union).filter(occasion=occasion).first()
    if standard is None:
        return Decimal("0"), "", Decimal("0")
    return standard.amount or Decimal("0"), standard.gift, standard.gift_value or Decimal("0")


@login_required
def visit_create(request: AuthedRequest) -> HttpResponse:
    """GET ?member=1&member=2&occasion=birthday&org=5&report=3 prefills from the due-list."""
    _refuse_without(request, rules.VISIT_CHANGE, "care.visit")
    unions = queries.unions_for(request.user, rules.VISIT_CHANGE)
    members = queries.member_choices(request.user, rules.VISIT_CHANGE)
    if request.method == "POST":
        form = VisitForm(request.POST, unions=unions, members=members)
    else:
        occasion = request.GET.get("occasion", "")
        report_ids = int_list(request.GET.getlist("report"))
        reports = list(duelists.reports_by_id(report_ids, members=members).values_list("member_id", "kind"))
        if reports and not occasion and len({kind for _member, kind in reports}) == 1:
            occasion = reports[0][1]
        # One union to record for: chosen already (the picker searches in it), or the only one.
        org = int_param(request.GET.get("org"))
        if org is None and len(few := list(unions[:2])) == 1:
            org = few[0].pk
        initial = {
            "visited_on": timezone.localdate(),
            "occasion": occasion,
            "members": [str(pk) for pk in int_list(request.GET.getlist("member"))]
            + [str(member) for member, _kind in reports],
            "org": org,
            "reports": ",".join(str(pk) for pk in report_ids),
        }
        form = VisitForm(initial=initial, unions=unions, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        union = data["org"]
        chosen = list(data["members"])
        if data["add_status"]:
            chosen += list(members.filter(org__path__under=union.path, status=data["add_status"]))
        amount, gift, value = _default_amount(union, data["occasion"])
        try:
            visit = visiting.visit_create(
                actor=request.user, org=union, occasion=data["occasion"], visited_on=data["visited_on"],
                members=chosen, amount_each=data["amount_each"] if data["amount_each"] is not None else amount,
                gift=data["gift"] or (gift if data["amount_each"] is None else ""),
                gift_value=data["gift_value"] if data["gift_value"] is not None else value,
                visitors=[request.user] if data["i_visited"] else [], visitor_names=data["visitor_names"],
                notes=data["notes"], reports=duelists.reports_by_id(form.report_ids()),
            )  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("慰问已登记，共%(n)s人。") % {"n": visit.visit_members.count()})
            return redirect("care:visit_detail", pk=visit.pk)
    selected_ids = form["members"].value() or []
    selected = list(members.filter(pk__in=int_list([str(pk) for pk in selected_ids])))
    context = {"form": form, "selected": selected, "statuses": MemberStatus}
    return render_page(request, "care/visits/form.html", context)


@login_required
def visit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk)
    user, org = request.user, visit.org
    rows = list(visit.visit_members.select_related("member", "member__org").order_by("pk")[:MEMBERS_SHOWN])
    totals = visit.visit_members.aggregate(people=Count("pk"))
    may_approve = visit.state == VisitState.DRAFT and approvals.visit_refusal(user, visit) is None
    context = {
        "visit": visit,
        "rows": rows,
        "people": totals["people"],
        "cash": visiting.visit_total(visit),
        "visitors": list(visit.visitors.all()),
        "photos": list(visit.photos.all()),
        "entries": queries.entries_of(visit_member__visit=visit).count(),
        "problems": visiting.visit_problems(visit) if may_approve else [],
        "may_approve": may_approve,
        "may_override": may(user, rules.OVERRIDE, org),
        "may_record": visit.state == VisitState.APPROVED and may(user, rules.VISIT_CHANGE, org),
        "may_cancel": visit.state in (VisitState.DRAFT, VisitState.APPROVED)
        and may(user, rules.VISIT_CHANGE, org),
        "may_photo": may(user, rules.VISIT_CHANGE, org),
        "approve_form": VisitApproveForm(),
        "record_form": VisitRecordForm(initial={"paid_on": visit.visited_on, "method": "cash"}),
        "cancel_form": VisitCancelForm(),
        "photo_form": PhotoForm(),
    }
    return render_page(request, "care/visits/detail.html", context)


def _done(request: AuthedRequest, visit: Visit, action: Callable[[], object], success: str) -> HttpResponse:
    return attempt(request, action, success, "care:visit_detail", pk=visit.pk)


@login_required
@require_POST
def visit_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, rules.VISIT_APPROVE)
    form = VisitApproveForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("override_reason", "")
    return _done(request, visit,
                 lambda: visiting.visit_approve(actor=request.user, visit=visit, override_reason=reason),
                 _("已批准。"))  # fmt: skip


@login_required
@require_POST
def visit_record(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, rules.VISIT_CHANGE)
    form = VisitRecordForm(request.POST)

    def record() -> None:
        if not form.is_valid():
            raise DomainError(_("请选择发放方式和日期。"))
        data = form.cleaned_data
        visiting.visit_record(actor=request.user, visit=visit, method=data["method"], paid_on=data["paid_on"])

    return _done(request, visit, record, _("发放已登记。"))


@login_required
@require_POST
def visit_cancel(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, rules.VISIT_CHANGE)
    form = VisitCancelForm(request.POST)

    def cancel() -> None:
        if not form.is_valid():
            raise DomainError(_("请填写取消原因。"))
        visiting.visit_cancel(actor=request.user, visit=visit, reason=form.cleaned_data["reason"])

    return _done(request, visit, cancel, _("慰问已取消。"))


@login_required
@require_POST
def visit_photo_add(request: AuthedRequest, pk: int) -> HttpResponse:
    visit = _visit(request, pk, rules.VISIT_CHANGE)
    form = PhotoForm(request.POST, request.FILES)

    def add() -> None:
        if not form.is_valid():  # no file, too large, or not a picture: say which
            raise DomainError(str(form.errors["photo"][0]) if "photo" in form.errors else _("请选择照片。"))
        visiting.visit_photo_add(actor=request.user, visit=visit, upload=form.cleaned_data["photo"])

    return _done(request, visit, add, _("照片已上传。"))


@login_required
def visit_photo(request: AuthedRequest, pk: int) -> FileResponse:
    """A visit photo, for whoever may see the visit (404 otherwise)."""
    photo = VisitPhoto.objects.filter(visit__in=duelists.visible_visits(request.user), pk=pk).first()
    if photo is None:
        deny(request.user, request=request, what=f"care.visitphoto:{pk}")
    return serve_stored_file(photo.photo, photo.name, inline_image=True)


@login_required
def condolence_standards(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.STANDARDS_VIEW, "care.condolencestandard")
    unions = list(queries.unions_for(request.user, rules.STANDARDS_VIEW)[:200])
    raw = request.GET.get("org") or request.POST.get("org") or ""
    union = next((u for u in unions if str(u.pk) == raw), unions[0] if unions else None)
    may_change = union is not None and may(request.user, rules.STANDARDS_CHANGE, union)
    adding = request.method == "POST" and request.POST.get("action") == "occasion"
    form = CondolenceStandardForm(
        request.POST if request.method == "POST" and not adding else None, union=union
    )
    occasion_form = OccasionForm(request.POST if adding else None)
    if request.method == "POST" and union is not None and not may_change:
        require_roles(request.user, frozenset(), request=request, what="care.condolencestandard")
    if adding and union is not None and occasion_form.is_valid():
        try:
            occasions.occasion_create(actor=request.user, org=union, **occasion_form.cleaned_data)
        except DomainError as error:
            occasion_form.add_error(None, str(error))
        else:
            messages.success(request, _("慰问事由已添加，下级工会也可使用。"))
            return redirect(f"{request.path}?org={union.pk}")
    if request.method == "POST" and not adding and union is not None and form.is_valid():
        try:
            visiting.condolence_standard_set(actor=request.user, org=union, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("慰问标准已保存。"))
            return redirect(f"{request.path}?org={union.pk}")
    current = {s.occasion: s for s in duelists.condolence_standards(union)} if union else {}
    rows = (
        [(occasion, current.get(occasion.code)) for occasion in occasions.available(union)] if union else []
    )
    context = {"unions": unions, "union": union, "rows": rows, "form": form, "may_change": may_change,
               "occasion_form": occasion_form}  # fmt: skip
    return render_page(request, "care/visits/standards.html", context)


@login_required
def report_create(request: AuthedRequest) -> HttpResponse:
    """The union group leader's phone form: a member in hospital (or another "五必访" event)."""
    _refuse_without(request, rules.REPORT_FILE, "care.lifeeventreport")
    members = duelists.report_members(request.user)
    form = ReportForm(request.POST or None, members=members, initial={"event_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            visiting.life_event_report(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已报告，工会将安排慰问。"))
            return redirect("care:report_create")
    mine = list(duelists.reports_by(request.user).select_related("member", "visit")[:20])
    return render_page(request, "care/visits/report_form.html", {"form": form, "mine": mine})


urlpatterns: list[URLPattern] = [
    path("visits/", visit_list, name="visits"),
    path("visits/new/", visit_create, name="visit_create"),
    path("visits/<int:pk>/", visit_detail, name="visit_detail"),
    path("visits/<int:pk>/approve/", visit_approve, name="visit_approve"),
    path("visits/<int:pk>/record/", visit_record, name="visit_record"),
    path("visits/<int:pk>/cancel/", visit_cancel, name="visit_cancel"),
    path("visits/<int:pk>/photos/", visit_photo_add, name="visit_photo_add"),
    path("visit-photos/<int:pk>/", visit_photo, name="visit_photo"),
    path("condolence-standards/", condolence_standards, name="condolence_standards"),
    path("reports/new/", report_create, name="report_create"),
]
