"""PDF result sheets (选举结果报告单, 民主测评汇总表, 评选结果 with the award list) and the
core HTML → PDF module: read back with pypdf for their text and their embedded CJK fonts; the PDF
view is behind the same access and release checks as the DOCX view."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from gonghui.core import pdf
from gonghui.voting import documents, services
from gonghui.voting.enums import AwardLevel, Grade, PollKind, PollState, ScaleKind
from gonghui.voting.models import Poll
from tests.exporting import fetch_export

from .factories import electorate, make_poll, option_ids
from .pdf_reader import embedded_fonts, pdf_text

pytestmark = pytest.mark.django_db

A4_POINTS = (595.28, 841.89)


def _vote(poll, names_per_voter):
    ids = option_ids(poll)
    for member, names in zip(electorate(poll), names_per_voter, strict=False):
        services.ballot_cast(poll=poll, member=member, choices={"selected": [ids[n] for n in names]})


def _release(poll):
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)


def _assert_cjk_fonts_embedded(content: bytes) -> None:
    fonts = embedded_fonts(content)
    assert fonts, "the PDF uses no font"
    assert all(fonts.values()), f"fonts not embedded: {fonts}"
    assert any(name.startswith("Noto-Serif-CJK-SC") for name in fonts), fonts


def test_html_to_pdf_makes_an_a4_page_with_the_noto_cjk_fonts_embedded():
    content = pdf.html_to_pdf("<h1>关于表彰先进的通知</h1><h2>一、总体情况</h2><p>正文仿宋三号。</p>")

    reader = PdfReader(io.BytesIO(content))
    box = reader.pages[0].mediabox
    assert content.startswith(b"%PDF-")
    assert (round(float(box.width), 2), round(float(box.height), 2)) == A4_POINTS
    text = pdf_text(content)
    assert "关于表彰先进的通知" in text and "正文仿宋三号。" in text and "— 1 —" in text
    fonts = embedded_fonts(content)
    assert {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC"} <= set(fonts), fonts
    assert all(fonts.values()), fonts


def test_the_election_result_pdf_names_the_elected_with_their_votes(tree):
    poll = make_poll(tree.school1, options=["王建国", "李秀兰", "张伟"], voters=4, choose_max=2,
                     state=PollState.OPEN)  # fmt: skip
    _vote(poll, [["王建国", "李秀兰"], ["王建国", "张伟"], ["王建国", "李秀兰"], ["李秀兰"]])
    poll = _release(poll)

    content, name = documents.result_pdf(services.poll_tally(poll), services.turnout(poll))

    assert name == "第一中学工会委员会选举结果报告单.pdf"
    text = pdf_text(content)
    assert "第一中学工会委员会选举结果报告单" in text
    assert "应参加人数4人，实际参加4人" in text and "收回选票4张，其中有效票4张，无效票0张。" in text
    assert "当选：李秀兰、王建国。" in text
    rows = [line.split() for line in text.splitlines()]
    assert ["1", "李秀兰", "3", "75.0%", "当选"] in rows, text
    assert ["2", "王建国", "3", "75.0%", "当选"] in rows, text
    assert ["3", "张伟", "1", "25.0%"] in rows, text
    assert "第一中学工会" in text
    _assert_cjk_fonts_embedded(content)


def test_the_evaluation_summary_pdf_hides_people_below_the_minimum(tree):
    poll = make_poll(tree.school1, kind=PollKind.EVALUATION, title="2026年度民主测评", options=["周校长", "吴副校长"],
                     voters=2, scale=ScaleKind.GRADES, min_respondents=2, state=PollState.OPEN)  # fmt: skip
    ids = option_ids(poll)
    first, second = electorate(poll)
    services.ballot_cast(poll=poll, member=first, choices={"grades": {str(ids["周校长"]): Grade.EXCELLENT,
                                                                       str(ids["吴副校长"]): Grade.BASIC}})  # fmt: skip
    services.ballot_cast(poll=poll, member=second, choices={"grades": {str(ids["周校长"]): Grade.COMPETENT}})
    poll = _release(poll)

    content, name = documents.result_pdf(services.poll_tally(poll), services.turnout(poll))

    assert name == "2026年度民主测评汇总表.pdf"
    text = pdf_text(content)
    assert "收回测评表2份" in text
    rows = [line.split() for line in text.splitlines()]
    assert ["周校长", "2", "1", "1", "0", "0", "100.0%", "90.00"] in rows or any(
        row[:7] == ["周校长", "2", "1", "1", "0", "0", "100.0%"] for row in rows
    ), text
    assert any(row[:2] == ["吴副校长", "1"] and "人数不足" in row for row in rows), text
    _assert_cjk_fonts_embedded(content)


def test_the_award_pdf_lists_the_selected_and_the_state_of_the_notice(tree):
    poll = make_poll(tree.school1, kind=PollKind.AWARD, title="师德标兵评选", options=["甲老师", "乙老师"],
                     voters=3, award_name="师德标兵", award_level=AwardLevel.COUNTY, state=PollState.OPEN)  # fmt: skip
    _vote(poll, [["甲老师"], ["甲老师"], ["乙老师"]])
    poll = _release(poll)

    before = pdf_text(documents.result_pdf(services.poll_tally(poll), services.turnout(poll))[0])
    Poll.objects.filter(pk=poll.pk).update(award_final=True, notice_id=1)  # as the finalised 公示 leaves it
    content, name = documents.result_pdf(services.poll_tally(poll), services.turnout(poll))

    assert "拟表彰名单" in before and "评选结果尚待公示。" in before
    text = pdf_text(content)
    assert name == "师德标兵评选结果报告单.pdf"
    assert "入选：甲老师。" in text and "三、表彰名单" in text
    assert ["1", "甲老师", "师德标兵", "县级", "2"] in [line.split() for line in text.splitlines()], text
    assert "公示期满且异议均已处理，结果生效。" in text
    _assert_cjk_fonts_embedded(content)


def test_the_result_pdf_downloads_after_release_and_the_results_page_links_it(tree, member, client_for):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)
    _vote(poll, [["李四"]])
    poll = _release(poll)
    client = client_for(member)

    page = client.get(reverse("voting:results", args=[poll.pk]))
    response = fetch_export(client, reverse("voting:result_pdf", args=[poll.pk]))

    assert reverse("voting:result_pdf", args=[poll.pk]) in page.content.decode()
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"].lower().startswith("attachment; filename*=utf-8''")
    )  # RFC 5987: any case
    assert response["Content-Disposition"].endswith(".pdf")
    assert "当选：李四。" in pdf_text(response.content)


def test_the_result_pdf_of_another_unions_poll_is_not_found(tree, other_union_chair, client_for):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)
    _vote(poll, [["张三"]])
    poll = _release(poll)

    response = fetch_export(client_for(other_union_chair), reverse("voting:result_pdf", args=[poll.pk]))

    assert response.status_code == 404
