"""Donation drives (捐款): list, create, open/close, gifts entered one by one or imported from
.xlsx (through core.imports: care.donation_imports), and how the money was used."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import get_scoped, holds, may, require_roles, scoped
from gonghui.core.errors import DomainError
from gonghui.core.models import Org
from gonghui.core.views.base import AuthedRequest, attempt, page_of, render_page
from gonghui.members.models import Member
from gonghui.members.queries import members_in

from .. import campaigns, queries, rules
from ..enums import CampaignState
from ..forms import CampaignForm, DonationForm, DonationUseForm
from ..models import DonationCampaign, from_fen
from .drill import banner, drill_for

PAGE_SIZE = 50


def _campaign(
    request: AuthedRequest, pk: int, capability: rules.Capability = rules.CAMPAIGN_VIEW
) -> DonationCampaign:
    return get_scoped(DonationCampaign.objects.select_related("org", "beneficiary", "asked_org"),
                              request.user, capability, pk, request=request)  # fmt: skip


def _union_members(campaign: DonationCampaign) -> QuerySet[Member]:
    return (
        members_in(campaign.org)
        .filter(status__in=["active", "retired"])
        .select_related("org")
        .order_by("name_pinyin", "pk")
    )


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    if not holds(request.user, rules.CAMPAIGN_VIEW):
        require_roles(request.user, frozenset(), request=request, what="care.donationcampaign")
    drill = drill_for(request, rules.CAMPAIGN_VIEW)
    visible = scoped(DonationCampaign.objects.all(), request.user, rules.CAMPAIGN_VIEW)
    visible = queries.drilled(visible, drill, date_field="starts_on")
    if request.GET.get("drafts") == "0":
        # The figures count drives that were launched; a draft has asked no one yet.
        visible = visible.exclude(state=CampaignState.DRAFT)
    page = page_of(
        request,
        queries.campaigns_with_totals(visible.select_related("org")).order_by("-starts_on", "-pk"),
        PAGE_SIZE,
    )
    for row in page["rows"]:
        row.collected = from_fen(row.collected_fen)
        row.rate = queries.rate(row.donors, row.asked_count)
    context = {
        **page,
        "may_create": holds(request.user, rules.CAMPAIGN_CHANGE),
        "drill": banner(request, drill, visible),
    }
    return render_page(request, "care/donations/list.html", context)


@login_required
def campaign_create(request: AuthedRequest) -> HttpResponse:
    if not holds(request.user, rules.CAMPAIGN_CHANGE):
        require_roles(request.user, frozenset(), request=request, what="care.donationcampaign")
    unions = queries.unions_for(request.user, rules.CAMPAIGN_CHANGE)
    groups = scoped(Org.objects.filter(kind="group", status="active"), request.user,
                            rules.CAMPAIGN_CHANGE, path_lookup="path").order_by("path")  # fmt: skip
    members = queries.member_choices(request.user, rules.CAMPAIGN_CHANGE)
    form = CampaignForm(request.POST or None, unions=unions, groups=groups, members=members,
                        initial={"starts_on": timezone.localdate(), "ends_on": timezone.localdate()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.campaign_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("捐款活动已创建，开始后将确定倡议名单。"))
            return redirect("care:donation_detail", pk=campaign.pk)
    return render_page(
        request, "care/form.html", {"form": form, "title": _("发起捐款活动"), "multipart": False}
    )


@login_required
def campaign_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk)
    user = request.user
    oversee = may(user, rules.CAMPAIGN_OVERSEE, campaign.org)
    may_change = may(user, rules.CAMPAIGN_CHANGE, campaign.org)
    donors, asked, rate = queries.participation(campaign)
    collected, used = campaigns.collected(campaign), campaigns.used(campaign)
    donations = (
        list(campaign.donations.select_related("member__org").order_by("-donated_on", "-pk")[:500])
        if oversee
        else []
    )
    mine = list(campaign.donations.filter(member__user=user).order_by("pk")) if user.is_authenticated else []
    uses = list(campaign.uses.order_by("used_on", "pk"))
    entries = {e.donation_use_id: e for e in queries.entries_of(donation_use__campaign=campaign)}
    for use in uses:
        use.entry = entries.get(use.pk)  # type: ignore[attr-defined]
    is_open = campaign.state == CampaignState.OPEN
    members = _union_members(campaign)
    context = {
        "campaign": campaign,
        "donors": donors,
        "asked": asked,
        "rate": rate,
        "collected": collected,
        "used": used,
        "balance": collected - used,
        "gifts": campaign.donations.count(),
        "donations": donations,
        "mine": mine,
        "uses": uses,
        "oversee": oversee,
        "may_open": may_change and campaign.state == CampaignState.DRAFT,
        "may_close": may_change and is_open,
        "may_donate": may_change and is_open,
        "may_use": may_change and campaign.state != CampaignState.DRAFT,
        "donation_form": DonationForm(members=members, initial={"donated_on": timezone.localdate()}),
        "use_form": DonationUseForm(members=members, initial={"used_on": timezone.localdate()}),
    }
    return render_page(request, "care/donations/detail.html", context)


def _done(
    request: AuthedRequest, campaign: DonationCampaign, action: Callable[[], object], success: str
) -> HttpResponse:
    return attempt(request, action, success, "care:donation_detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_open(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, rules.CAMPAIGN_CHANGE)
    return _done(request, campaign, lambda: campaigns.campaign_open(actor=request.user, campaign=campaign),
                 _("捐款活动已开始，倡议名单已确定。"))  # fmt: skip


@login_required
@require_POST
def campaign_close(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, rules.CAMPAIGN_CHANGE)
    return _done(request, campaign, lambda: campaigns.campaign_close(actor=request.user, campaign=campaign),
                 _("捐款活动已结束。"))  # fmt: skip


@login_required
@require_POST
def donation_add(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, rules.CAMPAIGN_CHANGE)
    form = DonationForm(request.POST, members=_union_members(campaign))

    def add() -> None:
        if not form.is_valid():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        campaigns.donation_add(actor=request.user, campaign=campaign, **form.cleaned_data)

    return _done(request, campaign, add, _("捐款已登记。"))


@login_required
@require_POST
def donation_use_add(request: AuthedRequest, pk: int) -> HttpResponse:
    campaign = _campaign(request, pk, rules.CAMPAIGN_CHANGE)
    form = DonationUseForm(request.POST, members=_union_members(campaign))

    def add() -> None:
        if not form.is_valid():
            raise DomainError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        campaigns.donation_use_add(actor=request.user, campaign=campaign, **form.cleaned_data)

    return _done(request, campaign, add, _("捐款使用已登记。"))


def _import_query(campaign: DonationCampaign) -> str:
    return urlencode({"kind": "care-donations", "campaign": campaign.pk, "union": campaign.org_id})


@login_required
def donation_template(request: AuthedRequest, pk: int) -> HttpResponse:
    """The drive's import template, from the import framework (core.imports)."""
    campaign = _campaign(request, pk, rules.CAMPAIGN_CHANGE)
    url = reverse("core:import_template")
    return redirect(f"{url}?{_import_query(campaign)}")


@login_required
def donation_import(request: AuthedRequest, pk: int) -> HttpResponse:
    """Donations are imported through the import framework (upload, errors naming the cell, error
    sheet, preview, all or nothing); this address, linked from the drive, leads there."""
    campaign = _campaign(request, pk, rules.CAMPAIGN_CHANGE)
    url = reverse("core:import_start")
    return redirect(f"{url}?{_import_query(campaign)}")


urlpatterns: list[URLPattern] = [
    path("donations/", campaign_list, name="donations"),
    path("donations/new/", campaign_create, name="donation_create"),
    path("donations/<int:pk>/", campaign_detail, name="donation_detail"),
    path("donations/<int:pk>/open/", campaign_open, name="donation_open"),
    path("donations/<int:pk>/close/", campaign_close, name="donation_close"),
    path("donations/<int:pk>/add/", donation_add, name="donation_add"),
    path("donations/<int:pk>/uses/add/", donation_use_add, name="donation_use_add"),
    path("donations/<int:pk>/import/", donation_import, name="donation_import"),
    path("donations/<int:pk>/import/template/", donation_template, name="donation_template"),
]
