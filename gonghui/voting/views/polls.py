"""Chair pages: the poll list, create/edit, options (candidates, people evaluated, nominees),
evaluation settings, electorate, lifecycle, paper codes and paper totals, live turnout.

Thin views: a poll comes only through core.access (`get_for_user`) or `queries.public_polls`
(`get_from`), so another union's poll is a 404; every write is a service call, and a refused
step (DomainError) is shown to the user as is.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core.access import can, get_for_user, in_scope, require_roles, visible
from gonghui.core.drilldown import Drilldown
from gonghui.core.enums import GRASSROOTS_KINDS, Role
from gonghui.core.errors import DomainError
from gonghui.core.models import Org
from gonghui.core.params import int_list, int_param
from gonghui.core.views.base import AuthedRequest, current_scope, render_page
from gonghui.members.models import Member

from .. import queries, services
from ..enums import Eligibility, PollKind, PollState, ScaleKind
from ..forms import (
    CloseForm,
    DimensionsForm,
    ElectorateForm,
    KindForm,
    OptionForm,
    PaperBatchForm,
    PollForm,
    RaterGroupForm,
)
from ..models import VOTING_CHANGE_ROLES, VOTING_VIEW_ROLES, Poll, Voter

LIST_LIMIT = 100


def _current_union(request: AuthedRequest) -> Org | None:
    scope = current_scope(request)
    if scope is None:
        return None
    return request.access.scoped(
        Org.objects.filter(pk=scope.org_id, kind__in=GRASSROOTS_KINDS), Role.values, path_lookup="path"
    ).first()


def _managed(request: AuthedRequest, pk: int) -> Poll:
    return get_for_user(Poll, request.user, pk, action="change", request=request)


def _seen(request: AuthedRequest, pk: int) -> Poll:
    return get_for_user(Poll, request.user, pk, request=request)


# --- list -------------------------------------------------------------------------------------


def may_drill(user: Any, org: Org | None) -> bool:
    """Only officers see a union's polls on this page: the drill-down gate (403 for anyone else),
    also the dashboard's link guard."""
    return org is not None and in_scope(user, org, VOTING_VIEW_ROLES)


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """Officers: the polls of their unions. Everyone: my open polls, award selections taking
    nominations (自荐/推荐), and released results."""
    user = request.user
    is_officer = request.access.holds(VOTING_VIEW_ROLES)
    drill = Drilldown.from_request(request)  # the guard registered for this page applies
    polls = []
    count = 0
    if is_officer:
        # A figure's link: its union, the period its polls were held in, and the state and kind
        # counted (voting.facts counts released polls by held_on).
        officer = drill.narrow(queries.officer_polls(user), date_field="held_on")
        state, kind = request.GET.get("state", ""), request.GET.get("kind", "")
        if state in PollState.values:
            officer = officer.filter(state=state)
        if kind in PollKind.values:
            officer = officer.filter(kind=kind)
        polls = list(
            officer.select_related("org")
            .annotate(voters_n=Count("voters", distinct=True))
            .order_by("-created_at", "-id")[:LIST_LIMIT]
        )
        # One COUNT, only when a figure sent the user here (the list shows at most LIST_LIMIT).
        count = officer.count() if drill.active else len(polls)
    released = list(
        queries.public_polls(user)
        .filter(state=PollState.RELEASED)
        .select_related("org")
        .order_by("-released_at", "-id")[:20]
    )
    nominating = list(
        queries.open_nominations(user).select_related("org").order_by("-created_at", "-id")[:20]
    )
    union = _current_union(request)
    context = {
        "polls": polls,
        "nominating": nominating,
        "is_officer": is_officer,
        "mine": queries.my_open_polls(user),
        "released": released,
        "may_create": union is not None and in_scope(user, union, VOTING_CHANGE_ROLES),
        "union": union,
        "kinds": PollKind.choices,
        "drill": drill.banner(request, count) if drill.active else None,
    }
    return render_page(request, "voting/home.html", context)


# --- create / edit ----------------------------------------------------------------------------


@login_required
def poll_create(request: AuthedRequest) -> HttpResponse:
    union = _current_union(request)
    if union is None or not in_scope(request.user, union, VOTING_CHANGE_ROLES):
        require_roles(request.user, frozenset(), request=request, what="voting.poll")  # 403, audited
        raise PermissionDenied
    kind_form = KindForm(request.GET or request.POST or None)
    kind = (
        str(kind_form.cleaned_data["kind"])
        if kind_form.is_bound and kind_form.is_valid()
        else PollKind.ELECTION
    )
    form = PollForm(request.POST or None, kind=str(kind), prefix="poll")
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v is not None and k != "title"}
        try:
            poll = services.poll_create(actor=request.user, org=union, kind=str(kind),
                                        title=form.cleaned_data["title"], **data)  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, _("已建立“%(title)s”，请添加候选人/选项和选民名单。") % {"title": poll.title}
            )
            return redirect("voting:poll_detail", pk=poll.pk)
    return render(request, "voting/poll_form.html",
                  {"form": form, "kind": kind, "kind_label": PollKind(kind).label, "union": union, "poll": None})  # fmt: skip


