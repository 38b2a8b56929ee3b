"""The annual summary drafted from a known year: every figure exact, in the page, DOCX and PDF."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import TestCase
from docx import Document

from gonghui.core.facts import Period
from gonghui.members.models import Member
from gonghui.reports import services, summary
from gonghui.reports.documents import summary_docx, summary_pdf
from gonghui.reports.models import PeriodKind
from tests.voting.pdf_reader import pdf_text

from .summary_data import known_year

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


def _make(union, *, subtree=False, kind=PeriodKind.CALENDAR, year=None):
    if year is None:
        year = this_year()
    with TestCase.captureOnCommitCallbacks(execute=True):
        obj = services.summary_create(actor=None, org=union, period_kind=kind, year=year, subtree=subtree)
    obj.refresh_from_db()
    assert obj.job_state == "done", obj.message
    return obj


def _docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    paragraphs = [p.text for p in document.paragraphs]
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join(paragraphs + cells)


def test_formats_numbers_the_chinese_way():
    assert summary.fmt_amount(Decimal("12000.00")) == "12000"
    assert summary.fmt_amount(Decimal("12000.5")) == "12000.50"
    assert summary.fmt_percent(50.0) == "50.0%"
    assert summary.fmt_int(136) == "136"


def test_known_year_states_every_figure_exactly(tree, chair):
    known_year(tree.school1, chair)
    obj = _make(tree.school1)
    facts = obj.fact_map()
    active = Member.objects.filter(org__path__under=tree.school1.path, status="active").count()
    expected = {
        "care.condolence.times": 3, "care.condolence.people": 2, "care.condolence.amount": "1300",
        "care.condolence.gift_value": "100", "care.condolence.festival_retirees": 2,
        "congress.sessions": 1, "congress.proposals": 2, "congress.registered": 2,
        "congress.answer_rate": 50.0, "voting.polls": 1, "voting.awards": 1, "voting.awarded": 1,
        "voting.turnout": 100.0, "members.active": active, "members.new": active,
    }  # fmt: skip
    assert {key: facts[key]["value"] for key in expected} == expected
    texts = {p.section: p.text for p in obj.paragraphs.all()}
    care = (
        "全年共走访慰问职工3人次（2人），发放慰问金1300元，发放慰问品折合100元，走访慰问离退休老同志2人（其中节日走访2人），"
        "其中住院慰问1人次（慰问金300元）、春节慰问2人次（慰问金1000元）；帮扶慰问支出合计1300元。"
    )
    assert texts["area.care"] == care
    congress = texts["area.congress"]
    assert "全年共召开教(职)代会1次" in congress
    assert (f"{this_year()}年" in congress and "召开第六届第1次教代会" in congress) or "第六届" in congress
    assert "共征集提案2件，立案2件，立案率100.0%，答复率50.0%" in congress
    assert "全年经民主评选表彰先进1人，其中校级表彰1人：张三获评“优秀工会工作者”" in texts["awards"]
    assert f"共有在会会员{active}人" in texts["area.members"]
    assert "提案答复率为50.0%" in texts["problems"]
    assert obj.plan_items.filter(text__contains="答复率均达到100%").exists()
    assert obj.title == f"第一中学工会{this_year()}年工作总结"

    docx = _docx_text(summary_docx(obj))
    pdf = pdf_text(summary_pdf(obj)).replace("\n", "")
    for document in (docx, pdf):
        for text in (care, "共征集提案2件，立案2件，立案率100.0%，答复率50.0%", "张三获评“优秀工会工作者”",
                     f"共有在会会员{active}人", obj.title, "一、主要工作和成绩", "二、存在的问题",
                     "三、下一年工作打算"):  # fmt: skip
            assert text in document.replace("\n", ""), text
    # The appendix: every figure with its record count.
    assert "发放慰问金" in docx and "1300" in docx


def test_docx_uses_the_official_fonts_and_sizes(tree, chair):
    known_year(tree.school1, chair)
    document = Document(io.BytesIO(summary_docx(_make(tree.school1))))
    runs = {p.text: p.runs[0] for p in document.paragraphs if p.runs}
    title = runs[f"第一中学工会{this_year()}年工作总结"]
    assert title.font.size.pt == 22
    fonts = title._r.rPr.rFonts
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia")
        == "方正小标宋简体"
    )
    assert (
        fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}ascii") == "方正小标宋简体"
    )
    assert runs["一、主要工作和成绩"].font.name == "黑体"
    heading = next(r for t, r in runs.items() if t.startswith("（一）"))
    assert heading.font.name == "楷体_GB2312" and heading.font.size.pt == 16
    body = next(r for t, r in runs.items() if t.startswith("全年共走访慰问"))
    assert body.font.name == "仿宋_GB2312" and body.font.size.pt == 16
    section = document.sections[0]
    assert [round(m.mm) for m in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]  # fmt: skip


def test_area_with_no_records_yields_no_section(tree, chair):
    MemberFactory = __import__("tests.members.factories", fromlist=["MemberFactory"]).MemberFactory
    MemberFactory(union=tree.school1)
    obj = _make(tree.school1)
    sections = set(obj.paragraphs.values_list("section", flat=True))
    assert "area.members" in sections
    assert not sections & {"area.congress", "area.care", "area.voting", "area.notices", "awards"}
    problems = obj.paragraphs.get(section="problems").text
    assert "教(职)代会和提案" in problems and "帮扶慰问" in problems
    docx = _docx_text(summary_docx(obj))
    assert "（一）加强组织建设" in docx and "（二）" not in docx


def test_superior_summary_is_the_sum_of_its_children(tree, chair, other_union_chair):
    known_year(tree.school1, chair)
    known_year(tree.school2, other_union_chair)
    county = _make(tree.county, subtree=True).fact_map()
    one = _make(tree.school1, subtree=True).fact_map()
    two = _make(tree.school2, subtree=True).fact_map()
    for key, fact in county.items():
        if fact["unit"] in ("%",) or fact["value"] is None:
            continue
        total = Decimal(str(one[key]["value"] or 0)) + Decimal(str(two[key]["value"] or 0))
        assert Decimal(str(fact["value"])) == total, key
    assert county["care.condolence.amount"]["value"] == "2600"


def test_statistical_year_boundary(tree, chair):
    set_members = __import__("tests.members.factories", fromlist=["MemberFactory"]).MemberFactory
    from gonghui.care.enums import Occasion, VisitState
    from tests.care.visit_factories import make_visit, set_condolence_standards

    set_condolence_standards(tree.school1)
    a, b = set_members(union=tree.school1), set_members(union=tree.school1)
    make_visit(tree.school1, [a], occasion=Occasion.SPRING_FESTIVAL, amount="500",
               visited_on=dt.date(this_year() - 1, 9, 30), state=VisitState.RECORDED, approver=chair)  # fmt: skip
    make_visit(tree.school1, [b], occasion=Occasion.SPRING_FESTIVAL, amount="500",
               visited_on=dt.date(this_year() - 1, 10, 1), state=VisitState.RECORDED, approver=chair)  # fmt: skip
    assert Period.statistical_year(this_year()).start == dt.date(this_year() - 1, 10, 1)
    this = _make(tree.school1, kind=PeriodKind.STATISTICAL, year=this_year()).fact_map()
    last = _make(tree.school1, kind=PeriodKind.STATISTICAL, year=this_year() - 1).fact_map()
    assert this["care.condolence.times"]["value"] == 1
    assert last["care.condolence.times"]["value"] == 1
    assert this["care.condolence.amount"]["value"] == "500"


def test_regenerating_keeps_the_chairs_edit_and_flags_changed_figures(tree, chair):
    known_year(tree.school1, chair)
    obj = _make(tree.school1)
    care = obj.paragraphs.get(section="area.care")
    services.paragraph_edit(actor=chair, paragraph=care, text="我们走访慰问了职工3人次。")
    from gonghui.care.enums import Occasion, VisitState
    from tests.care.visit_factories import make_visit
    from tests.members.factories import MemberFactory

    make_visit(tree.school1, [MemberFactory(union=tree.school1)], occasion=Occasion.SPRING_FESTIVAL,
               amount="500", state=VisitState.RECORDED, approver=chair)  # fmt: skip
    services.summary_generate(obj)
    care = obj.paragraphs.get(section="area.care")
    assert care.edited_text == "我们走访慰问了职工3人次。"
    assert care.text == "我们走访慰问了职工3人次。"
    assert "全年共走访慰问职工4人次" in care.generated_text
    assert care.figures_changed()
    services.paragraph_restore(actor=chair, paragraph=care)
    care.refresh_from_db()
    assert care.text.startswith("全年共走访慰问职工4人次")


def test_guiding_ideas_carry_over_to_next_year(tree, chair):
    obj = _make(tree.school1)
    opening = obj.paragraphs.get(section="opening")
    services.paragraph_edit(actor=chair, paragraph=opening, text="本年度工会坚持以教职工为中心。")
    nxt = _make(tree.school1, year=this_year() + 1)
    assert nxt.paragraphs.get(section="opening").generated_text == "本年度工会坚持以教职工为中心。"
