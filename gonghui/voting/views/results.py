"""Results pages: released results, the receipt list anyone of the union can check, the result
documents (DOCX and PDF, behind the same checks), the award's public notice (公示), and the 述职 reports of people evaluated.

Results are refused to everyone — chair, superior union, superuser — until the poll is closed
and released: `services.poll_tally` raises, and the page says so with status 403.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gonghui.core import publicity
from gonghui.core.access import can, get_for_user, get_from
from gonghui.core.errors import DomainError
from gonghui.core.exports.kinds import ExportKind
from gonghui.core.uploads import serve_stored_file
from gonghui.core.views.base import AuthedRequest
from gonghui.core.views.exports import start_export

from .. import queries, review, services
from ..enums import Grade, PollKind, PollState
from ..exports import RESULT_DOCX, RESULT_PDF, result_poll
from ..models import Option, Poll


def _public(request: AuthedRequest, pk: int) -> Poll:
    return result_poll(request.user, pk, request=request)


def _refused(request: AuthedRequest, poll: Poll, error: DomainError) -> HttpResponse:
    return render(request, "voting/refused.html", {"poll": poll, "message": str(error)}, status=403)


@login_required
def results(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _public(request, pk)
    try:
        tally = services.poll_tally(poll)
    except DomainError as error:
        return _refused(request, poll, error)
    context = {
        "poll": poll,
        "tally": tally,
        "turnout": services.turnout(poll),
        "grades": Grade.choices,
        "may_change": can(request.user, "change", poll),
        "is_award": poll.kind == PollKind.AWARD,
        # The 公示 is linked only for those who may open it (a 承办部门 sees results, not notices).
        "may_see_notice": poll.notice_id is not None and publicity.may_see(request.user, poll.notice_id),
        **review.texts(tally.counted),
    }
    return render(request, "voting/results.html", context)


@login_required
def count_review(request: AuthedRequest, pk: int) -> HttpResponse:
    """计票 → 核对 → 公布: the officers who run the poll check the count of a closed poll, confirm
    it (核对无误) and only then publish it. Nobody else sees it before release."""
    poll = get_for_user(Poll, request.user, pk, action="change", request=request)
    try:
        tally = review.poll_count(poll)
    except DomainError as error:
        return _refused(request, poll, error)
    context = {
        "poll": poll,
        "tally": tally,
        "turnout": services.turnout(poll),
        "grades": Grade.choices,
        "is_award": poll.kind == PollKind.AWARD,
        "PollState": PollState,
        **review.texts(tally.counted),
    }
    return render(request, "voting/count.html", context)


@login_required
def receipts(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = _public(request, pk)
    try:
        rows = services.published_ballots(poll)
    except DomainError as error:
        return _refused(request, poll, error)
    names = {o.pk: o.name for o in poll.options.all()}
    dims = {d.pk: d.name for d in poll.dimensions.all()}
    grades = {value: str(label) for value, label in Grade.choices}
    lines = [
        (services.pretty_code(receipt), _describe(choice, names, dims, grades)) for receipt, choice in rows
    ]
    paper = [
        (valid, invalid, [(names.get(int(key[1:]), key) if key.startswith("o") else f"{key[1:]}(另选)", n)
                          for key, n in counts.items()])
        for valid, invalid, counts in services.paper_totals(poll)
    ]  # fmt: skip
    return render(
        request, "voting/receipts.html", {"poll": poll, "lines": lines, "paper": paper, "names": names}
    )


def _describe(choice: dict, names: dict[int, str], dims: dict[int, str], grades: dict[str, str]) -> str:
    if "grades" in choice:
        return "；".join(f"{names.get(int(p), p)}:{grades.get(g, g)}" for p, g in choice["grades"].items())
    if "scores" in choice:
        return "；".join(
            f"{names.get(int(p), p)}(" + "，".join(f"{dims.get(int(d), d)}{v}" for d, v in row.items()) + ")"
            for p, row in choice["scores"].items()
        )
    picked = [names.get(int(p), str(p)) for p in choice.get("selected", [])] + [
        f"{n}(另选)" for n in choice.get("write_ins", [])
    ]
    return "、".join(picked) or _("弃权(空白票)")


def _result_export(request: AuthedRequest, pk: int, kind: ExportKind) -> HttpResponse:
    poll = _public(request, pk)
    try:
        services.poll_tally(poll)  # refused before release, here as on the page (the worker checks again)
    except DomainError as error:
        return _refused(request, poll, error)
    return start_export(request, kind=kind, org=poll.org, params={"pk": poll.pk},
                        title=f"{poll.title} {kind.title}")  # fmt: skip


@login_required
def result_document(request: AuthedRequest, pk: int) -> HttpResponse:
    """选举结果报告单 / 测评汇总表 / 评选结果 as DOCX (after release only)."""
    return _result_export(request, pk, RESULT_DOCX)


@login_required
def result_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    """The same documents as PDF: the same access and the same release check as the DOCX."""
    return _result_export(request, pk, RESULT_PDF)


@login_required
@require_POST
def award_notice(request: AuthedRequest, pk: int) -> HttpResponse:
    poll = get_for_user(Poll, request.user, pk, action="change", request=request)
    try:
        services.award_publish_notice(actor=request.user, poll=poll)
    except DomainError as error:
        messages.error(request, str(error))
    except ImportError:
        messages.error(request, _("公示功能尚未启用。"))
    else:
        messages.success(request, _("评选结果已进入公示。"))
    return redirect("voting:results", pk=poll.pk)


@login_required
def option_report(request: AuthedRequest, pk: int) -> FileResponse:
    """The 述职报告 of a person evaluated, for the poll's voters and the union."""
    polls = queries.public_polls(request.user) | queries.officer_polls(request.user)
    option = get_from(Option.objects.filter(poll__in=polls.values("pk")).exclude(report=""), request.user,
                      request=request, pk=pk)  # fmt: skip
    return serve_stored_file(option.report, option.report_filename)


urlpatterns: list[URLPattern] = [
    path("<int:pk>/results/", results, name="results"),
    path("<int:pk>/count/", count_review, name="count_review"),
    path("<int:pk>/receipts/", receipts, name="receipts"),
    path("<int:pk>/result.docx", result_document, name="result_document"),
    path("<int:pk>/result.pdf", result_pdf, name="result_pdf"),
    path("<int:pk>/notice/", award_notice, name="award_notice"),
    path("report/<int:pk>/", option_report, name="option_report"),
]
