"""Congress views: rationalization suggestions (合理化建议) and their campaigns (征集活动).

Officers see their unions' suggestions; everyone else with a role sees their own (the policy's
owner field). An anonymous suggestion shows "匿名" to everyone but its submitter.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import can, get_for_user, holds, in_scope, orgs_for, require_roles, visible
from gonghui.core.drilldown import Drilldown
from gonghui.core.enums import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.views.base import AuthedRequest, page_param

from .. import services
from ..enums import ADOPTED_STATES
from ..models import SUGGESTION_REVIEW_ROLES, Suggestion, SuggestionCampaign
from ..suggestion_forms import (
    AdoptForm,
    CampaignForm,
    ImplementForm,
    RejectForm,
    RewardForm,
    SuggestionFilterForm,
    SuggestionForm,
)
from ..suggestion_queries import member_unions, running_campaigns

PAGE_SIZE = 50
ANY_ROLE = frozenset(Role)


def _officer_roles() -> frozenset[str]:
    return Suggestion.access.roles_for("view")


def may_drill(user: Any, org: Org | None) -> bool:
    """A union's suggestions are read by its officers (others see their own): the drill-down gate,
    also the dashboard's link guard."""
    return org is not None and in_scope(user, org, _officer_roles())


def _is_officer(user: User) -> bool:
    return holds(user, _officer_roles())


def _may_review(user: User) -> bool:
    return holds(user, SUGGESTION_REVIEW_ROLES)


def shown_submitter(suggestion: Suggestion, user: User) -> str:
    """The submitter's name as `user` may see it: "匿名" unless it is their own suggestion."""
    if suggestion.submitter_id == user.pk:
        return suggestion.submitter.name if suggestion.submitter else ""
    if suggestion.anonymous or suggestion.submitter is None:
        return _("匿名")
    return suggestion.submitter.name


def _review_unions(user: User) -> QuerySet[Org]:
    return orgs_for(user, SUGGESTION_REVIEW_ROLES)


def _page_number(request: AuthedRequest) -> int:
    return page_param(request)


def _figures(suggestions: QuerySet[Suggestion]) -> dict[str, Any]:
    """Submitted, adopted and adoption rate, overall and by campaign (one query)."""
    adopted = Count("pk", filter=Q(state__in=ADOPTED_STATES))
    grouped = (
        suggestions.order_by()
        .values("campaign_id", "campaign__name")
        .annotate(submitted=Count("pk"), adopted=adopted)
        .order_by("campaign__name")
    )
    rows: list[dict[str, Any]] = [{**row, "rate": _rate(row["adopted"], row["submitted"])} for row in grouped]
    submitted = sum(r["submitted"] for r in rows)
    total_adopted = sum(r["adopted"] for r in rows)
    return {
        "submitted": submitted,
        "adopted": total_adopted,
        "rate": _rate(total_adopted, submitted),
        "by_campaign": rows,
    }


def _rate(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


@login_required
def suggestion_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_roles(user, ANY_ROLE, request=request, what="congress.suggestion")
    drill = Drilldown.from_request(request)  # the guard registered for this page applies
    # The figures card follows the drill-down too: the union and period a figure was computed for.
    suggestions: QuerySet[Suggestion] = drill.narrow(
        visible(Suggestion.objects.all(), user), date_field="submitted_on"
    )
    campaigns = visible(SuggestionCampaign.objects.select_related("org"), user).order_by("-start", "pk")
    form = SuggestionFilterForm(request.GET or None, campaigns=campaigns)
    rows_qs = suggestions.select_related("org", "campaign", "submitter")
    if form.is_bound and form.is_valid():
        if form.cleaned_data["state"]:
            rows_qs = rows_qs.filter(state=form.cleaned_data["state"])
        if form.cleaned_data["campaign"]:
            rows_qs = rows_qs.filter(campaign=form.cleaned_data["campaign"])
    if request.GET.get("adopted") == "1":  # 采纳合理化建议 counts these states (congress.facts)
        rows_qs = rows_qs.filter(state__in=ADOPTED_STATES)
    number = _page_number(request)
    start = (number - 1) * PAGE_SIZE
    rows = list(rows_qs.order_by("-submitted_on", "-submitted_at", "-id")[start : start + PAGE_SIZE + 1])
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for row in rows:
        row.shown_submitter = shown_submitter(row, user)  # type: ignore[attr-defined]
    officer = _is_officer(user)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "officer": officer,
        "figures": _figures(suggestions) if officer else None,
        "page_number": number,
        "has_next": has_next,
        "querystring": params.urlencode(),
        # One COUNT, only when a figure sent the user here.
        "drill": drill.banner(request, rows_qs.count()) if drill.active else None,
        "may_review": _may_review(user),
        # Only a member of a union may submit (the form is a 403 otherwise, e.g. a county officer).
        "may_submit": member_unions(user).exists(),
    }
    return render(request, "congress/suggestion_list.html", context)


