"""Voting URL fillers for the cross-organisation crawl (merged into tests/test_crawl.py).

URL name -> a function (tree, personas) returning the id of an object that belongs to school 2:
第二小学's released committee election (results, receipts and documents exist for it) and a
述职 report of one of its evaluations.
"""

from __future__ import annotations

from typing import Any


def _school2_poll(tree: Any, p: Any) -> int:
    from gonghui.voting.enums import PollState
    from gonghui.voting.models import Poll

    from .factories import electorate, make_poll, option_ids

    existing = Poll.objects.filter(org=tree.school2, title="第二小学工会委员会选举").first()
    if existing is not None:  # the crawl fills the same pattern more than once
        return existing.pk
    from gonghui.voting import services

    poll = make_poll(tree.school2, title="第二小学工会委员会选举", voters=2, state=PollState.OPEN)
    services.ballot_cast(
        poll=poll, member=electorate(poll)[0], choices={"selected": [option_ids(poll)["张三"]]}
    )
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED).pk


def _school2_report(tree: Any, p: Any) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.voting import services
    from gonghui.voting.enums import PollKind
    from gonghui.voting.models import Option

    existing = Option.objects.filter(poll__org=tree.school2, name="第二小学校长").first()
    if existing is not None:
        return existing.pk
    poll = services.poll_create(
        actor=None, org=tree.school2, kind=PollKind.EVALUATION, title="第二小学民主测评"
    )
    report = SimpleUploadedFile("第二小学校长述职报告.docx", b"school 2 report")
    return services.option_add(actor=None, poll=poll, name="第二小学校长", report=report).pk


FOREIGN_OBJECTS: dict = {
    f"voting:{name}": _school2_poll
    for name in (
        "poll_detail", "poll_edit", "poll_state", "option_add", "option_remove", "nomination_screen",
        "evaluation_settings", "electorate", "paper_codes", "paper_entry", "vote", "nominate", "results", "count_review",
        "receipts", "result_document", "result_pdf", "award_notice",
    )
} | {"voting:option_report": _school2_report}  # fmt: skip


# The chair's own polls, whose forms the body crawl posts with school 2's ids (OWN_PAGES).


def _school1_draft(tree: Any, p: Any) -> int:
    from gonghui.voting.models import Poll

    from .factories import make_poll, voter_member

    existing = Poll.objects.filter(org=tree.school1, title="第一中学评优(准备中)").first()
    if existing is not None:
        return existing.pk
    poll = make_poll(
        tree.school1, kind="evaluation", title="第一中学评优(准备中)", voters=2, scale="dimensions"
    )
    from gonghui.voting import services

    services.rater_group_add(actor=None, poll=poll, name="教师", weight=1)
    voter_member(tree.school1)  # a member outside the electorate, to be added
    return poll.pk


def _school1_award(tree: Any, p: Any) -> int:
    from gonghui.voting.models import Poll

    from .factories import make_poll

    existing = Poll.objects.filter(org=tree.school1, title="第一中学优秀工会工作者评选").first()
    if existing is not None:
        return existing.pk
    return make_poll(tree.school1, kind="award", title="第一中学优秀工会工作者评选", voters=1).pk


def _school1_open(tree: Any, p: Any) -> int:
    from gonghui.voting.enums import PollState
    from gonghui.voting.models import Poll

    from .factories import make_poll

    existing = Poll.objects.filter(org=tree.school1, title="第一中学工会委员会选举(投票中)").first()
    if existing is not None:
        return existing.pk
    return make_poll(tree.school1, title="第一中学工会委员会选举(投票中)", voters=3, state=PollState.OPEN).pk


OWN_PAGES: dict = {
    "voting:poll_detail": _school1_draft,
    "voting:electorate": _school1_draft,
    "voting:paper_codes": _school1_draft,
    "voting:nominate": _school1_award,
    "voting:paper_entry": _school1_open,
}
