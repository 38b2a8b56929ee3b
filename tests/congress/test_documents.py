"""DOCX documents of a session: the draft resolution and the proposal report (提案办理情况报告),
opened with python-docx and checked for text, exact rates and the GB/T 9704 layout."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from gonghui.congress import services
from gonghui.congress.documents import chinese_date, proposal_report_docx, session_resolution_docx
from gonghui.congress.enums import ProposalCategory, ProposalState, Rating, SessionStatus
from gonghui.congress.models import AgendaItem, Assignment
from tests.exporting import fetch_export

from .factories import (
    DelegateFactory,
    ProposalFactory,
    SessionFactory,
    answer_all,
    department_user,
    today,
)

pytestmark = pytest.mark.django_db


def opened(content: bytes):
    return Document(io.BytesIO(content))


def text_of(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend("|".join(cell.text for cell in row.cells) for row in table.rows)
    return "\n".join(parts)


def east_asian_font(run) -> str:
    return run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


@pytest.fixture
def report_session(term):
    """第六届: 第一次 (closed, one unfinished proposal carried over) and 第二次 with a known set."""
    department = department_user(term.org, name="总务处")
    first = SessionFactory(term=term, status=SessionStatus.IN_SESSION, date=today() - dt.timedelta(days=200))
    ProposalFactory(
        session=first, title="关于结转的食堂提案", state=ProposalState.ASSIGNED, departments=[department]
    )
    ProposalFactory(
        session=first, title="已办结的旧提案", state=ProposalState.CLOSED, departments=[department]
    )
    services.session_set_state(actor=None, session=first, to=SessionStatus.CLOSED)

    second = SessionFactory(term=term, status=SessionStatus.IN_SESSION)

    def make(state, **kwargs):
        return ProposalFactory(session=second, state=state, departments=[department], **kwargs)

    make(ProposalState.DRAFT)
    make(ProposalState.SUBMITTED, category=ProposalCategory.TEACHING)
    make(ProposalState.REGISTERED, category=ProposalCategory.TEACHING)
    make(ProposalState.ANSWERED)
    late = make(ProposalState.ASSIGNED)
    Assignment.objects.filter(proposal=late).update(deadline=today() - dt.timedelta(days=1))
    answer_all(late)  # answered after the deadline
    make(ProposalState.RATED, rating=Rating.SATISFIED)
    make(ProposalState.CLOSED, rating=Rating.BASICALLY, title="关于加装空调的提案")
    unhappy = make(ProposalState.ANSWERED)
    services.proposal_rate(actor=unhappy.proposer_user, proposal=unhappy, rating=Rating.UNSATISFIED)
    return second


def test_the_report_has_its_title_and_every_rate_exactly(report_session):
    document = opened(proposal_report_docx(report_session))
    text = text_of(document)

    assert document.paragraphs[0].text == "关于第六届第二次教代会提案办理情况的报告"
    # 7 submitted (the draft does not count), 6 registered, 5 answered, 4 on time,
    # 3 rated of which 2 satisfied (满意 + 基本满意), 1 implemented.
    assert "共收到代表提案7件" in text and "立案6件，立案率85.7%" in text
    assert "已答复5件，答复率83.3%" in text
    assert "按期答复4件，按期答复率66.7%" in text
    assert "提案人已评价3件，其中满意（含基本满意）2件，满意率66.7%" in text
    assert "已落实1件，落实率16.7%" in text


def test_the_report_has_the_category_and_department_tables_and_the_answers(report_session):
    document = opened(proposal_report_docx(report_session))
    text = text_of(document)

    assert "教育教学|2|1|0" in text and "后勤保障|5|5|5" in text
    assert "总务处|5|5|4" in text
    assert "《关于加装空调的提案》" in text and "答复：已按提案意见研究落实。" in text


def test_the_report_carries_over_the_unfinished_proposals_of_the_previous_session(report_session):
    text = text_of(opened(proposal_report_docx(report_session)))
    carried = text[text.index("五、上次会议结转未办结提案") :]

    assert "关于结转的食堂提案" in carried
    assert "已办结的旧提案" not in text


def test_the_report_is_laid_out_per_gbt_9704(report_session):
    document = opened(proposal_report_docx(report_session, today=dt.date(2026, 11, 22)))
    section = document.sections[0]
    title = document.paragraphs[0]
    body = next(p for p in document.paragraphs if p.text.startswith("第六届第二次教代会共收到"))
    heading = next(p for p in document.paragraphs if p.text.startswith("一、"))
    normal = document.styles["Normal"].paragraph_format

    assert [round(m.mm) for m in (section.page_width, section.page_height)] == [210, 297]
    margins = (section.top_margin, section.left_margin, section.bottom_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 28, 35, 26]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.runs[0].font.size == Pt(22) and east_asian_font(title.runs[0]) == "方正小标宋简体"
    assert body.runs[0].font.size == Pt(16) and east_asian_font(body.runs[0]) == "仿宋_GB2312"
    assert normal.first_line_indent == Pt(32)
    assert (normal.line_spacing_rule, normal.line_spacing) == (WD_LINE_SPACING.EXACTLY, Pt(28))
    assert east_asian_font(heading.runs[0]) == "黑体"
    assert document.paragraphs[-1].text == "2026年11月22日"


def test_the_resolution_lists_the_items_with_their_results(session, chair):
    delegates = [DelegateFactory(term=session.term) for _ in range(3)]
    for delegate in delegates:
        services.session_check_in(actor=None, session=session, delegate=delegate, by_self=False)
    passed = AgendaItem.objects.create(session=session, order=1, title="学校年度工作计划")
    failed = AgendaItem.objects.create(session=session, order=2, title="绩效工资发放办法")
    services.item_record_result(actor=chair, item=passed, votes_for=3, votes_against=0, votes_abstain=0)
    services.item_record_result(actor=chair, item=failed, votes_for=1, votes_against=2, votes_abstain=0)

    document = opened(session_resolution_docx(session))
    text = text_of(document)

    assert document.paragraphs[0].text == "第一中学第六届第一次教代会决议（草案）"
    assert "本届代表3人，出席会议3人" in text
    assert "1. 大会审议通过《学校年度工作计划》（赞成3票，反对0票，弃权0票）。" in text
    assert "2. 《绩效工资发放办法》未获通过（赞成1票，反对2票，弃权0票），不得执行。" in text
    assert document.paragraphs[-1].text == chinese_date(session.date)


def test_dates_have_no_leading_zeros():
    assert chinese_date(dt.date(2026, 3, 5)) == "2026年3月5日"


# --- issue 12 §4: the resolution names the unit's congress and each document once ---------------


def test_the_resolution_is_titled_after_the_units_congress_not_the_union(session):
    text = text_of(opened(session_resolution_docx(session)))
    title = text.splitlines()[0]

    assert title == "第一中学第六届第一次教代会决议（草案）"
    assert "工会第六届" not in text
    assert "第一中学第六届第一次教代会于" in text and "号召全体教职工" in text


def test_a_motion_entered_as_a_sentence_names_its_document_once(session, chair):
    for delegate in [DelegateFactory(term=session.term) for _ in range(3)]:
        services.session_check_in(actor=None, session=session, delegate=delegate, by_self=False)
    titles = ["审议《学校工作报告》", "听取并审议《关于修订《教职工奖励办法》的说明》", "《财务工作报告》"]
    for order, title in enumerate(titles, start=1):
        item = AgendaItem.objects.create(session=session, order=order, title=title)
        services.item_record_result(actor=chair, item=item, votes_for=3, votes_against=0, votes_abstain=0)

    text = text_of(opened(session_resolution_docx(session)))

    assert "1. 大会审议通过《学校工作报告》（赞成3票" in text
    assert "2. 大会审议通过《关于修订〈教职工奖励办法〉的说明》（" in text
    assert "3. 大会审议通过《财务工作报告》（" in text
    assert "《审议" not in text and "》》" not in text and "《《" not in text


def test_a_workers_congress_resolution_is_a_zhidaihui_calling_on_all_workers(tree, chair):
    from gonghui.congress.enums import CongressKind

    from .factories import TermFactory

    term = TermFactory(org=tree.school1, number=3, kind=CongressKind.WORKERS)
    workers = SessionFactory(term=term, status=SessionStatus.IN_SESSION)

    text = text_of(opened(session_resolution_docx(workers)))

    assert text.splitlines()[0] == "第一中学第三届第一次职代会决议（草案）"
    assert "号召全体职工" in text and "教职工" not in text


def test_the_second_sessions_report_counts_a_proposal_submitted_through_the_pages(
    term, proposer, cosigners, chair, client_for
):
    """Issue 12 §4 ("收到提案0件"): a delegate files a proposal for 第二次会议 on the pages, both
    co-signers confirm, it is submitted; the chair's report of that session counts it."""
    from django.urls import reverse

    SessionFactory(term=term, status=SessionStatus.CLOSED, date=today() - dt.timedelta(days=300))
    second = SessionFactory(term=term, date=today() + dt.timedelta(days=10))
    author = client_for(proposer.user)
    created = author.post(reverse("congress:proposal_create"), {
        "session": second.pk, "title": "关于增设教工之家的提案", "category": ProposalCategory.TEACHING,
        "reason": "教职工缺少活动场所。", "measures": "建议利用闲置教室改建。",
        "cosigners": [c.pk for c in cosigners],
    })  # fmt: skip
    assert created.status_code == 302
    proposal = second.proposals.get()
    for cosigner in cosigners:
        client_for(cosigner.user).post(reverse("congress:proposal_confirm", args=[proposal.pk]))
    author.post(reverse("congress:proposal_submit", args=[proposal.pk]))
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.SUBMITTED

    response = fetch_export(client_for(chair), reverse("congress:session_proposal_report", args=[second.pk]))
    text = text_of(opened(response.content))

    assert "第六届第二次教代会共收到代表提案1件" in text
    assert "收到代表提案0件" not in text