@login_required
def suggestion_create(request: AuthedRequest) -> HttpResponse:
    # The same rule services.suggestion_submit applies.
    unions = member_unions(request.user)
    if not unions.exists():
        require_roles(request.user, [], request=request, what="congress.suggestion")
    form = SuggestionForm(
        request.POST or None, unions=unions, campaigns=running_campaigns(unions, today=timezone.localdate())
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            suggestion = services.suggestion_submit(
                actor=request.user, org=data["union"], title=data["title"], body=data["body"],
                anonymous=data["anonymous"], campaign=data["campaign"], submitted_on=data["submitted_on"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已提交合理化建议，感谢您的参与。"))
            return redirect("congress:suggestion_detail", pk=suggestion.pk)
    return render(request, "congress/suggestion_form.html", {"form": form})


@login_required
def suggestion_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    suggestion = get_for_user(Suggestion, request.user, pk, request=request)
    own = suggestion.submitter_id == request.user.pk
    context = {
        "suggestion": suggestion,
        "shown_submitter": shown_submitter(suggestion, request.user),
        "own": own,
        "may_review": can(request.user, "change", suggestion) and not own,
        "adopt_form": AdoptForm(),
        "reject_form": RejectForm(),
        "implement_form": ImplementForm(),
        "reward_form": RewardForm(),
    }
    return render(request, "congress/suggestion_detail.html", context)


def _act(
    request: AuthedRequest, pk: int, form_class: type[Any], call: Callable[[Suggestion, dict[str, Any]], Any]
) -> HttpResponse:
    """Run one review action on a suggestion the user may change; errors go to messages."""
    suggestion = get_for_user(Suggestion, request.user, pk, action="change", request=request)
    form = form_class(request.POST)
    if suggestion.submitter_id == request.user.pk:
        messages.error(request, _("不能审查自己提出的建议。"))
    elif not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        try:
            call(suggestion, form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已办理。"))
    return redirect("congress:suggestion_detail", pk=pk)


@login_required
@require_POST
def suggestion_adopt(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, AdoptForm, lambda s, d: services.suggestion_review(
        actor=request.user, suggestion=s, adopt=True, note=d["note"]))  # fmt: skip


@login_required
@require_POST
def suggestion_reject(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, RejectForm, lambda s, d: services.suggestion_review(
        actor=request.user, suggestion=s, adopt=False, note=d["note"]))  # fmt: skip


@login_required
@require_POST
def suggestion_implement(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, ImplementForm, lambda s, d: services.suggestion_implement(
        actor=request.user, suggestion=s, benefit=d["benefit"], amount=d["amount"] or Decimal("0")))  # fmt: skip


@login_required
@require_POST
def suggestion_reward(request: AuthedRequest, pk: int) -> HttpResponse:
    return _act(request, pk, RewardForm, lambda s, d: services.suggestion_reward(
        actor=request.user, suggestion=s, reward=d["reward"]))  # fmt: skip


# --- campaigns ------------------------------------------------------------------------------


@login_required
def campaign_list(request: AuthedRequest) -> HttpResponse:
    require_roles(request.user, _officer_roles(), request=request, what="congress.suggestioncampaign")
    unions = _review_unions(request.user)
    form = CampaignForm(request.POST or None, unions=unions) if _may_review(request.user) else None
    if request.method == "POST":
        if form is None:
            require_roles(
                request.user, SUGGESTION_REVIEW_ROLES, request=request, what="congress.suggestioncampaign"
            )
        elif form.is_valid():
            data = form.cleaned_data
            try:
                services.campaign_create(
                    actor=request.user,
                    org=data["union"],
                    name=data["name"],
                    start=data["start"],
                    end=data["end"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("已创建征集活动。"))
                return redirect("congress:suggestion_campaigns")
    campaigns = (
        visible(SuggestionCampaign.objects.select_related("org"), request.user)
        .annotate(
            submitted=Count("suggestions"),
            adopted=Count("suggestions", filter=Q(suggestions__state__in=ADOPTED_STATES)),
        )
        .order_by("-start", "pk")[:200]
    )
    context = {"campaigns": campaigns, "form": form, "today": timezone.localdate()}
    return render(request, "congress/suggestion_campaigns.html", context)


urlpatterns: list[URLPattern] = [
    path("suggestions/", suggestion_list, name="suggestions"),
    path("suggestions/new/", suggestion_create, name="suggestion_create"),
    path("suggestions/campaigns/", campaign_list, name="suggestion_campaigns"),
    path("suggestions/<int:pk>/", suggestion_detail, name="suggestion_detail"),
    path("suggestions/<int:pk>/adopt/", suggestion_adopt, name="suggestion_adopt"),
    path("suggestions/<int:pk>/reject/", suggestion_reject, name="suggestion_reject"),
    path("suggestions/<int:pk>/implement/", suggestion_implement, name="suggestion_implement"),
    path("suggestions/<int:pk>/reward/", suggestion_reward, name="suggestion_reward"),
]
