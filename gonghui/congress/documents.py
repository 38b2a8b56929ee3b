"""DOCX documents of a congress session, laid out per GB/T 9704 (REFERENCE.md §4).

`session_resolution_docx(session)`: the draft resolution (决议) with each agenda item's result.
`proposal_report_docx(session)`: 关于第X届第X次教代会提案办理情况的报告, with the rates of
`facts.proposal_counts`, tables by category and department, the proposals and their answers,
and the unfinished proposals carried over from the previous session of the term.

A report lists a few hundred proposals. It reads them as plain values (a handful of queries, no
model instance per proposal, answer or department) and writes each run by copying a prebuilt one
with its fonts already named: building every run's properties element by element, and finding the
section properties among all of the body's children for every new paragraph, cost python-docx
ten times the SQL.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gonghui.core.docx import (  # noqa: F401  (re-exported: voting.documents imports these)
    BODY_FONT,
    BODY_SIZE,
    HEADING_FONT,
    HEADING_NUMBERS,
    LINE_SPACING,
    TABLE_SIZE,
    TITLE_FONT,
    TITLE_SIZE,
    add_text,
    chinese_date,
    set_font,
)
from gonghui.core.docx import body as _body
from gonghui.core.docx import heading as _heading
from gonghui.core.docx import new_document as _new_document
from gonghui.core.docx import save as _save
from gonghui.core.docx import signature as _signature
from gonghui.core.docx import table as _table
from gonghui.core.docx import title as _title
from gonghui.core.facts import percent

from .enums import (
    REGISTERED_STATES,
    CongressKind,
    Implementation,
    ItemResult,
    ProposalCategory,
    ProposalState,
    Rating,
)
from .facts import proposal_counts
from .models import AgendaItem, Answer, Assignment, CongressSession, Proposal, ordinal

SHORT_KIND: dict[str, str] = {
    CongressKind.STAFF: "教代会",
    CongressKind.WORKERS: "职代会",
    CongressKind.MEMBER_DELEGATES: "会员代表大会",
    CongressKind.MEMBERS: "会员大会",
}


def session_name(session: CongressSession) -> str:
    """第六届第二次教代会."""
    term = session.term
    return f"第{ordinal(term.number)}届第{ordinal(session.number)}次{SHORT_KIND.get(term.kind, '教代会')}"


def unit_name(org: Any) -> str:
    """The unit whose congress it is (第一中学), not its union (第一中学工会)."""
    return org.short_name or org.name.removesuffix("工会")


def congress_name(session: CongressSession) -> str:
    """第一中学第六届第二次教代会: the congress is the unit's, called by its union."""
    return f"{unit_name(session.org)}{session_name(session)}"


# An agenda item is often entered as the motion itself ("审议《学校工作报告》"); the resolution
# names the document: the verb goes and the title marks are not doubled.
MOTION_VERBS = re.compile(
    r"^(听取并审议|听取和审议|审议并通过|审议通过|讨论通过|讨论并通过|审议|讨论|表决|听取)"
)


def document_title(title: str) -> str:
    """The document an agenda item names: 审议《学校工作报告》 -> 学校工作报告; title marks
    inside it become 〈〉 (《关于修订〈奖励办法〉的说明》)."""
    text = MOTION_VERBS.sub("", title.strip()).strip(' ：:“”"')
    if _wrapped(text):
        text = text[1:-1]
    return text.replace("《", "〈").replace("》", "〉") or title.strip()


def _wrapped(text: str) -> bool:
    """Is the whole of `text` one 《…》 (its first mark closes at its end)?"""
    if not (text.startswith("《") and text.endswith("》")):
        return False
    depth = 0
    for position, char in enumerate(text):
        depth += (char == "《") - (char == "》")
        if depth == 0 and position < len(text) - 1:
            return False
    return True


def rate_text(part: int, whole: int) -> str:
    value = percent(part, whole)
    return "—" if value is None else f"{value:.1f}%"


# --- the resolution ---------------------------------------------------------------------------


