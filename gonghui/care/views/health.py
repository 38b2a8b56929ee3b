"""Health (体检 · 妇检 · 疗休养): campaigns with their frozen eligible list, attendance marked for
many members at once, the screening rate; rest-and-recuperation trips with participants and cost."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import get_scoped, holds, may, require_roles, scoped
from gonghui.core.errors import DomainError
from gonghui.core.params import int_list
from gonghui.core.views.base import AuthedRequest, page_of, render_page
from gonghui.members.models import Member

from .. import campaigns, queries, rules
from ..enums import HealthKind
from ..forms import HealthCampaignForm, TripForm
from ..models import HealthAttendance, HealthCampaign, RecuperationTrip
from .drill import banner, drill_for

PAGE_SIZE = 50
ROSTER_SIZE = 300


def _refuse_without(request: AuthedRequest, capability: rules.Capability, what: str) -> None:
    if not holds(request.user, capability):
        require_roles(request.user, frozenset(), request=request, what=what)


def _health(
    request: AuthedRequest, pk: int, capability: rules.Capability = rules.CAMPAIGN_VIEW
) -> HealthCampaign:
    return get_scoped(HealthCampaign.objects.select_related("org"), request.user, capability, pk,
                              request=request)  # fmt: skip


@login_required
def health_list(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.CAMPAIGN_VIEW, "care.healthcampaign")
    drill = drill_for(request, rules.CAMPAIGN_VIEW)
    visible = scoped(HealthCampaign.objects.all(), request.user, rules.CAMPAIGN_VIEW)
    visible = queries.drilled(visible, drill, date_field="starts_on")
    kind = request.GET.get("kind", "")
    if kind in HealthKind.values:
        visible = visible.filter(kind=kind)
    ordered = visible.select_related("org").annotate(attended=Count("attendances"))
    page = page_of(request, ordered.order_by("-year", "-starts_on", "-pk"), PAGE_SIZE)
    for row in page["rows"]:
        row.rate = queries.rate(row.attended, row.eligible_count)
    context = {
        **page,
        "may_create": holds(request.user, rules.CAMPAIGN_CHANGE),
        "may_trips": holds(request.user, rules.CAMPAIGN_OVERSEE),
        "drill": banner(request, drill, visible),
    }
    return render_page(request, "care/health/list.html", context)


@login_required
def health_create(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.CAMPAIGN_CHANGE, "care.healthcampaign")
    today = timezone.localdate()
    form = HealthCampaignForm(
        request.POST or None,
        unions=queries.unions_for(request.user, rules.CAMPAIGN_CHANGE),
        initial={"year": today.year, "starts_on": today, "ends_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.health_campaign_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已创建，应检名单共%(n)s人。") % {"n": campaign.eligible_count})
            return redirect("care:health_detail", pk=campaign.pk)
    return render_page(
        request, "care/form.html", {"form": form, "title": _("组织体检/妇检"), "multipart": False}
    )


@login_required
def health_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """Figures for everyone who may see the campaign; the roster (filter by name, group, not yet
    attended) with checkboxes for the officers; a member sees only their own attendance."""
    campaign = _health(request, pk)
    user = request.user
    oversee = may(user, rules.CAMPAIGN_OVERSEE, campaign.org)
    may_change = may(user, rules.CAMPAIGN_CHANGE, campaign.org)
    attended, eligible, rate = queries.screening(campaign)
    q = (request.GET.get("q") or "").strip()[:40]
    pending = request.GET.get("pending") == "1"
    roster: list[Member] = []
    if oversee:
        done = HealthAttendance.objects.filter(campaign=campaign, member=OuterRef("pk"))
        members = campaign.eligible.select_related("org").annotate(done=Exists(done))
        if q:
            members = members.filter(name__contains=q) | members.filter(org__name__contains=q)
        if pending:
            members = members.filter(done=False)
        roster = list(members.order_by("org__path", "name_pinyin", "pk")[:ROSTER_SIZE])
    mine = campaign.attendances.filter(member__user=user).first()
    is_eligible = campaign.eligible.filter(user=user).exists()
    context = {
        "campaign": campaign,
        "attended": attended,
        "eligible": eligible,
        "rate": rate,
        "oversee": oversee,
        "may_change": may_change,
        "roster": roster,
        "truncated": len(roster) == ROSTER_SIZE,
        "q": q,
        "pending": pending,
        "mine": mine,
        "is_eligible": is_eligible,
        "today": timezone.localdate(),
    }
    return render_page(request, "care/health/detail.html", context)


@login_required
@require_POST
def health_attend(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _health(request, pk, rules.CAMPAIGN_CHANGE)
    ids = int_list(request.POST.getlist("member"))
    day = parse_date(request.POST.get("attended_on") or "") or timezone.localdate()
    if not ids:
        messages.error(request, _("请勾选参检人员。"))
    else:
        try:
            count = campaigns.health_attend(actor=request.user, campaign=campaign, member_ids=map(int, ids),
                                            attended_on=day)  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已登记%(n)s人参检。") % {"n": count})
    return redirect("care:health_detail", pk=campaign.pk)


# --- 疗休养 ------------------------------------------------------------------------------------------


@login_required
def trip_list(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.CAMPAIGN_OVERSEE, "care.recuperationtrip")
    drill = drill_for(request, rules.CAMPAIGN_OVERSEE)
    visible = scoped(RecuperationTrip.objects.all(), request.user, rules.CAMPAIGN_OVERSEE)
    visible = queries.drilled(visible, drill, date_field="starts_on")
    context = {
        **page_of(request, visible.select_related("org").order_by("-starts_on", "-pk"), PAGE_SIZE),
        "may_create": holds(request.user, rules.CAMPAIGN_CHANGE),
        "drill": banner(request, drill, visible),
    }
    return render_page(request, "care/health/trip_list.html", context)


@login_required
def trip_create(request: AuthedRequest) -> HttpResponse:
    _refuse_without(request, rules.CAMPAIGN_CHANGE, "care.recuperationtrip")
    today = timezone.localdate()
    form = TripForm(
        request.POST or None,
        unions=queries.unions_for(request.user, rules.CAMPAIGN_CHANGE),
        members=queries.member_choices(request.user, rules.CAMPAIGN_CHANGE),
        initial={"starts_on": today, "ends_on": today},
    )
    if request.method == "POST" and form.is_valid():
        try:
            trip = campaigns.trip_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("疗休养已登记，费用已记入发放记录。"))
            return redirect("care:trip_detail", pk=trip.pk)
    return render_page(
        request, "care/form.html", {"form": form, "title": _("登记疗休养"), "multipart": False}
    )


@login_required
def trip_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    trip = get_scoped(RecuperationTrip.objects.select_related("org"), request.user,
                              rules.CAMPAIGN_OVERSEE, pk, request=request)  # fmt: skip
    context = {
        "trip": trip,
        "participants": list(
            trip.participants.select_related("org").order_by("org__path", "name_pinyin", "pk")
        ),
        "entries": list(queries.entries_of(trip=trip).order_by("pk")),
    }
    return render_page(request, "care/health/trip_detail.html", context)


urlpatterns: list[URLPattern] = [
    path("health/", health_list, name="health"),
    path("health/new/", health_create, name="health_create"),
    path("health/<int:pk>/", health_detail, name="health_detail"),
    path("health/<int:pk>/attend/", health_attend, name="health_attend"),
    path("trips/", trip_list, name="trips"),
    path("trips/new/", trip_create, name="trip_create"),
    path("trips/<int:pk>/", trip_detail, name="trip_detail"),
]