@login_required
def poll_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _managed(request, pk)
    form = PollForm(request.POST or None, instance=poll, kind=poll.kind, prefix="poll")
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.fields if name in services.POLL_SETTINGS}
        poll.refresh_from_db()
        try:
            services.poll_update(actor=request.user, poll=poll, **fields)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("已保存。"))
            return redirect("voting:poll_detail", pk=poll.pk)
    return render(request, "voting/poll_form.html",
                  {"form": form, "kind": poll.kind, "kind_label": poll.get_kind_display(), "poll": poll})  # fmt: skip


# --- detail: options, settings, state, turnout ------------------------------------------------


def _member_choices(poll: Poll) -> list[tuple[int, str]]:
    return list(
        queries.union_members(poll.org).order_by("name_pinyin", "pk").values_list("pk", "name")[:2000]
    )


@login_required
def poll_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _seen(request, pk)
    may_change = can(request.user, "change", poll)
    turnout = services.turnout(poll)
    if getattr(request, "htmx", False) and request.GET.get("part") == "turnout":
        return render_page(
            request, "voting/poll_detail.html", {"poll": poll, "turnout": turnout}, partial="turnout"
        )
    draft = poll.state == PollState.DRAFT
    context = {
        "poll": poll,
        "turnout": turnout,
        "may_change": may_change,
        "draft": draft,
        "options": list(poll.options.select_related("member")),
        "dimensions": list(poll.dimensions.all()),
        "rater_groups": list(poll.rater_groups.annotate(n=Count("voters"))),
        "option_form": OptionForm(members=_member_choices(poll)) if may_change and draft else None,
        "dimensions_form": DimensionsForm(
            initial={"dimensions": "\n".join(f"{d.name}:{d.max_score}" for d in poll.dimensions.all())}
        )
        if may_change and draft
        else None,
        "group_form": RaterGroupForm() if may_change and draft else None,
        "required": services.required_candidates(poll) if poll.kind == PollKind.ELECTION else None,
        "PollState": PollState,
        "Eligibility": Eligibility,
        "ScaleKind": ScaleKind,
        "paper_codes": poll.paper_codes.count(),
        "close_form": CloseForm() if may_change and poll.state == PollState.OPEN else None,
    }
    return render_page(request, "voting/poll_detail.html", context)


