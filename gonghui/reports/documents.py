"""The annual summary as DOCX (GB/T 9704 layout, core.docx) and PDF (core.pdf), both with an
appendix table of every figure: label, value, unit and the number of records behind it.

`outline(summary)` is what both say, in order: title, opening, "一、主要工作和成绩" with
"（一）…" per area section, "二、存在的问题", "三、下一年工作打算" (1. 2. …), closing line,
signature, then the appendix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import docx as layout
from gonghui.core import pdf

from .models import PlanSection, Summary, WorkPlan

PLAIN_SECTIONS = ("opening", "scope", "closing")


@dataclass
class Block:
    kind: str  # "h1" (一、), "h2" (（一）), "p"
    text: str
    number: int = 0

    @property
    def label(self) -> str:
        """The text with its number: "一、主要工作和成绩", "（一）加强民主管理…"."""
        if self.kind == "h1":
            return f"{layout.chinese_number(self.number)}、{self.text}"
        if self.kind == "h2":
            return f"（{layout.chinese_number(self.number)}）{self.text}"
        return self.text


@dataclass
class Outline:
    title: str
    blocks: list[Block]
    org_name: str
    date_text: str
    appendix: list[list[str]] = field(default_factory=list)
    date: Any = None


def appendix_rows(summary: Summary) -> list[list[str]]:
    return [
        [
            f["label"],
            # The unit has its own column: a rate's display ("75.0%") does not repeat it.
            (f.get("display") or "—").removesuffix("%") if f["unit"] == "%" else f.get("display") or "—",
            f["unit"],
            "" if f["record_count"] is None else str(f["record_count"]),
        ]
        for f in summary.facts
    ]


def outline(summary: Summary) -> Outline:
    paragraphs = {p.section: p for p in summary.paragraphs.all()}
    blocks: list[Block] = []
    if "opening" in paragraphs:
        blocks.append(Block("p", paragraphs["opening"].text))
    if "scope" in paragraphs:  # which unions the figures count (本级 or with subordinate unions)
        blocks.append(Block("p", paragraphs["scope"].text))
    blocks.append(Block("h1", _("主要工作和成绩"), 1))
    n = 0
    for p in sorted(paragraphs.values(), key=lambda p: p.order):
        if p.section.startswith("area.") or p.section == "awards":
            n += 1
            blocks.append(Block("h2", p.heading, n))
            blocks.append(Block("p", p.text))
    blocks.append(Block("h1", _("存在的问题"), 2))
    if "problems" in paragraphs:
        blocks.append(Block("p", paragraphs["problems"].text))
    blocks.append(Block("h1", _("下一年工作打算"), 3))
    for i, item in enumerate(summary.plan_items.all(), start=1):
        blocks.append(
            Block("p", f"{i}.{item.text}。" if not item.text.endswith("。") else f"{i}.{item.text}")
        )
    if "closing" in paragraphs:
        blocks.append(Block("p", paragraphs["closing"].text))
    day = summary.signed_on or timezone.localdate()
    return Outline(
        summary.title, blocks, summary.org.name, layout.chinese_date(day), appendix_rows(summary), day
    )


APPENDIX_HEADER = ["指标", "数值", "单位", "记录数"]


def summary_docx(summary: Summary) -> bytes:
    o = outline(summary)
    document = layout.new_document()
    layout.title(document, o.title)
    for block in o.blocks:
        if block.kind == "h1":
            layout.heading(document, block.number, block.text)
        elif block.kind == "h2":
            layout.subheading(document, block.number, block.text)
        else:
            layout.body(document, block.text)
    layout.signature(document, o.org_name, o.date)
    document.add_page_break()
    heading = layout.new_paragraph(document)
    layout.add_text(
        heading, _("附表：%(title)s数据一览") % {"title": o.title}, layout.HEADING_FONT, layout.BODY_SIZE
    )
    layout.table(document, [_(h) for h in APPENDIX_HEADER], o.appendix)
    return layout.save(document)


def summary_pdf(summary: Summary) -> bytes:
    o = outline(summary)
    return pdf.render_to_pdf(
        "reports/pdf/summary.html",
        {"o": o, "header": [_(h) for h in APPENDIX_HEADER]},
        css="h3 { font-family: " + pdf.SERIF_STACK + "; font-weight: 400; font-style: normal; }",
    )


# --- the work plan (工作计划) ------------------------------------------------------------------

MONTH_HEADER = ["月份", "活动安排"]


def _numbered(i: int, text: str) -> str:
    return f"{i}.{text}" if text.endswith("。") else f"{i}.{text}。"


def month_rows(plan: WorkPlan) -> list[list[str]]:
    by_month: dict[int, list[str]] = {}
    for activity in plan.months.all():
        by_month.setdefault(activity.month, []).append(activity.text.rstrip("。；"))
    return [[_("%(n)s月") % {"n": month}, "；".join(texts)] for month, texts in sorted(by_month.items())]


def workplan_outline(plan: WorkPlan) -> Outline:
    """指导思想 → 工作目标 → 主要任务 by section → 月份活动安排 (the table, as `appendix`)."""
    items = list(plan.items.all())
    blocks = [Block("h1", _("指导思想"), 1), Block("p", plan.guiding_ideas)]
    blocks.append(Block("h1", _("工作目标"), 2))
    goals = [item for item in items if item.target_key]
    for i, item in enumerate(goals, start=1):
        text = item.text
        if item.current_value:
            text += _("（本年度：%(value)s）") % {"value": item.current_value}
        blocks.append(Block("p", _numbered(i, text)))
    blocks.append(Block("h1", _("主要任务"), 3))
    tasks = [item for item in items if not item.target_key]
    n = 0
    for section, label in PlanSection.choices:
        rows = [item for item in tasks if item.section == section]
        if rows:
            n += 1
            blocks.append(Block("h2", str(label), n))
            blocks.extend(Block("p", _numbered(i, item.text)) for i, item in enumerate(rows, start=1))
    blocks.append(Block("h1", _("月份活动安排"), 4))
    day = timezone.localdate()
    return Outline(plan.title, blocks, plan.org.name, layout.chinese_date(day), month_rows(plan), day)


def workplan_docx(plan: WorkPlan) -> bytes:
    o = workplan_outline(plan)
    document = layout.new_document()
    layout.title(document, o.title)
    for block in o.blocks:
        if block.kind == "h1":
            layout.heading(document, block.number, block.text)
        elif block.kind == "h2":
            layout.subheading(document, block.number, block.text)
        else:
            layout.body(document, block.text)
    layout.table(document, [_(h) for h in MONTH_HEADER], o.appendix)
    layout.signature(document, o.org_name, o.date)
    return layout.save(document)


def workplan_pdf(plan: WorkPlan) -> bytes:
    o = workplan_outline(plan)
    return pdf.render_to_pdf(
        "reports/pdf/workplan.html",
        {"o": o, "header": [_(h) for h in MONTH_HEADER]},
        css="h3 { font-family: " + pdf.SERIF_STACK + "; font-weight: 400; font-style: normal; }",
    )
