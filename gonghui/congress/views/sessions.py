"""Congress sessions: status, attendance and quorum, agenda with show-of-hands and named votes,
the resolution and proposal-report DOCX.

Thin, like every view here: objects come through core.access, writes through congress.services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import can, deny, get_from, in_scope, require_roles, visible
from gonghui.core.drilldown import Drilldown
from gonghui.core.enums import OFFICER_ROLES
from gonghui.core.errors import DomainError
from gonghui.core.params import int_param
from gonghui.core.views.base import AuthedRequest, page_of, render_page
from gonghui.core.views.exports import start_export

from .. import services, session_queries
from ..enums import ItemResult, SessionStatus, VoteChoice
from ..exports import PROPOSAL_REPORT, RESOLUTION, officer_session, proposal_report_name, resolution_name
from ..models import (
    CONGRESS_VIEW_ROLES,
    AgendaItem,
    CongressSession,
    Delegate,
)
from ..proposal_forms import first_error
from ..session_forms import (
    ItemForm,
    NamedVoteCloseForm,
    PartyApprovalForm,
    ResultForm,
    ReviseForm,
    VoteForm,
)

# --- session list (the records behind 召开教(职)代会) ----------------------------------------

SESSION_PAGE_SIZE = 50


@login_required
def session_list(request: AuthedRequest) -> HttpResponse:
    """Sessions the user may see, newest first; `?held=1` leaves out those still in preparation
    (what the figure counts), `?union=&from=&to=` narrows to a figure's union and period."""
    require_roles(request.user, CONGRESS_VIEW_ROLES, request=request, what="congress.congresssession")
    drill = Drilldown.from_request(request, roles=CONGRESS_VIEW_ROLES)
    sessions = visible(CongressSession.objects.all(), request.user)
    if request.GET.get("held") == "1":
        sessions = sessions.exclude(status=SessionStatus.PREPARING)
    sessions = drill.narrow(sessions, org_field="org", date_field="date")
    context = {
        **page_of(
            request, sessions.select_related("org", "term").order_by("-date", "-id"), SESSION_PAGE_SIZE
        ),
        # One COUNT, only when a figure sent the user here.
        "drill": drill.banner(request, sessions.count()) if drill.active else None,
    }
    return render_page(request, "congress/session_list.html", context)


# --- session detail ---------------------------------------------------------------------------


def _named_votes(items: list[AgendaItem], mine: Delegate | None) -> None:
    """Attach `tally` (session_queries.Tally) and `my_vote` (a VoteChoice or None) to each item;
    two queries at most."""
    open_ids = [item.pk for item in items if item.named_vote_open]
    found = session_queries.tallies(open_ids)
    mine_by_item = session_queries.votes_of(open_ids, mine)
    for item in items:
        item.tally = found.get(item.pk, session_queries.Tally())  # type: ignore[attr-defined]
        choice = mine_by_item.get(item.pk)
        item.my_vote = VoteChoice(choice) if choice else None  # type: ignore[attr-defined]


def _session(request: AuthedRequest, pk: int, action: str = "view") -> CongressSession:
    sessions = visible(CongressSession.objects.select_related("term", "org"), request.user, action)
    return get_from(sessions, request.user, request=request, pk=pk)


def _session_context(request: AuthedRequest, session: CongressSession) -> dict[str, Any]:
    term = session.term
    delegates = list(term.delegates.filter(active=True).select_related("delegation").order_by("name", "id"))
    attendance = {a.delegate_id: a for a in session.attendances.all()}
    may_change = can(request.user, "change", session)
    mine = next((d for d in delegates if d.user_id == request.user.pk), None)
    items = list(session.items.select_related("revision_of").order_by("order", "id"))
    _named_votes(items, mine)
    return {
        "session": session,
        "term": term,
        "delegates": delegates,
        "attendance": attendance,
        "rows": [(d, attendance.get(d.pk)) for d in delegates],
        "composition": session_queries.composition(term, delegates),
        # The figures congress.facts.session_facts gives, from the rows this page lists anyway.
        "quorum": session_queries.quorum(term, total=len(delegates), present=len(attendance)),
        "may_change": may_change,
        "is_officer": in_scope(request.user, session.org, OFFICER_ROLES),
        "mine": mine,
        "mine_present": mine is not None and mine.pk in attendance,
        "items": items,
        "open": session.status == SessionStatus.IN_SESSION,
        "closed": session.status == SessionStatus.CLOSED,
        "approval_form": PartyApprovalForm(initial={"on": timezone.localdate()}),
        "item_form": ItemForm(initial={"order": len(items) + 1}),
        "result_form": ResultForm(),
        "ItemResult": ItemResult,
        "SessionStatus": SessionStatus,
        "VoteChoice": VoteChoice,
    }