def _result_text(item: AgendaItem) -> str:
    votes = f"赞成{item.votes_for}票，反对{item.votes_against}票，弃权{item.votes_abstain}票"
    title = document_title(item.title)
    if item.result == ItemResult.PASSED:
        return f"大会审议通过《{title}》（{votes}）。"
    if item.result == ItemResult.FAILED:
        return f"《{title}》未获通过（{votes}），不得执行。"
    if item.result == ItemResult.REVISE:
        return f"《{title}》经大会审议，须修改后再议（{votes}），修改前不得执行。"
    return f"《{title}》尚待表决。"


def session_resolution_docx(session: CongressSession) -> bytes:
    """The draft resolution (决议草案) of a session: attendance and each agenda item's result."""
    term, org = session.term, session.org
    delegates = term.delegates.filter(active=True).count()
    present = session.attendances.count()
    items = list(session.items.order_by("order", "id"))
    document = _new_document()
    congress = congress_name(session)
    _title(document, f"{congress}决议（草案）")
    place = f"在{session.place}" if session.place else ""
    _body(
        document,
        f"{congress}于{chinese_date(session.date)}{place}召开。"
        f"本届代表{delegates}人，出席会议{present}人。大会审议了下列议题，表决结果如下：",
    )
    for index, item in enumerate(items, start=1):
        _body(document, f"{index}. {_result_text(item)}")
    if not items:
        _body(document, "本次会议未安排表决议题。")
    staff = "全体教职工" if term.kind == CongressKind.STAFF else "全体职工"
    _body(document, f"大会号召{staff}，认真贯彻落实大会精神，为推动本单位高质量发展而共同努力。")
    _signature(document, org.name, session.date)
    return _save(document)


# --- the proposal report ----------------------------------------------------------------------


@dataclass(frozen=True)
class ReportLine:
    """One proposal in the report's list, as plain values."""

    number: int | None
    title: str
    proposer: str
    departments: str  # the active handling departments, 、-separated, or —
    state: str
    rating: str
    implementation: str
    implementation_note: str
    answer: str | None  # the latest answer


@dataclass(frozen=True)
class Handling:
    """The active assignments and the answers of a set of proposals (two queries)."""

    departments: dict[int, list[str]]  # proposal -> department names, in assignment order
    latest_answer: dict[int, str]  # proposal -> its latest answer
    department_rows: list[list[Any]]  # [name, assigned, answered, answered on time], by name


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


def handling(proposals: QuerySet[Proposal]) -> Handling:
    assignments = Assignment.objects.filter(proposal__in=proposals, active=True).order_by("assigned_at", "id")
    answers = Answer.objects.filter(proposal__in=proposals).order_by("answered_at", "id")
    latest: dict[int, str] = {}
    answered: set[int] = set()
    late: set[int] = set()
    for proposal_id, assignment_id, on_time, body in answers.values_list(
        "proposal_id", "assignment_id", "on_time", "body"
    ):
        latest[proposal_id] = body
        answered.add(assignment_id)
        if not on_time:
            late.add(assignment_id)
    departments: dict[int, list[str]] = defaultdict(list)
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for pk, proposal_id, name, username in assignments.values_list(
        "pk", "proposal_id", "department__name", "department__username"
    ):
        department = name or username
        departments[proposal_id].append(department)
        row = tally[department]
        row[0] += 1
        if pk in answered:
            row[1] += 1
            row[2] += pk not in late
    return Handling(
        departments=departments,
        latest_answer=latest,
        department_rows=[[name, *values] for name, values in sorted(tally.items())],
    )


def report_lines(proposals: QuerySet[Proposal], known: Handling | None = None) -> list[ReportLine]:
    """The proposals in number order with their departments and latest answer (`known`: the
    handling of a set that includes them, else read here)."""
    known = known or handling(proposals)
    states, ratings = _labels(ProposalState.choices), _labels(Rating.choices)
    implementations = _labels(Implementation.choices)
    rows = proposals.order_by("number", "id").values_list(
        "pk", "number", "title", "proposer__name", "state", "rating", "implementation", "implementation_note"
    )
    return [
        ReportLine(
            number=number, title=title, proposer=proposer, departments="、".join(known.departments.get(pk, [])) or "—",
            state=states.get(state, state), rating=ratings.get(rating, rating),
            implementation=implementations.get(implementation, implementation),
            implementation_note=note, answer=known.latest_answer.get(pk),
        )
        for pk, number, title, proposer, state, rating, implementation, note in rows
    ]  # fmt: skip


