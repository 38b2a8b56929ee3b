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