@login_required
@require_POST
def poll_state(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _managed(request, pk)
    to = request.POST.get("to", "")
    held_on = None
    if to == PollState.CLOSED:
        close = CloseForm(request.POST)
        if not close.is_valid():
            for errors in close.errors.values():
                messages.error(request, " ".join(str(e) for e in errors))
            return redirect("voting:poll_detail", pk=poll.pk)
        held_on = close.cleaned_data["held_on"]
    try:
        services.poll_set_state(actor=request.user, poll=poll, to=to, held_on=held_on)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已更新投票状态。"))
    return redirect("voting:poll_detail", pk=poll.pk)


@login_required
@require_POST
def option_add(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _managed(request, pk)
    form = OptionForm(request.POST, request.FILES, members=_member_choices(poll))
    if form.is_valid():
        data = form.cleaned_data
        member = (
            # One of the union's members the form offered (`_member_choices`).
            queries.union_members(poll.org).filter(pk=data["member"]).select_related("org").first()
            if data["member"]
            else None
        )
        try:
            services.option_add(actor=request.user, poll=poll, name=data["name"], position=data["position"],
                                member=member, deeds=data["deeds"], report=data["report"])  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("已添加“%(name)s”。") % {"name": data["name"]})
    else:
        messages.error(request, _("请填写姓名或选项名称。"))
    return redirect("voting:poll_detail", pk=poll.pk)


@login_required
@require_POST
def option_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _managed(request, pk)
    option_id = int_param(request.POST.get("option"))
    option = poll.options.filter(pk=option_id).first() if option_id is not None else None
    if option is not None:
        try:
            services.option_remove(actor=request.user, option=option)
        except DomainError as error:
            messages.error(request, str(error))
    return redirect("voting:poll_detail", pk=poll.pk)


@login_required
@require_POST
def nomination_screen(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _managed(request, pk)
    option_id = int_param(request.POST.get("option"))
    option = poll.options.filter(pk=option_id).first() if option_id is not None else None
    if option is not None:
        try:
            services.nomination_screen(actor=request.user, option=option, eligible=request.POST.get("eligible") == "1",
                                       note=request.POST.get("note", ""))  # fmt: skip
        except DomainError as error:
            messages.error(request, str(error))
    return redirect("voting:poll_detail", pk=poll.pk)


@login_required
@require_POST
def evaluation_settings(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _managed(request, pk)
    try:
        if "dimensions" in request.POST:
            form = DimensionsForm(request.POST)
            if not form.is_valid():
                raise DomainError(
                    " ".join(str(e) for e in form.errors.get("dimensions", [])) or _("请填写评议项目。")
                )
            services.dimensions_set(actor=request.user, poll=poll, dimensions=form.cleaned_data["dimensions"])
        else:
            group_form = RaterGroupForm(request.POST)
            if not group_form.is_valid():
                raise DomainError(_("请填写评议人类别和权重。"))
            services.rater_group_add(actor=request.user, poll=poll, name=group_form.cleaned_data["name"],
                                     weight=group_form.cleaned_data["weight"])  # fmt: skip
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("已保存。"))
    return redirect("voting:poll_detail", pk=poll.pk)


# --- electorate -------------------------------------------------------------------------------


@login_required
def electorate(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _seen(request, pk)
    may_change = can(request.user, "change", poll) and poll.state == PollState.DRAFT
    groups = list(queries.union_groups(poll.org).values_list("pk", "name"))
    terms = [(t.pk, str(t)) for t in queries.union_terms(poll.org)]
    rater_groups = list(poll.rater_groups.values_list("pk", "name"))
    form = ElectorateForm(request.POST or None, groups=groups, terms=terms, rater_groups=rater_groups)
    if request.method == "POST":
        if not may_change:
            if not can(request.user, "change", poll):
                raise PermissionDenied
            messages.error(request, _("投票已开始，候选人、评议设置和选民名单均已冻结，不能再修改。"))
            return redirect("voting:electorate", pk=poll.pk)
        if "remove" in request.POST or "clear" in request.POST:
            _remove_voters(request, poll)
            return redirect("voting:electorate", pk=poll.pk)
        if form.is_valid():
            _add_voters(request, poll, form)
            return redirect("voting:electorate", pk=poll.pk)
    voters = list(
        Voter.objects.filter(poll=poll)
        .select_related("member", "member__org", "group")
        .order_by("member__name_pinyin", "pk")
    )
    context = {"poll": poll, "form": form, "voters": voters, "may_change": may_change}
    return render_page(request, "voting/electorate.html", context)


def _add_voters(request: AuthedRequest, poll: Poll, form: ElectorateForm) -> None:
    data = form.cleaned_data
    source = data["source"]
    unmatched: list[str] = []
    members: list[Member]
    if source == "union":
        members = list(queries.union_members(poll.org).select_related("org"))
    elif source == "group":
        group = queries.union_groups(poll.org).filter(pk=data.get("group") or 0).first()
        members = list(queries.union_members(group).select_related("org")) if group else []
    elif source == "term":
        term = queries.union_terms(poll.org).filter(pk=data.get("term") or 0).first()
        members = list(queries.delegates_of(term).select_related("org")) if term else []
    else:
        members, unmatched = queries.match_pasted(poll.org, data.get("pasted") or "")
    rater_group = poll.rater_groups.filter(pk=data.get("rater_group") or 0).first()
    try:
        added = services.electorate_add(actor=request.user, poll=poll, members=members, group=rater_group)
    except DomainError as error:
        messages.error(request, str(error))
        return
    messages.success(request, _("已加入%(n)s人。") % {"n": added})
    if unmatched:
        messages.warning(
            request, _("以下名单未找到或有重名，请核对：%(names)s") % {"names": "、".join(unmatched[:20])}
        )


def _remove_voters(request: AuthedRequest, poll: Poll) -> None:
    try:
        if "clear" in request.POST:
            services.electorate_clear(actor=request.user, poll=poll)
            return
        voter_id = int_param(request.POST.get("remove"))
        voter = Voter.objects.filter(poll=poll, pk=voter_id).first() if voter_id is not None else None
        if voter is not None:
            services.voter_remove(actor=request.user, poll=poll, voter=voter)
    except DomainError as error:
        messages.error(request, str(error))


# --- paper ------------------------------------------------------------------------------------


@login_required
def paper_codes(request: AuthedRequest, pk: int) -> HttpResponse:
    """Print one-time codes for the chosen voters (default: those without a login account). The
    codes are shown once, on this printable page, in random order; only hashes are kept."""
    poll = _managed(request, pk)
    candidates = Voter.objects.filter(poll=poll, paper=False).select_related("member")
    codes: list[str] = []
    if request.method == "POST":
        chosen = request.POST.getlist("voter")
        ids = set(int_list(chosen))
        wanted = candidates.filter(pk__in=ids) if chosen else candidates.filter(member__user__isnull=True)
        try:
            if chosen and (len(ids) != len(chosen) or wanted.count() != len(ids)):
                # An id of another poll's voter (or of nobody) is refused, never skipped silently.
                raise DomainError(_("所选人员中有不在本次投票选民名单中的，请刷新页面后重新选择。"))
            codes = [
                services.pretty_code(c)
                for c in services.paper_codes_issue(actor=request.user, poll=poll, voters=list(wanted))
            ]
        except DomainError as error:
            messages.error(request, str(error))
        if codes:
            return render(request, "voting/codes_print.html", {"poll": poll, "codes": codes})
    context = {
        "poll": poll,
        "candidates": list(candidates.order_by("member__name_pinyin", "pk")),
        "issued": Voter.objects.filter(poll=poll, paper=True).count(),
    }
    return render(request, "voting/codes.html", context)


def _census_members(request: AuthedRequest, poll: Poll) -> list[Member]:
    """The members ticked on the census form, resolved through the access helpers: only members
    the user may see, and only those in this poll's electorate. Any other id (another union's
    member, a made-up number) is refused without saying whom it names."""
    raw = request.POST.getlist("member")
    ids = set(int_list(raw))
    electorate = Voter.objects.filter(poll=poll).values("member_id")
    members = list(visible(Member.objects.filter(pk__in=ids).filter(pk__in=electorate), request.user))
    if len(members) != len(ids) or len(ids) != len(raw):
        raise DomainError(_("所选人员中有不在本次投票选民名单中的，请刷新页面后重新选择。"))
    if not members:
        raise DomainError(_("请选择已投纸质票的选民。"))
    return members


@login_required
def paper_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    """Tellers (计票人): record who voted on paper (the census) and enter counted totals."""
    poll = _managed(request, pk)
    options = [(o.pk, o.name) for o in services.ballot_options(poll)]
    batch_form = PaperBatchForm(request.POST if request.POST.get("form") == "batch" else None, options=options,
                                write_in=poll.allow_write_in)  # fmt: skip
    if request.method == "POST":
        try:
            if request.POST.get("form") == "census":
                members = _census_members(request, poll)
                n = services.paper_census_record(actor=request.user, poll=poll, members=members)
                messages.success(request, _("已登记%(n)s人纸质投票。") % {"n": n})
                return redirect("voting:paper_entry", pk=poll.pk)
            if batch_form.is_valid():
                data = batch_form.cleaned_data
                services.paper_batch_enter(actor=request.user, poll=poll, valid=data["valid"], invalid=data["invalid"],
                                           counts=batch_form.counts(), write_ins=batch_form.write_in_counts())  # fmt: skip
                messages.success(request, _("已录入纸质选票计票结果。"))
                return redirect("voting:paper_entry", pk=poll.pk)
        except DomainError as error:
            messages.error(request, str(error))
    waiting = (
        Voter.objects.filter(poll=poll, paper=False)
        .exclude(member__in=poll.participations.filter(member__isnull=False).values("member"))
        .select_related("member")
        .order_by("member__name_pinyin", "pk")
    )
    totals = poll.paper_batches.aggregate(n=Count("pk"))
    recorded = poll.participations.filter(channel="paper_count").count()
    context = {"poll": poll, "batch_form": batch_form, "waiting": list(waiting), "batches": totals["n"],
               "recorded": recorded, "open": poll.state == PollState.OPEN,
               "evaluation": poll.kind == PollKind.EVALUATION}  # fmt: skip
    return render(request, "voting/paper.html", context)


urlpatterns: list[URLPattern] = [
    path("", home, name="home"),
    path("new/", poll_create, name="poll_create"),
    path("<int:pk>/", poll_detail, name="poll_detail"),
    path("<int:pk>/edit/", poll_edit, name="poll_edit"),
    path("<int:pk>/state/", poll_state, name="poll_state"),
    path("<int:pk>/options/", option_add, name="option_add"),
    path("<int:pk>/options/remove/", option_remove, name="option_remove"),
    path("<int:pk>/screen/", nomination_screen, name="nomination_screen"),
    path("<int:pk>/evaluation/", evaluation_settings, name="evaluation_settings"),
    path("<int:pk>/electorate/", electorate, name="electorate"),
    path("<int:pk>/codes/", paper_codes, name="paper_codes"),
    path("<int:pk>/paper/", paper_entry, name="paper_entry"),
]