@login_required
def session_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The session page; over HTMX the attendance fragment, or the agenda with ?part=agenda."""
    session = _session(request, pk)
    partial = "agenda" if request.GET.get("part") == "agenda" else "attendance"
    return render_page(
        request, "congress/session_detail.html", _session_context(request, session), partial=partial
    )


def _back(session: CongressSession) -> HttpResponse:
    return redirect("congress:session_detail", pk=session.pk)


@login_required
@require_POST
def session_approve(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, "change")
    form = PartyApprovalForm(request.POST)
    if form.is_valid():
        services.session_record_party_approval(
            actor=request.user, session=session, on=form.cleaned_data["on"], note=form.cleaned_data["note"]
        )
        messages.success(request, _("已登记党支部审批。"))
    else:
        messages.error(request, _("请填写审批日期。"))
    return _back(session)


@login_required
@require_POST
def session_state(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, "change")
    to = request.POST.get("to", "")
    if to not in SessionStatus.values:
        messages.error(request, _("无法识别的会议状态。"))
        return _back(session)
    try:
        session = services.session_set_state(actor=request.user, session=session, to=to)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("会议状态已改为“%(s)s”。") % {"s": session.get_status_display()})
    return _back(session)


@login_required
@require_POST
def session_check_in(request: AuthedRequest, pk: int) -> HttpResponse:
    """The clerk checks in any delegate; a delegate checks in only themselves."""
    session = _session(request, pk)
    raw = request.POST.get("delegate", "")
    delegate_id = int_param(raw)
    delegates = session.term.delegates.filter(active=True)
    if can(request.user, "change", session):
        delegate = delegates.filter(pk=delegate_id).first() if delegate_id is not None else None
    else:
        delegate = delegates.filter(user_id=request.user.pk).first()
        if delegate is None or (raw and raw != str(delegate.pk)):
            deny(request.user, request=request, what=f"congress.delegate:{raw}", action="check_in")
    if delegate is None:
        messages.error(request, _("请选择要签到的代表。"))
    else:
        try:
            created = services.session_check_in(
                actor=request.user,
                session=session,
                delegate=delegate,
                by_self=delegate.user_id == request.user.pk,
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            if not request.htmx:
                text = _("%(name)s已签到。") if created else _("%(name)s此前已签到。")
                messages.success(request, text % {"name": delegate.name})
    if request.htmx:
        context = _session_context(request, session)
        return render_page(request, "congress/session_detail.html", context, partial="attendance")
    return _back(session)


@login_required
@require_POST
def item_create(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _session(request, pk, "change")
    form = ItemForm(request.POST, request.FILES)
    if session.status == SessionStatus.CLOSED:
        messages.error(request, _("会议已闭会，不能再增加议题。"))
    elif form.is_valid():
        try:
            services.item_create(
                actor=request.user,
                session=session,
                title=form.cleaned_data["title"],
                order=form.cleaned_data["order"],
                document=form.cleaned_data["document"],
            )
        except DomainError as error:
            messages.error(request, str(error))
            return _back(session)
        messages.success(request, _("已增加议题。"))
    elif "document" in form.errors:
        messages.error(request, str(form.errors["document"][0]))
    else:
        messages.error(request, _("请填写议题名称和序号。"))
    return _back(session)


def _item(request: AuthedRequest, pk: int, action: str = "change") -> AgendaItem:
    sessions = visible(CongressSession.objects.all(), request.user, action)
    queryset = AgendaItem.objects.filter(session__in=sessions).select_related("session")
    return get_from(queryset, request.user, request=request, pk=pk)


@login_required
@require_POST
def item_result(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            item = services.item_record_result(actor=request.user, item=item, **form.cleaned_data)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已登记表决结果：%(r)s。") % {"r": item.get_result_display()})
    else:
        messages.error(request, _("请填写赞成、反对、弃权票数。"))
    return _back(item.session)


@login_required
@require_POST
def item_revise(request: AuthedRequest, pk: int) -> HttpResponse:
    item = _item(request, pk)
    form = ReviseForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(item.session)
    try:
        services.item_revise(actor=request.user, item=item, title=form.cleaned_data["title"] or None,
                             document=form.cleaned_data["document"])  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已提交修改后的议题，待再次表决。"))
    return _back(item.session)


# --- named votes (记名表决) ----------------------------------------------------------------------


@login_required
@require_POST
def item_vote_open(request: AuthedRequest, pk: int) -> HttpResponse:
    """The clerk opens a named vote on an item; present delegates then vote on their phones."""
    item = _item(request, pk)
    try:
        services.item_open_named_vote(actor=request.user, item=item)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("记名表决已开始，请到会代表在手机上表决。"))
    return _back(item.session)


@login_required
@require_POST
def item_vote_close(request: AuthedRequest, pk: int) -> HttpResponse:
    """The clerk closes the named vote; the result is counted from the votes cast."""
    item = _item(request, pk)
    form = NamedVoteCloseForm(request.POST)
    revise = form.is_valid() and form.cleaned_data["revise"]
    try:
        item = services.item_close_named_vote(actor=request.user, item=item, revise=revise)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("记名表决已结束：%(r)s。") % {"r": item.get_result_display()})
    return _back(item.session)


@login_required
@require_POST
def item_vote(request: AuthedRequest, pk: int) -> HttpResponse:
    """A present delegate votes 赞成/反对/弃权 from the session page (once, while the vote is open)."""
    item = _item(request, pk, "view")
    form = VoteForm(request.POST)
    error = ""
    if not form.is_valid():
        error = _("请选择赞成、反对或弃权。")
    else:
        try:
            services.item_vote(actor=request.user, item=item, choice=form.cleaned_data["choice"])
        except DomainError as refused:
            error = str(refused)
    if request.htmx:
        context = {**_session_context(request, item.session), "vote_error": error, "vote_item": item.pk}
        return render_page(request, "congress/session_detail.html", context, partial="agenda")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("您的表决意见已提交。"))
    return _back(item.session)


# --- documents --------------------------------------------------------------------------------


def _officer_session(request: AuthedRequest, pk: int) -> CongressSession:
    return officer_session(request.user, pk, request=request)


@login_required
def session_resolution(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _officer_session(request, pk)
    return start_export(request, kind=RESOLUTION, org=session.org, params={"pk": session.pk},
                        title=resolution_name(session))  # fmt: skip


@login_required
def session_proposal_report(request: AuthedRequest, pk: int) -> HttpResponse:
    session = _officer_session(request, pk)
    return start_export(request, kind=PROPOSAL_REPORT, org=session.org, params={"pk": session.pk},
                        title=proposal_report_name(session))  # fmt: skip


urlpatterns: list[URLPattern] = [
    path("sessions/", session_list, name="sessions"),
    path("sessions/<int:pk>/", session_detail, name="session_detail"),
    path("sessions/<int:pk>/approve/", session_approve, name="session_approve"),
    path("sessions/<int:pk>/state/", session_state, name="session_state"),
    path("sessions/<int:pk>/check-in/", session_check_in, name="session_check_in"),
    path("sessions/<int:pk>/items/", item_create, name="session_item_create"),
    path("sessions/<int:pk>/resolution.docx", session_resolution, name="session_resolution"),
    path("sessions/<int:pk>/proposal-report.docx", session_proposal_report, name="session_proposal_report"),
    path("agenda/<int:pk>/result/", item_result, name="session_item_result"),
    path("agenda/<int:pk>/revise/", item_revise, name="session_item_revise"),
    path("agenda/<int:pk>/named-vote/open/", item_vote_open, name="session_item_vote_open"),
    path("agenda/<int:pk>/named-vote/close/", item_vote_close, name="session_item_vote_close"),
    path("agenda/<int:pk>/vote/", item_vote, name="session_item_vote"),
]
