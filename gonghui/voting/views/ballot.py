"""Voting pages: the ballot of a member in the electorate (phone-sized), the paper-code ballot
usable without an account, and nominations (自荐/推荐) for an award.

A ballot page shows the receipt once, right after casting; it is never stored with the voter.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from gonghui.core.access import get_from
from gonghui.core.errors import DomainError
from gonghui.core.views.base import AuthedRequest
from gonghui.members.models import Member

from .. import queries, services
from ..enums import Grade, PollKind, PollState, ScaleKind
from ..forms import CodeForm, NominationForm
from ..models import Option, PaperCode, Participation, Poll, Voter


def sheet(poll: Poll, member: Member | None) -> dict[str, Any]:
    """What the ballot page shows: the options (a voter never sees themself on an evaluation
    sheet), the dimensions or grades, and the rules in words."""
    options = services.ballot_options(poll)
    if poll.kind == PollKind.EVALUATION and member is not None:
        options = [o for o in options if o.member_id != member.pk]
    dimensions = (
        list(poll.dimensions.all())
        if poll.kind == PollKind.EVALUATION and poll.scale == ScaleKind.DIMENSIONS
        else []
    )
    return {
        "poll": poll,
        "options": options,
        "dimensions": dimensions,
        "grades": Grade.choices,
        "evaluation": poll.kind == PollKind.EVALUATION,
        "uses_grades": poll.uses_grades,
        "multiple": poll.choose_max > 1,
        "write_in_slots": range(poll.choose_max) if poll.allow_write_in else range(0),
    }


def choices_from_post(poll: Poll, post: Any) -> dict[str, Any]:
    if poll.kind != PollKind.EVALUATION:
        return {
            "selected": [v for v in post.getlist("option") if v],
            "write_ins": [v for v in post.getlist("write_in") if v.strip()],
        }
    options = services.ballot_options(poll)
    if poll.scale == ScaleKind.GRADES:
        return {"grades": {str(o.pk): post[f"g{o.pk}"] for o in options if post.get(f"g{o.pk}")}}
    dimensions = list(poll.dimensions.all())
    scores: dict[str, dict[str, str]] = {}
    for option in options:
        row = {str(d.pk): post.get(f"s{option.pk}_{d.pk}", "").strip() for d in dimensions}
        if any(row.values()):
            scores[str(option.pk)] = {k: v for k, v in row.items() if v}
    return {"scores": scores}


def _cast(poll: Poll, post: Any, **who: Any) -> tuple[str | None, str | None]:
    try:
        return services.ballot_cast(poll=poll, choices=choices_from_post(poll, post), **who), None
    except (DomainError, ValueError) as error:
        return None, str(error) if isinstance(error, DomainError) else _("选票内容无效。")


@login_required
def vote(request: AuthedRequest, pk: int) -> HttpResponse:
    """The ballot of a member of the electorate. Anyone else who may see the poll is told they
    are not in the electorate; a second attempt is told "您已投票"."""
    poll = get_from(queries.public_polls(request.user) | queries.officer_polls(request.user), request.user,
                    request=request, pk=pk)  # fmt: skip
    voter = Voter.objects.filter(poll=poll, member__user=request.user).select_related("member").first()
    if voter is None:
        return render(
            request,
            "voting/refused.html",
            {"poll": poll, "message": _("您不在本次投票的选民名单中。")},
            status=403,
        )
    error = None
    if request.method == "POST":
        # Cast first: the sheet and the "already voted?" check are only needed to show the
        # ballot again (a GET, or a refused POST); the service guards against a second vote.
        receipt, error = _cast(poll, request.POST, member=voter.member, actor=request.user)
        if receipt is not None:
            return render(
                request, "voting/receipt.html", {"poll": poll, "receipt": services.pretty_code(receipt)}
            )
    context = sheet(poll, voter.member)
    context["voted"] = Participation.objects.filter(poll=poll, member=voter.member).exists()
    context["paper"] = voter.paper
    context["is_open"] = poll.state == PollState.OPEN
    context["error"] = error
    return render(request, "voting/ballot.html", context, status=200)


@csrf_protect
def code_vote(request: HttpRequest) -> HttpResponse:
    """Voting with a paper ballot code (随机码), no account needed: enter the code, then the
    ballot. The code travels in a hidden field; it is checked again when the ballot is cast."""
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        found = PaperCode.objects.filter(code_hash=services.code_hash(code)).select_related("poll").first()
        if found is None:
            form.add_error("code", _("随机码无效，请核对后重新输入。"))
        elif found.used:
            form.add_error("code", _("该随机码已使用，您已投票。"))
        elif found.poll.state != PollState.OPEN:
            form.add_error("code", _("投票尚未开始或已经结束。"))
        else:
            poll = found.poll
            context = sheet(poll, None)
            context.update(
                {
                    "code": services.pretty_code(services.normalise_code(code)),
                    "is_open": True,
                    "by_code": True,
                }
            )
            if request.POST.get("cast"):
                receipt, error = _cast(poll, request.POST, code=code)
                if receipt is not None:
                    return render(
                        request,
                        "voting/receipt.html",
                        {"poll": poll, "receipt": services.pretty_code(receipt)},
                    )
                context["error"] = error
            return render(request, "voting/ballot.html", context)
    return render(request, "voting/code_vote.html", {"form": form})


@login_required
def nominate(request: AuthedRequest, pk: int) -> HttpResponse:
    """自荐/推荐 for an award: anyone of the union (or in the electorate) while the poll is a draft."""
    poll = get_from(queries.public_polls(request.user) | queries.officer_polls(request.user), request.user,
                    request=request, pk=pk)  # fmt: skip
    if poll.kind != PollKind.AWARD or poll.state != PollState.DRAFT:
        return render(
            request,
            "voting/refused.html",
            {"poll": poll, "message": _("本次评选当前不接受推荐。")},
            status=403,
        )
    members = list(
        queries.union_members(poll.org).order_by("name_pinyin", "pk").values_list("pk", "name")[:2000]
    )
    form = NominationForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        # One of the union's members the form offered.
        member = queries.union_members(poll.org).select_related("org").get(pk=form.cleaned_data["member"])
        mine = queries.member_of(request.user)
        try:
            services.nomination_submit(actor=request.user, poll=poll, member=member, deeds=form.cleaned_data["deeds"],
                                       self_nominated=mine is not None and mine.pk == member.pk)  # fmt: skip
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("推荐已提交，等待评选小组资格审查。"))
            return redirect("voting:home")
    nominees = Option.objects.filter(poll=poll).order_by("order", "pk")
    return render(request, "voting/nominate.html", {"poll": poll, "form": form, "nominees": nominees})


urlpatterns: list[URLPattern] = [
    path("<int:pk>/vote/", vote, name="vote"),
    path("<int:pk>/nominate/", nominate, name="nominate"),
    path("code/", code_vote, name="code_vote"),
]
