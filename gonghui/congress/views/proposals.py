"""Proposal pages (提案): list, new, detail with the lifecycle actions, printable form, 督办 list.

Thin views: a proposal comes only through `proposal_queries.visible_proposals` (via `get_from`)
or `core.access.get_for_user`, so another union's proposal is a 404; every write is a service
call, and a refused step (DomainError) is shown to the user as is.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import can, get_for_user, get_from, in_scope, require_roles, scopes_for
from gonghui.core.drilldown import Drilldown
from gonghui.core.enums import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import Org
from gonghui.core.views.base import AuthedRequest, attempt, page_param, render_page

from .. import proposal_queries as queries
from .. import services
from ..enums import ProposalState
from ..models import PROPOSAL_OFFICER_ROLES, Proposal
from ..proposal_forms import (
    AnswerForm,
    AssignForm,
    ImplementForm,
    ProposalCreateForm,
    ProposalFilterForm,
    RateForm,
    ReassignRequestForm,
    ReviewForm,
    first_error,
)


def _visible(request: AuthedRequest, pk: int) -> Proposal:
    return get_from(queries.with_details(queries.visible_proposals(request.user)), request.user,
                    request=request, pk=pk)  # fmt: skip


def _changeable(request: AuthedRequest, pk: int) -> Proposal:
    return get_for_user(Proposal, request.user, pk, action="change", request=request)


def may_drill(user: Any, org: Org | None) -> bool:
    """A union's proposals as its figures count them are an officer's view (a delegate's list holds
    only the published ones): the drill-down gate, also the dashboard's link guard."""
    return org is not None and in_scope(user, org, PROPOSAL_OFFICER_ROLES)


# Page filters for the subsets a figure counts; not in the filter form, set by the figure's link.
SUBSETS = ("submitted", "registered")


@login_required
def proposal_list(request: AuthedRequest) -> HttpResponse:
    today = timezone.localdate()
    reach = queries.session_reach(request.user)
    form = ProposalFilterForm(request.GET or None, sessions=reach.choices)
    drill = Drilldown.from_request(request)  # the guard registered for this page applies
    submitted, registered = (request.GET.get(key) == "1" for key in SUBSETS)
    filters = queries.ProposalFilters(submitted=submitted, registered=registered)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = queries.ProposalFilters(
            session=data["session"], state=data["state"], category=data["category"], overdue=data["overdue"],
            submitted=submitted, registered=registered,
        )  # fmt: skip
    number = page_param(request)
    # One session chosen in the filter: read just its proposals, whatever the user's reach.
    sessions = reach.ids if filters.session is None else [filters.session]
    queryset = queries.filtered(request.user, filters, today=today, sessions=sessions)
    # A proposal's union and period are its session's (as congress.facts counts them).
    queryset = drill.narrow(queryset, org_field="session__org", date_field="session__date")
    rows, has_next = queries.page(queryset, number, today=today, sessions=sessions)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "rows": rows,
        "page_number": number,
        "has_next": has_next,
        "querystring": params.urlencode(),
        # One COUNT, only when a figure sent the user here (the list itself pages without one).
        "drill": drill.banner(request, queryset.count()) if drill.active else None,
        "may_create": bool(scopes_for(request.user, [Role.DELEGATE])),
        "is_officer": request.access.holds(PROPOSAL_OFFICER_ROLES),
    }
    return render_page(request, "congress/proposal_list.html", context, partial="proposal-rows")


