"""Result documents, as DOCX and as PDF, built from one `ResultSheet`:

* 选举结果报告单 (election), 评选结果报告单 with the award list (award), 投票结果 (simple
  poll): ballots issued and returned, valid and invalid, votes per candidate, elected, ties to
  be voted again;
* 民主测评汇总表 (evaluation): per person respondents and grade distribution or weighted
  scores, only where the minimum number of respondents was met.

`result_sheet` says what the document says (title, paragraphs, headings, tables, signature);
`result_docx` writes it with the GB/T 9704 helpers of core.docx (reused, not copied) and
`result_pdf` renders it with the template voting/pdf/result_sheet.html through `core.pdf`.
Only built from `services.poll_tally`, so a document exists only for a released poll.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from gonghui.core import pdf
from gonghui.core.docx import HEADING_NUMBERS, chinese_date
from gonghui.core.docx import body as _body
from gonghui.core.docx import heading as _heading
from gonghui.core.docx import new_document as _new_document
from gonghui.core.docx import save as _save
from gonghui.core.docx import signature as _signature
from gonghui.core.docx import table as _table
from gonghui.core.docx import title as _title

from . import rules
from .enums import Grade, PollKind

KIND_TITLES = {
    PollKind.ELECTION: "选举结果报告单",
    PollKind.AWARD: "评选结果报告单",
    PollKind.SIMPLE: "投票结果",
    PollKind.EVALUATION: "民主测评汇总表",
}
SIGNERS = "计票人：          监票人：          总监票人："
# Evaluation tables have up to nine columns: a little smaller type so they fit the text block.
PDF_CSS = "table.wide { font-size: 10.5pt; line-height: 16pt; }"


@dataclass
class Block:
    """One piece of a sheet: a paragraph ("p"), a numbered heading ("h", text already numbered),
    a table ("table": header and rows) or the tellers' line ("signers")."""

    kind: str
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)

    @property
    def wide(self) -> bool:
        return len(self.header) > 6


@dataclass
class ResultSheet:
    title: str
    org_name: str
    day: dt.date
    blocks: list[Block] = field(default_factory=list)

    @property
    def date_text(self) -> str:
        return chinese_date(self.day)

    def p(self, text: str) -> None:
        self.blocks.append(Block("p", text))

    def h(self, number: int, text: str) -> None:
        self.blocks.append(Block("h", f"{HEADING_NUMBERS[number - 1]}、{text}"))

    def table(self, header: list[str], rows: list[list[Any]]) -> None:
        self.blocks.append(Block("table", header=header, rows=rows))


def sheet_title(title: str, kind_title: str) -> str:
    """The poll's title and the sheet's kind, without saying a word twice: 换届选举 + 选举结果报告单
    is 换届选举结果报告单, not 换届选举选举结果报告单."""
    overlap = max((k for k in range(1, len(kind_title)) if title.endswith(kind_title[:k])), default=0)
    return title + kind_title[overlap:]


def result_sheet(tally: Any, turnout: Any, *, today: dt.date | None = None) -> ResultSheet:
    """What the result document of a released poll says."""
    poll = tally.poll
    sheet = ResultSheet(
        sheet_title(poll.title, KIND_TITLES[poll.kind]), poll.org.name, today or timezone.localdate()
    )
    if poll.held_on is not None:  # the day it was held, which may be long before it was entered
        sheet.p(f"举行日期：{chinese_date(poll.held_on)}。")
    sheet.p(f"应参加人数{turnout.electorate}人，实际参加{turnout.voted}人，参与率"
            f"{turnout.percent if turnout.percent is not None else '—'}%。")  # fmt: skip
    if tally.counted is not None:
        _count_section(sheet, poll, tally.counted)
    else:
        _evaluation_section(sheet, poll, tally)
    return sheet


def result_docx(tally: Any, turnout: Any) -> tuple[bytes, str]:
    """(content, file name) of the poll's result document as DOCX."""
    sheet = result_sheet(tally, turnout)
    document = _new_document()
    _title(document, sheet.title)
    for block in sheet.blocks:
        if block.kind == "h":
            number, _sep, text = block.text.partition("、")
            _heading(document, HEADING_NUMBERS.index(number) + 1, text)
        elif block.kind == "table":
            _table(document, block.header, block.rows)
        else:
            _body(document, block.text)
    _signature(document, sheet.org_name, sheet.day)
    return _save(document), f"{sheet.title}.docx"


