"""Congress views: home, sessions (status, attendance and quorum, agenda with show-of-hands and
named votes), delegates and delegations (代表团/组) of a term, term settings, DOCX.

Thin, like every view here: objects come through core.access, writes through congress.services.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import can, deny, get_for_user, get_from, in_scope, require_roles, visible
from gonghui.core.drilldown import Drilldown
from gonghui.core.enums import GRASSROOTS_KINDS, OFFICER_ROLES, OrgStatus, Role
from gonghui.core.errors import DomainError
from gonghui.core.facts import Fact, Period, percent
from gonghui.core.models import Org
from gonghui.core.params import int_param
from gonghui.core.views.base import AuthedRequest, current_scope, page_of, render_page
from gonghui.core.views.exports import start_export
from gonghui.members.queries import members_in

from .. import services
from ..enums import ADOPTED_STATES, REGISTERED_STATES, ItemResult, ProposalState, SessionStatus, VoteChoice
from ..exports import PROPOSAL_REPORT, RESOLUTION, officer_session, proposal_report_name, resolution_name
from ..facts import year_facts
from ..models import (
    CONGRESS_CHANGE_ROLES,
    CONGRESS_VIEW_ROLES,
    AgendaItem,
    AgendaVote,
    CongressSession,
    CongressTerm,
    Delegate,
    Delegation,
    Proposal,
    Suggestion,
)
from ..session_forms import (
    AssignDelegationForm,
    DelegationForm,
    DelegationUpdateForm,
    ElectForm,
    ItemForm,
    NamedVoteCloseForm,
    PartyApprovalForm,
    ResultForm,
    ReviseForm,
    SessionForm,
    TermForm,
    TermSettingsForm,
    VoteForm,
)

# --- home -------------------------------------------------------------------------------------


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    scope = current_scope(request)
    if scope is not None and scope.role == Role.SUPERIOR_ADMIN:
        return _superior_home(request, scope)
    require_roles(request.user, CONGRESS_VIEW_ROLES, request=request, what="congress.congressterm")
    union = None
    if scope is not None:
        union = Org.objects.filter(pk=scope.org_id, kind__in=GRASSROOTS_KINDS).first()
    terms = CongressTerm.objects.none()
    if union is not None:
        terms = visible(CongressTerm.objects.filter(org=union), request.user).prefetch_related(
            Prefetch("sessions", queryset=CongressSession.objects.order_by("number"))
        )
    may_change = union is not None and in_scope(request.user, union, CONGRESS_CHANGE_ROLES)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    term_form = TermForm(posted if which == "term" else None, prefix="term")
    session_form = SessionForm(posted if which == "session" else None, terms=terms, prefix="session")
    if posted is not None:
        if not may_change or union is None:
            require_roles(request.user, frozenset(), request=request, what="congress.term")  # 403, audited
            raise PermissionDenied
        try:
            if which == "term" and term_form.is_valid():
                data = dict(term_form.cleaned_data)
                number, start = data.pop("number"), data.pop("start")
                term = services.term_create(actor=request.user, org=union, number=number, start=start, **data)
                messages.success(request, _("已建立%(term)s。") % {"term": term})
                return redirect("congress:home")
            if which == "session" and session_form.is_valid():
                data = session_form.cleaned_data
                session = services.session_create(
                    actor=request.user, term=data["term"], date=data["date"], place=data["place"]
                )
                messages.success(request, _("已建立%(session)s。") % {"session": session})
                return redirect("congress:session_detail", pk=session.pk)
        except DomainError as error:
            (term_form if which == "term" else session_form).add_error(None, str(error))
    context = {
        "union": union,
        "terms": terms,
        "may_change": may_change,
        # The delegate roll (代表) is an officers' page: members and delegates are not linked to it.
        "is_officer": union is not None and in_scope(request.user, union, OFFICER_ROLES),
        "term_form": term_form,
        "session_form": session_form,
    }
    return render_page(request, "congress/home.html", context)


@dataclass
class UnionRow:
    union: Org
    sessions: int = 0
    proposals: int = 0
    registered: int = 0
    suggestions: int = 0
    adopted: int = 0

    @property
    def held(self) -> bool:
        return self.sessions > 0


def _union_rows(org: Org, period: Period) -> list[UnionRow]:
    """One row per grassroots union of the subtree, from a fixed number of grouped queries."""
    unions = Org.objects.filter(
        path__under=org.path, kind__in=GRASSROOTS_KINDS, status=OrgStatus.ACTIVE
    ).order_by("path")
    rows = {union.path: UnionRow(union) for union in unions}

    def row_of(path: str) -> UnionRow | None:
        # A union group (工会小组) counts for its union: walk up the materialised path.
        parts = path.strip("/").split("/")
        for end in range(len(parts), 0, -1):
            row = rows.get("/" + "/".join(parts[:end]) + "/")
            if row is not None:
                return row
        return None

    dates = {"date__gte": period.start, "date__lte": period.end}
    sessions = (
        CongressSession.objects.filter(org__path__under=org.path, **dates)
        .exclude(status=SessionStatus.PREPARING)
        .values("org__path")
        .annotate(n=Count("pk"))
    )
    for entry in sessions:
        if (row := row_of(entry["org__path"])) is not None:
            row.sessions += entry["n"]
    proposals = (
        Proposal.objects.filter(
            org__path__under=org.path, session__date__gte=period.start, session__date__lte=period.end
        )
        .exclude(state=ProposalState.DRAFT)
        .values("org__path")
        .annotate(n=Count("pk"), registered=Count("pk", filter=Q(state__in=REGISTERED_STATES)))
    )
    for entry in proposals:
        if (row := row_of(entry["org__path"])) is not None:
            row.proposals += entry["n"]
            row.registered += entry["registered"]
    suggestions = (
        Suggestion.objects.filter(
            org__path__under=org.path,
            # By the day put forward, as congress.facts counts them.
            submitted_on__gte=period.start,
            submitted_on__lte=period.end,
        )
        .values("org__path")
        .annotate(n=Count("pk"), adopted=Count("pk", filter=Q(state__in=ADOPTED_STATES)))
    )
    for entry in suggestions:
        if (row := row_of(entry["org__path"])) is not None:
            row.suggestions += entry["n"]
            row.adopted += entry["adopted"]
    return list(rows.values())


def _facts_by_key(facts: list[Fact]) -> dict[str, Fact]:
    return {fact.key.removeprefix("congress."): fact for fact in facts}


def _superior_home(request: AuthedRequest, scope: Any) -> HttpResponse:
    org = Org.objects.get(pk=scope.org_id)
    today = timezone.localdate()
    year = int_param(request.GET.get("year"), minimum=2000, maximum=today.year + 1) or today.year
    period = Period.calendar_year(year)
    rows = _union_rows(org, period)
    drill: dict[str, Any] | None = None
    union_id = int_param(request.GET.get("union"))
    if union_id is not None:
        chosen = next((row for row in rows if row.union.pk == union_id), None)
        if chosen is not None:
            drill = {"row": chosen, "facts": year_facts(chosen.union, period, subtree=True)}
    facts = year_facts(org, period, subtree=True)
    held = sum(row.held for row in rows)
    context = {
        "org": org,
        "year": year,
        "years": list(range(today.year, today.year - 5, -1)),
        "rows": rows,
        "held": held,
        "not_held": len(rows) - held,
        "held_rate": percent(held, len(rows)),
        "facts": facts,
        "fact": _facts_by_key(facts),
        "drill": drill,
        "drill_fact": _facts_by_key(drill["facts"]) if drill else {},
    }
    return render_page(request, "congress/home.html", {"superior": True, **context})


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


@dataclass
class CompositionRow:
    label: str
    count: int
    rate: float | None
    quota: int

    @property
    def below_quota(self) -> bool:
        return bool(self.quota) and (self.rate or 0) < self.quota


def composition(term: CongressTerm, delegates: list[Delegate]) -> list[CompositionRow]:
    total = len(delegates)

    def row(label: str, flag: str, quota: int = 0) -> CompositionRow:
        count = sum(1 for d in delegates if getattr(d, flag))
        return CompositionRow(label, count, percent(count, total), quota)

    return [
        row(_("女代表"), "is_woman", term.quota_women),
        row(_("一线教职工"), "is_frontline", term.quota_frontline),
        row(_("领导干部"), "is_leader"),
        row(_("青年代表"), "is_young", term.quota_young),
        row(_("党员"), "is_party"),
    ]


@dataclass
class Quorum:
    total: int
    present: int
    numerator: int
    denominator: int

    @property
    def needed(self) -> int:
        return -(-self.total * self.numerator // self.denominator)

    @property
    def reached(self) -> bool:
        return self.total > 0 and self.present * self.denominator >= self.total * self.numerator


@dataclass
class Tally:
    """The votes cast so far in an open named vote (记名表决)."""

    votes_for: int = 0
    votes_against: int = 0
    votes_abstain: int = 0

    @property
    def total(self) -> int:
        return self.votes_for + self.votes_against + self.votes_abstain


def _named_votes(items: list[AgendaItem], mine: Delegate | None) -> None:
    """Attach `tally` and `my_vote` (a VoteChoice or None) to each item; two queries at most."""
    open_ids = [item.pk for item in items if item.named_vote_open]
    tallies: dict[int, Tally] = defaultdict(Tally)
    mine_by_item: dict[int, str] = {}
    if open_ids:
        counts = (
            AgendaVote.objects.filter(item_id__in=open_ids)
            .order_by()
            .values_list("item_id", "choice")
            .annotate(n=Count("pk"))
        )
        for item_id, choice, n in counts:
            setattr(tallies[item_id], f"votes_{choice}", n)
        if mine is not None:
            mine_by_item = dict(
                AgendaVote.objects.filter(item_id__in=open_ids, delegate=mine).values_list(
                    "item_id", "choice"
                )
            )
    for item in items:
        item.tally = tallies.get(item.pk, Tally())  # type: ignore[attr-defined]
        choice = mine_by_item.get(item.pk)
        item.my_vote = VoteChoice(choice) if choice else None  # type: ignore[attr-defined]


def _session(request: AuthedRequest, pk: int, action: str = "view") -> CongressSession:
    queryset = CongressSession.objects.select_related("term", "org")
    return get_from(visible(queryset, request.user, action), request.user, request=request, pk=pk)


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
        "composition": composition(term, delegates),
        "quorum": Quorum(len(delegates), len(attendance), term.quorum_numerator, term.quorum_denominator),
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
        messages.error(request, _first_error(form))
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


# --- delegates of a term, delegations (代表团/组), term settings ----------------------------------


@dataclass
class DelegationRow:
    delegation: Delegation
    members: list[Delegate] = field(default_factory=list)


def _elect_form(term: CongressTerm, data: Any = None) -> ElectForm:
    active = term.delegates.filter(active=True).order_by("name", "id")
    candidates = (
        members_in(term.org)
        .filter(status="active")
        .exclude(delegateships__term=term)
        .order_by("name_pinyin", "id")
    )
    return ElectForm(data, members=candidates, delegates=active)


def _delegates_context(
    request: AuthedRequest, term: CongressTerm, *, form: ElectForm | None = None, roster_error: str = ""
) -> dict[str, Any]:
    delegates = list(
        term.delegates.select_related("delegation", "replaces").order_by("-active", "name", "id")
    )
    active = [d for d in delegates if d.active]
    by_delegation: dict[int | None, list[Delegate]] = defaultdict(list)
    for delegate in active:
        by_delegation[delegate.delegation_id].append(delegate)
    delegations = list(term.delegations.select_related("head").order_by("name", "id"))
    return {
        "term": term,
        "delegates": delegates,
        "delegations": [DelegationRow(d, by_delegation.get(d.pk, [])) for d in delegations],
        "unassigned": len(by_delegation.get(None, [])),
        "composition": composition(term, active),
        "active_count": len(active),
        "form": form if form is not None else _elect_form(term),
        "delegation_form": DelegationForm(),
        "may_change": can(request.user, "change", term),
        "roster_error": roster_error,
    }


def _officer_term(request: AuthedRequest, pk: int, action: str) -> CongressTerm:
    term = get_for_user(CongressTerm, request.user, pk, action=action, request=request)
    if not in_scope(request.user, term.org, OFFICER_ROLES):
        deny(request.user, request=request, what=f"congress.congressterm:{pk}")
    return term


@login_required
def term_delegates(request: AuthedRequest, pk: int) -> HttpResponse:
    term = _officer_term(request, pk, "change" if request.method == "POST" else "view")
    form = _elect_form(term, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            delegate = services.delegate_elect(
                actor=request.user,
                term=term,
                member=form.cleaned_data["member"],
                flags=form.flags(),
                replaces=form.cleaned_data["replaces"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s当选本届代表。") % {"name": delegate.name})
            return redirect("congress:term_delegates", pk=term.pk)
    context = _delegates_context(request, term, form=form)
    return render_page(request, "congress/session_delegates.html", context, partial="roster")


def _roster(request: AuthedRequest, term: CongressTerm, error: str, success: str) -> HttpResponse:
    """After a delegation change: the roster fragment over HTMX, else back to the page with a message."""
    if request.htmx:
        context = _delegates_context(request, term, roster_error=error)
        return render_page(request, "congress/session_delegates.html", context, partial="roster")
    if error:
        messages.error(request, error)
    else:
        messages.success(request, success)
    return redirect("congress:term_delegates", pk=term.pk)


def _first_error(form: Any) -> str:
    return str(next(iter(form.errors.values()))[0])


def _delegation(request: AuthedRequest, pk: int) -> Delegation:
    terms = visible(CongressTerm.objects.all(), request.user, "change")
    queryset = Delegation.objects.filter(term__in=terms).select_related("term__org")
    return get_from(queryset, request.user, request=request, pk=pk)


@login_required
@require_POST
def delegation_create(request: AuthedRequest, pk: int) -> HttpResponse:
    term = _officer_term(request, pk, "change")
    form = DelegationForm(request.POST)
    error = "" if form.is_valid() else _first_error(form)
    if not error:
        try:
            services.delegation_create(actor=request.user, term=term, name=form.cleaned_data["name"])
        except DomainError as refused:
            error = str(refused)
    return _roster(request, term, error, _("已新建代表团。"))


@login_required
@require_POST
def delegation_update(request: AuthedRequest, pk: int) -> HttpResponse:
    delegation = _delegation(request, pk)
    members = delegation.delegates.filter(active=True).order_by("name", "id")
    form = DelegationUpdateForm(request.POST, members=members)
    error = "" if form.is_valid() else _first_error(form)
    if not error:
        try:
            services.delegation_update(actor=request.user, delegation=delegation,
                                       name=form.cleaned_data["name"], head=form.cleaned_data["head"])  # fmt: skip
        except DomainError as refused:
            error = str(refused)
    return _roster(request, delegation.term, error, _("已保存代表团。"))


@login_required
@require_POST
def delegation_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    delegation = _delegation(request, pk)
    error = ""
    try:
        services.delegation_delete(actor=request.user, delegation=delegation)
    except DomainError as refused:
        error = str(refused)
    return _roster(request, delegation.term, error, _("已删除代表团。"))


@login_required
@require_POST
def delegates_assign(request: AuthedRequest, pk: int) -> HttpResponse:
    """Bulk: the ticked delegates go into the chosen delegation (or into none)."""
    term = _officer_term(request, pk, "change")
    form = AssignDelegationForm(
        request.POST, delegates=term.delegates.filter(active=True), delegations=term.delegations.all()
    )
    error = "" if form.is_valid() else _first_error(form)
    if not error:
        try:
            services.delegate_assign_delegation(actor=request.user, term=term,
                                                delegates=form.cleaned_data["delegates"],
                                                delegation=form.cleaned_data["delegation"])  # fmt: skip
        except DomainError as refused:
            error = str(refused)
    return _roster(request, term, error, _("已调整代表所在代表团。"))


@login_required
def term_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    """The chair sets the term's 附议人数, quorum and composition quotas (代表构成比例)."""
    term = _officer_term(request, pk, "change")
    form = TermSettingsForm(request.POST or None, instance=term)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in TermSettingsForm.Meta.fields}
        try:
            services.term_update(actor=request.user, term=term, **fields)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存本届设置。"))
            return redirect("congress:term_delegates", pk=term.pk)
    return render_page(request, "congress/term_settings.html", {"term": term, "form": form})


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
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
    path("terms/<int:pk>/delegates/", term_delegates, name="term_delegates"),
    path("terms/<int:pk>/delegates/assign/", delegates_assign, name="term_delegates_assign"),
    path("terms/<int:pk>/delegations/", delegation_create, name="term_delegation_create"),
    path("terms/<int:pk>/settings/", term_settings, name="term_settings"),
    path("delegations/<int:pk>/", delegation_update, name="delegation_update"),
    path("delegations/<int:pk>/delete/", delegation_delete, name="delegation_delete"),
]