@login_required
def proposal_create(request: AuthedRequest) -> HttpResponse:
    delegates = list(queries.delegateships(request.user))
    if not delegates and not request.access.unrestricted:
        require_roles(request.user, [], request=request, what="congress.proposal")
    form = ProposalCreateForm(
        request.POST or None,
        sessions=queries.open_sessions_for(request.user),
        cosigners=queries.cosigner_choices(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = data["session"]
        proposer = next((d for d in delegates if d.term_id == session.term_id), None)
        try:
            if proposer is None:
                raise DomainError(_("只有本届在任代表可以提出提案。"))
            proposal = services.proposal_create(
                actor=request.user, session=session, proposer=proposer, title=data["title"],
                category=data["category"], reason=data["reason"], measures=data["measures"],
                cosigners=data["cosigners"],
            )  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("提案已保存为草稿，请等待附议人确认后提交。"))
            return redirect("congress:proposal_detail", pk=proposal.pk)
    return render(request, "congress/proposal_create.html", {"form": form})


@login_required
def proposal_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _visible(request, pk)
    user = request.user
    state = proposal.state
    cosigners = list(proposal.cosigners.select_related("delegate").order_by("id"))
    assignments = list(proposal.assignments.select_related("department"))
    my_assignment = next((a for a in assignments if a.department_id == user.pk and a.active), None)
    my_cosign = next((c for c in cosigners if c.delegate.user_id == user.pk), None)
    is_proposer = proposal.proposer_user_id == user.pk
    may_change = can(user, "change", proposal)
    context = {
        "proposal": proposal,
        "cosigners": cosigners,
        "confirmed": sum(1 for c in cosigners if c.confirmed_at),
        "required": proposal.session.term.cosigners_required,
        "assignments": assignments,
        "answers": list(proposal.answers.select_related("assignment__department", "answered_by")),
        "ratings": list(proposal.ratings.all()),
        "may_confirm": my_cosign is not None
        and my_cosign.confirmed_at is None
        and state == ProposalState.DRAFT,
        "may_submit": is_proposer and state == ProposalState.DRAFT,
        "review_form": (
            ReviewForm(targets=queries.merge_targets(proposal))
            if may_change and state == ProposalState.SUBMITTED
            else None
        ),
        "assign_form": (
            AssignForm(departments=queries.department_users(proposal))
            if may_change and state in (ProposalState.REGISTERED, ProposalState.ASSIGNED)
            else None
        ),
        "answer_form": (
            AnswerForm()
            if my_assignment and state == ProposalState.ASSIGNED and my_assignment.answered_at is None
            else None
        ),
        "reassign_form": (
            ReassignRequestForm() if my_assignment and state == ProposalState.ASSIGNED else None
        ),
        "may_publish": may_change and state != ProposalState.DRAFT,
        "rate_form": RateForm() if is_proposer and state == ProposalState.ANSWERED else None,
        "implement_form": (
            ImplementForm(initial={"status": proposal.implementation, "note": proposal.implementation_note})
            if may_change and state in (ProposalState.RATED, ProposalState.IMPLEMENTING)
            else None
        ),
    }
    return render(request, "congress/proposal_detail.html", context)


@login_required
def proposal_print(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _visible(request, pk)
    context = {
        "proposal": proposal,
        "cosigners": list(proposal.cosigners.select_related("delegate").order_by("id")),
        "assignments": list(proposal.assignments.filter(active=True).select_related("department")),
        "answers": list(proposal.answers.select_related("assignment__department")),
        "printed_on": timezone.localdate(),
    }
    return render(request, "congress/proposal_print.html", context)


@login_required
def proposal_overdue(request: AuthedRequest) -> HttpResponse:
    require_roles(request.user, PROPOSAL_OFFICER_ROLES, request=request, what="congress.proposal")
    today = timezone.localdate()
    rows = list(queries.overdue_proposals(request.user, today=today)[:500])
    for row in rows:
        row.days_overdue = (today - row.deadline).days if row.deadline else 0  # type: ignore[attr-defined]
    return render(request, "congress/proposal_overdue.html", {"rows": rows, "today": today})


# --- lifecycle actions: each its own POST URL ------------------------------------------------


def _done(
    request: AuthedRequest, proposal: Proposal, step: Callable[[], object], success: str
) -> HttpResponse:
    return attempt(request, step, success, "congress:proposal_detail", pk=proposal.pk)


def _invalid(request: AuthedRequest, proposal: Proposal, form: object) -> HttpResponse:
    messages.error(request, first_error(form))  # type: ignore[arg-type]
    return redirect("congress:proposal_detail", pk=proposal.pk)


@login_required
@require_POST
def proposal_confirm(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _visible(request, pk)
    cosigner = proposal.cosigners.filter(delegate__user=request.user).select_related("delegate").first()

    def step() -> object:
        if cosigner is None:
            raise DomainError(_("您不是该提案的附议人。"))
        return services.cosigner_confirm(actor=request.user, proposal=proposal, delegate=cosigner.delegate)

    return _done(request, proposal, step, _("已确认附议。"))


@login_required
@require_POST
def proposal_submit(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _visible(request, pk)

    def step() -> object:
        # The service does not check who submits: only the proposer may.
        if proposal.proposer_user_id != request.user.pk:
            raise DomainError(_("只有提案人可以提交提案。"))
        return services.proposal_submit(actor=request.user, proposal=proposal)

    return _done(request, proposal, step, _("提案已提交，等待提案工作委员会审查。"))


@login_required
@require_POST
def proposal_review(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _changeable(request, pk)
    form = ReviewForm(request.POST, targets=queries.merge_targets(proposal))
    if not form.is_valid():
        return _invalid(request, proposal, form)
    data = form.cleaned_data
    return _done(
        request,
        proposal,
        lambda: services.proposal_review(
            actor=request.user,
            proposal=proposal,
            decision=data["decision"],
            note=data["note"],
            merge_into=data["merge_into"],
        ),
        _("已审查：%(d)s。") % {"d": ProposalState(data["decision"]).label},
    )


@login_required
@require_POST
def proposal_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _changeable(request, pk)
    form = AssignForm(request.POST, departments=queries.department_users(proposal))
    if not form.is_valid():
        return _invalid(request, proposal, form)
    data = form.cleaned_data
    return _done(
        request,
        proposal,
        lambda: services.proposal_assign(
            actor=request.user, proposal=proposal, departments=data["departments"], deadline=data["deadline"]
        ),
        _("已交办承办部门。"),
    )


@login_required
@require_POST
def proposal_answer(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _visible(request, pk)
    form = AnswerForm(request.POST, request.FILES)
    if not form.is_valid():
        return _invalid(request, proposal, form)
    data = form.cleaned_data
    return _done(
        request,
        proposal,
        lambda: services.proposal_answer(
            actor=request.user, proposal=proposal, body=data["body"], attachment=data["attachment"]
        ),
        _("已答复。"),
    )


@login_required
@require_POST
def proposal_reassign(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _visible(request, pk)
    form = ReassignRequestForm(request.POST)
    if not form.is_valid():
        return _invalid(request, proposal, form)
    return _done(
        request,
        proposal,
        lambda: services.proposal_request_reassign(
            actor=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
        ),
        _("已申请改派，等待提案工作委员会重新交办。"),
    )


@login_required
@require_POST
def proposal_rate(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _visible(request, pk)
    form = RateForm(request.POST)
    if not form.is_valid():
        return _invalid(request, proposal, form)
    data = form.cleaned_data
    return _done(
        request,
        proposal,
        lambda: services.proposal_rate(
            actor=request.user, proposal=proposal, rating=data["rating"], comment=data["comment"]
        ),
        _("已评价。"),
    )


@login_required
@require_POST
def proposal_implement(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _changeable(request, pk)
    form = ImplementForm(request.POST)
    if not form.is_valid():
        return _invalid(request, proposal, form)
    data = form.cleaned_data
    return _done(
        request,
        proposal,
        lambda: services.proposal_implement(
            actor=request.user, proposal=proposal, status=data["status"], note=data["note"]
        ),
        _("已登记落实情况。"),
    )


@login_required
@require_POST
def proposal_publish(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = _changeable(request, pk)
    publish = request.POST.get("published") == "1"
    return _done(
        request,
        proposal,
        lambda: services.proposal_publish(actor=request.user, proposal=proposal, published=publish),
        _("已向代表公开。") if publish else _("已取消公开。"),
    )


urlpatterns: list[URLPattern] = [
    path("proposals/", proposal_list, name="proposals"),
    path("proposals/new/", proposal_create, name="proposal_create"),
    path("proposals/overdue/", proposal_overdue, name="proposal_overdue"),
    path("proposals/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/form/", proposal_print, name="proposal_print"),
    path("proposals/<int:pk>/confirm/", proposal_confirm, name="proposal_confirm"),
    path("proposals/<int:pk>/submit/", proposal_submit, name="proposal_submit"),
    path("proposals/<int:pk>/review/", proposal_review, name="proposal_review"),
    path("proposals/<int:pk>/assign/", proposal_assign, name="proposal_assign"),
    path("proposals/<int:pk>/answer/", proposal_answer, name="proposal_answer"),
    path("proposals/<int:pk>/reassign/", proposal_reassign, name="proposal_reassign"),
    path("proposals/<int:pk>/rate/", proposal_rate, name="proposal_rate"),
    path("proposals/<int:pk>/implement/", proposal_implement, name="proposal_implement"),
    path("proposals/<int:pk>/publish/", proposal_publish, name="proposal_publish"),
]