def previous_session(session: CongressSession) -> CongressSession | None:
    return (
        CongressSession.objects.filter(term_id=session.term_id, number__lt=session.number)
        .order_by("-number")
        .first()
    )


def carried_over(session: CongressSession) -> list[ReportLine]:
    """Registered proposals of the term's previous session that are not closed (办结) yet."""
    previous = previous_session(session)
    if previous is None:
        return []
    pending = REGISTERED_STATES - {ProposalState.CLOSED}
    return report_lines(previous.proposals.filter(state__in=pending))


def proposal_report_docx(session: CongressSession, *, today: dt.date | None = None) -> bytes:
    org = session.org
    proposals = session.proposals.all()
    c = proposal_counts(proposals)
    document = _new_document()
    name = session_name(session)
    _title(document, f"关于{name}提案办理情况的报告")

    _heading(document, 1, "提案基本情况")
    _body(
        document,
        f"{name}共收到代表提案{c['submitted']}件，经提案工作委员会审查，立案{c['registered']}件，"
        f"立案率{rate_text(c['registered'], c['submitted'])}。截至目前，已答复{c['answered']}件，"
        f"答复率{rate_text(c['answered'], c['registered'])}；按期答复{c['on_time']}件，"
        f"按期答复率{rate_text(c['on_time'], c['registered'])}；提案人已评价{c['rated']}件，"
        f"其中满意（含基本满意）{c['satisfied']}件，满意率{rate_text(c['satisfied'], c['rated'])}；"
        f"已落实{c['implemented']}件，落实率{rate_text(c['implemented'], c['registered'])}；"
        f"已办结{c['closed']}件。",
    )

    _heading(document, 2, "提案分类情况")
    by_category: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for category, state, answered in proposals.exclude(state=ProposalState.DRAFT).values_list(
        "category", "state", "first_answered_at"
    ):
        row = by_category[category]
        row[0] += 1
        if state in REGISTERED_STATES:
            row[1] += 1
            row[2] += answered is not None
    _table(
        document,
        ["类别", "提案数", "立案数", "已答复"],
        [[label, *by_category[value]] for value, label in ProposalCategory.choices if value in by_category],
    )

    _heading(document, 3, "承办部门办理情况")
    known = handling(proposals)
    department_rows = known.department_rows
    if department_rows:
        _table(document, ["承办部门", "交办件数", "已答复", "按期答复"], department_rows)
    else:
        _body(document, "本次会议提案尚未交办。")

    _heading(document, 4, "提案及答复情况")
    registered = report_lines(proposals.filter(state__in=REGISTERED_STATES), known)
    for line in registered:
        _proposal_paragraphs(document, line)
    if not registered:
        _body(document, "本次会议暂无立案提案。")

    _heading(document, 5, "上次会议结转未办结提案")
    previous = carried_over(session)
    for line in previous:
        _proposal_paragraphs(document, line)
    if not previous:
        _body(document, "上次会议提案均已办结，无结转提案。")

    _signature(document, f"{org.name}提案工作委员会", today or timezone.localdate())
    return _save(document)


def _proposal_paragraphs(document: Any, line: ReportLine) -> None:
    number = f"第{line.number}号" if line.number else ""
    _body(
        document,
        f"{number}《{line.title}》（提案人：{line.proposer}；承办部门：{line.departments}；状态：{line.state}"
        + (f"；评价：{line.rating}" if line.rating else "")
        + "）",
    )
    _body(document, f"答复：{line.answer}" if line.answer is not None else "答复：尚未答复。")
    if line.implementation_note:
        _body(document, f"落实情况：{line.implementation}，{line.implementation_note}")