def browser_default(page: str, name: str) -> str:
    """The value a browser submits for <select name=…> the user leaves alone: the selected
    option, else the first."""
    import lxml.html

    select = lxml.html.fromstring(page).xpath(f'//select[@name="{name}"]')[0]
    options = select.xpath(".//option")
    chosen = next((o for o in options if o.get("selected") is not None), options[0])
    return chosen.get("value")


def test_a_proposal_meant_for_an_earlier_dated_second_session_is_not_filed_under_the_first(
    term, proposer, cosigners, chair, client_for
):
    """Issue 12 §4 ("收到提案0件"): a union enters last year's congress as 第二次会议 (its 第一次
    is this year's, both still open). The new-proposal form used to preselect the latest-dated
    open session, so a delegate who left the drop-down alone filed the proposal under 第一次 and
    第二次's report counted none. Now nothing is preselected: the delegate must choose."""
    from django.urls import reverse

    first = SessionFactory(term=term, status=SessionStatus.IN_SESSION, date=today())
    second = SessionFactory(term=term, status=SessionStatus.IN_SESSION, date=today() - dt.timedelta(days=365))
    author = client_for(proposer.user)
    fields = {
        "title": "关于增设教工之家的提案", "category": ProposalCategory.TEACHING,
        "reason": "教职工缺少活动场所。", "measures": "建议利用闲置教室改建。",
        "cosigners": [c.pk for c in cosigners],
    }  # fmt: skip

    untouched = browser_default(author.get(reverse("congress:proposal_create")).content.decode(), "session")
    refused = author.post(reverse("congress:proposal_create"), {**fields, "session": untouched})
    assert refused.status_code == 200 and "请选择提案提交给哪一次会议" in refused.content.decode()
    assert not first.proposals.exists() and not second.proposals.exists()

    author.post(reverse("congress:proposal_create"), {**fields, "session": second.pk})
    proposal = second.proposals.get()
    for cosigner in cosigners:
        client_for(cosigner.user).post(reverse("congress:proposal_confirm", args=[proposal.pk]))
    author.post(reverse("congress:proposal_submit", args=[proposal.pk]))

    report = fetch_export(client_for(chair), reverse("congress:session_proposal_report", args=[second.pk]))
    assert "第六届第二次教代会共收到代表提案1件" in text_of(opened(report.content))
    assert "共收到代表提案0件" in text_of(opened(proposal_report_docx(first)))
