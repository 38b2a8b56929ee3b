"""Result documents as DOCX, in the layout of congress.documents (GB/T 9704: fonts, margins,
page numbers), whose helpers are reused here, not copied:

* 选举结果报告单 (election), 评选结果 (award), 投票结果 (simple poll): ballots issued and
  returned, valid and invalid, votes per candidate, elected, ties to be voted again;
* 测评汇总表 (evaluation): per person respondents and grade distribution or weighted scores,
  only where the minimum number of respondents was met.

Only built from `services.poll_tally`, so a document exists only for a released poll.
PDF output (WeasyPrint) is not done yet.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from gonghui.congress.documents import _body, _heading, _new_document, _save, _signature, _table, _title

from .enums import Grade, PollKind

KIND_TITLES = {
    PollKind.ELECTION: "选举结果报告单",
    PollKind.AWARD: "评选结果报告单",
    PollKind.SIMPLE: "投票结果",
    PollKind.EVALUATION: "民主测评汇总表",
}


def result_docx(tally: Any, turnout: Any) -> tuple[bytes, str]:
    """(content, file name) of the poll's result document."""
    poll = tally.poll
    title = KIND_TITLES[poll.kind]
    document = _new_document()
    _title(document, f"{poll.title}{title}")
    _body(document, f"应参加人数{turnout.electorate}人，实际参加{turnout.voted}人，参与率"
                    f"{turnout.percent if turnout.percent is not None else '—'}%。")  # fmt: skip
    if tally.counted is not None:
        _count_section(document, poll, tally.counted)
    else:
        _evaluation_section(document, poll, tally)
    _signature(document, poll.org.name, timezone.localdate())
    return _save(document), f"{poll.title}{title}.docx"


def _count_section(document: Any, poll: Any, counted: Any) -> None:
    _body(document, f"收回选票{counted.total}张，其中有效票{counted.valid}张，无效票{counted.invalid}张。"
                    f"{'应选' if poll.kind != PollKind.SIMPLE else '每票最多可选'}{poll.choose_max}"
                    f"{'人' if poll.kind != PollKind.SIMPLE else '项'}。")  # fmt: skip
    _heading(document, 1, "得票情况")
    rows = []
    for index, row in enumerate(counted.rows, 1):
        mark = "当选" if row.elected else ("票数相同，须再次投票" if row.tie else "")
        rows.append([index, row.name + ("(另选)" if row.write_in else ""), row.votes,
                     f"{row.percent:.1f}%" if row.percent is not None else "—", mark])  # fmt: skip
    _table(document, ["序号", "姓名/选项", "得票", "得票率", "结果"], rows)
    if counted.decides:
        _heading(document, 2, "结果")
        elected = "、".join(r.name for r in counted.elected) or "无"
        _body(document, f"按照得票超过有效票{counted.majority_percent}%（即不少于{counted.threshold}票）"
                        f"且得票多者当选的规则，当选：{elected}。")  # fmt: skip
        if counted.ties:
            _body(
                document,
                "以下人选得票相同、争夺最后名额，须按规定再次投票："
                + "、".join(r.name for r in counted.ties)
                + "。",
            )
    _body(document, "计票人：          监票人：          总监票人：")


def _evaluation_section(document: Any, poll: Any, tally: Any) -> None:
    _body(
        document, f"收回测评表{tally.ballots}份。评议人数少于{poll.min_respondents}人的被测评人不公布结果。"
    )
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
    _table(document, header, rows)