def result_pdf(tally: Any, turnout: Any) -> tuple[bytes, str]:
    """(content, file name) of the poll's result document as PDF (fonts embedded)."""
    sheet = result_sheet(tally, turnout)
    content = pdf.render_to_pdf("voting/pdf/result_sheet.html", {"sheet": sheet}, css=PDF_CSS)
    return content, f"{sheet.title}.pdf"


def _count_section(sheet: ResultSheet, poll: Any, counted: Any) -> None:
    sheet.p(f"收回选票{counted.total}张，其中有效票{counted.valid}张，无效票{counted.invalid}张。"
            f"{'应选' if poll.kind != PollKind.SIMPLE else '每票最多可选'}{poll.choose_max}"
            f"{'人' if poll.kind != PollKind.SIMPLE else '项'}。")  # fmt: skip
    sheet.h(1, "得票情况")
    elected_word = "入选" if poll.kind == PollKind.AWARD else "当选"
    rows = []
    for index, row in enumerate(counted.rows, 1):
        mark = elected_word if row.elected else ("票数相同，须再次投票" if row.tie else "")
        rows.append([index, row.name + ("(另选)" if row.write_in else ""), row.votes,
                     f"{row.percent:.1f}%" if row.percent is not None else "—", mark])  # fmt: skip
    sheet.table(["序号", "姓名/选项", "得票", "得票率", "结果"], rows)
    if not counted.is_valid:
        sheet.h(2, "结果")
        sheet.p(rules.outcome_text(counted))
    elif counted.decides:
        sheet.h(2, "结果")
        elected = "、".join(r.name for r in counted.elected) or "无"
        sheet.p(f"计票规则：{rules.rule_text(counted)}得票多者{elected_word}。{elected_word}：{elected}。")
        if counted.ties:
            sheet.p(
                "以下人选得票相同、争夺最后名额，须按规定再次投票："
                + "、".join(r.name for r in counted.ties)
                + "。"
            )
    if poll.kind == PollKind.AWARD and counted.is_valid:
        _award_list(sheet, poll, counted)
    sheet.blocks.append(Block("signers", SIGNERS))


def _award_list(sheet: ResultSheet, poll: Any, counted: Any) -> None:
    """评选名单: the selected, with the award, its level and the state of the public notice."""
    sheet.h(3, "表彰名单" if poll.award_final else "拟表彰名单")
    positions = {f"o{pk}": position for pk, position in poll.options.values_list("pk", "position")}
    level = poll.get_award_level_display()
    rows = [[index, row.name, positions.get(row.key, ""), poll.award_name, level, row.votes]
            for index, row in enumerate(counted.elected, 1)]  # fmt: skip
    sheet.table(["序号", "姓名", "职务/简介", "奖项", "级别", "得票"], rows)
    if poll.award_final:
        sheet.p("评选结果经公示，公示期满且异议均已处理，结果生效。")
    elif poll.notice_id:
        sheet.p("评选结果正在公示，公示期满且异议均已处理后生效。")
    else:
        sheet.p("评选结果尚待公示。")


def _evaluation_section(sheet: ResultSheet, poll: Any, tally: Any) -> None:
    sheet.p(f"收回测评表{tally.ballots}份。评议人数少于{poll.min_respondents}人的被测评人不公布结果。")
    people = tally.people or []
    if tally.dimensions:
        header = ["被测评人", "评议人数", *[f"{d.name}({d.max_score})" for d in tally.dimensions], "总分"]
        rows = [[p.name, p.respondents, *[p.dimension_scores.get(d.pk, "—") for d in tally.dimensions], p.total]
                if p.shown else [p.name, p.respondents, *["—"] * len(tally.dimensions), "人数不足"] for p in people]  # fmt: skip
    else:
        header = [
            "被测评人",
            "评议人数",
            *[str(label) for _value, label in Grade.choices],
            "优秀称职率",
            "加权得分",
        ]
        rows = [[p.name, p.respondents, *[p.grades.get(g, 0) for g in Grade.values],
                 f"{p.good_rate}%" if p.good_rate is not None else "—", p.total if p.total is not None else "—"]
                if p.shown else [p.name, p.respondents, *["—"] * len(Grade.values), "人数不足", "—"]
                for p in people]  # fmt: skip
    sheet.table(header, rows)
