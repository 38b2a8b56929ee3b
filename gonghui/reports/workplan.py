"""Drafting next year's work plan (工作计划) from this year's summary or facts (DOMAIN.md §4).

The plan says: 指导思想 → 工作目标 (numeric targets carried from this year's figures: an answer
rate of 91.7% becomes "提案答复率达到100%") → 主要任务 (the summary's problems and next-year
list, sorted into sections) → 月份活动安排 (the union's own dated records of this year — congress
sessions, polls, festival visits, 金秋助学, donation drives, check-ups — moved to next year's
month). Every line is a plain `DraftItem`/`DraftMonth`; `services` stores and keeps edits.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from gonghui.care import queries as care_queries
from gonghui.congress import session_queries
from gonghui.core.facts import Period
from gonghui.core.models import Org
from gonghui.voting import queries as voting_queries

from . import summary as drafting
from .models import PlanSection, Summary, WorkPlan


@dataclass
class DraftItem:
    section: str
    text: str
    target_key: str = ""
    current_value: str = ""
    target_value: str = ""
    unit: str = ""

    @property
    def key(self) -> str:
        return self.target_key or f"task:{self.text}"[:200]


@dataclass
class DraftMonth:
    month: int
    text: str
    source: str


@dataclass
class PlanDraft:
    title: str
    guiding_ideas: str
    items: list[DraftItem]
    months: list[DraftMonth]


def plan_title(org: Org, year: int) -> str:
    return _("%(org)s%(year)s年工作计划") % {"org": org.name, "year": year}


def guiding_ideas_for(org: Org, year: int) -> str:
    """The union's own wording if it reworded last year's plan (its year moved on), else the
    default: like the summary's opening, the 指导思想 is kept per union from year to year."""
    last = WorkPlan.objects.filter(org=org, year=year - 1).order_by("-created_at").first()
    if (
        last is not None
        and last.guiding_ideas.strip()
        and last.guiding_ideas != default_guiding_ideas(org, year - 1)
    ):
        return last.guiding_ideas.replace(f"{year - 1}年", f"{year}年")
    return default_guiding_ideas(org, year)


def default_guiding_ideas(org: Org, year: int) -> str:
    return _(
        "%(year)s年，%(org)s以习近平新时代中国特色社会主义思想为指导，深入贯彻党的二十大精神，在上级工会和"
        "本单位党组织的领导下，坚持以职工为中心，认真履行维权服务基本职责，团结带领广大会员和职工群众，"
        "为推动本单位高质量发展贡献力量。"
    ) % {"org": org.name, "year": year}


# --- 工作目标: targets carried from the figures ---------------------------------------------------

# (fact key, section, the measure, the target for a current value). A target below 100% reads
# "达到95%以上"; 100% is the most there is: "达到100%", never "100%以上".
TARGETS: list[tuple[str, str, str, Any]] = [
    ("congress.answer_rate", PlanSection.DEMOCRACY, N_("提案答复率"), lambda v: 100),
    ("congress.on_time_rate", PlanSection.DEMOCRACY, N_("提案按期答复率"), lambda v: 100),
    ("congress.satisfaction_rate", PlanSection.DEMOCRACY, N_("提案办理满意率"), lambda v: 95 if v < 95 else 100),
    ("voting.turnout", PlanSection.ELECTIONS, N_("选举和评议参投率"), lambda v: 95 if v < 95 else 100),
    ("care.donation.rate", PlanSection.CARE, N_("捐款活动参与率"), lambda v: 90 if v < 90 else 100),
    ("care.health.checkup.rate", PlanSection.CARE, N_("职工体检受检率"), lambda v: 100),
    ("members.join_rate", PlanSection.MEMBERS, N_("职工入会率"), lambda v: 95 if v < 95 else 100),
]  # fmt: skip


def target_text(measure: str, target: int) -> str:
    if target < 100:
        return _("%(measure)s达到%(target)s%%以上") % {"measure": measure, "target": target}
    return _("%(measure)s达到%(target)s%%") % {"measure": measure, "target": target}


def targets(facts: dict[str, dict[str, Any]]) -> list[DraftItem]:
    found: list[DraftItem] = []
    for key, section, measure, rule in TARGETS:
        fact = facts.get(key)
        if fact is None or fact.get("value") is None:
            continue
        value = float(fact["value"])
        target = rule(value)
        found.append(DraftItem(section, target_text(_(measure), target), key,
                               drafting.fmt_percent(value), str(target), "%"))  # fmt: skip
    files = facts.get("care.files.open")
    if files is not None and files.get("value"):
        overdue = (facts.get("care.files.overdue") or {}).get("value") or 0
        found.append(DraftItem(
            PlanSection.CARE, target_text(_("困难职工档案按期复核率"), 100), "care.files.overdue",
            _("逾期%(n)s份") % {"n": drafting.fmt_int(overdue)}, "100", "%",
        ))  # fmt: skip
    return found


RATE = re.compile(r"[\u4e00-\u9fff]{2}率")
SETS_A_TARGET = re.compile(r"达到\d+(\.\d+)?%")


def _rates(text: str) -> set[str]:
    """The rates a text names, by their last word: 提案按期答复率 and 答复率 are both 答复率."""
    return set(RATE.findall(text))


def without_set_targets(task: str, goals: list[DraftItem]) -> str:
    """`task` without the clauses that set a target for a figure the goals already set (the
    summary's "满意率达到90%以上" beside the goal "满意率达到95%以上" would be two targets)."""
    covered = set().union(*(_rates(goal.text) for goal in goals)) if goals else set()
    kept = [
        clause
        for clause in task.split("，")
        if not (SETS_A_TARGET.search(clause) and _rates(clause) and _rates(clause) <= covered)
    ]
    return "，".join(kept)


# --- 主要任务: the summary's list, sorted into sections -----------------------------------------

SECTION_WORDS: list[tuple[str, str]] = [
    (PlanSection.ELECTIONS, "选举|评议|评优|参投|测评|表彰"),
    (PlanSection.DEMOCRACY, "提案|代会|民主|公开|公示"),
    (PlanSection.CARE, "帮扶|慰问|困难|助学|捐|体检|关爱|关怀|疗休养"),
    (PlanSection.MEMBERS, "入会|会员|会籍"),
]


def section_of(text: str) -> str:
    for section, words in SECTION_WORDS:
        if re.search(words, text):
            return section
    return PlanSection.OTHER


def tasks(summary: Summary | None, org: Org, period: Period, facts: list[Any]) -> list[str]:
    if summary is not None:
        return [item.text for item in summary.plan_items.all()]
    c = drafting.Context(org, period, False, drafting.Figures(facts))
    _problems, plan = drafting._problems(c, [])
    return plan


# --- 月份活动安排: this year's dated records, moved to next year -----------------------------------

# The occasion (care) and poll kind (voting) codes are the stored values of those apps' code
# tables, read here as data: the plan's wording is this module's, the records the apps' queries'.
FESTIVALS: dict[str, str] = {
    "spring_festival": N_("开展春节走访慰问活动，慰问离退休教职工和困难职工"),
    "chongyang": N_("开展重阳节走访慰问离退休老同志活动"),
    "summer": N_("开展夏送清凉活动"),
}
ELECTION, EVALUATION, AWARD, SIMPLE = "election", "evaluation", "award", "simple"
POLL_WORDS: dict[str, str] = {
    ELECTION: N_("组织“%(title)s”选举"),
    EVALUATION: N_("组织“%(title)s”民主测评"),
    AWARD: N_("开展“%(title)s”"),
    SIMPLE: N_("组织“%(title)s”投票"),
}


# A poll's title often already says what it is ("中层干部民主测评"): then it is not said twice.
POLL_ENDINGS: dict[str, tuple[str, ...]] = {
    EVALUATION: ("测评", "评议"),
    ELECTION: ("选举",),
    SIMPLE: ("投票", "表决"),
}


def poll_line(kind: str, title: str) -> str:
    if title.endswith(POLL_ENDINGS.get(kind, ())):
        return _("组织开展“%(title)s”") % {"title": title}
    return _(POLL_WORDS.get(kind, POLL_WORDS[SIMPLE])) % {"title": title}


def _next_year_title(title: str, year: int) -> str:
    return title.replace(str(year), str(year + 1))


def calendar(org: Org, start: dt.date, end: dt.date) -> list[DraftMonth]:
    """The union's own dated records in [start, end], each in its month, worded for next year."""
    months: list[DraftMonth] = []
    year = end.year if start.month == 1 else start.year
    for session in session_queries.sessions_of(org, start, end):
        months.append(DraftMonth(session["date"].month, _("召开第%(term)s届%(kind)s第%(n)s次会议") % {
            "term": session["term"], "kind": session["kind"], "n": session["next"],
        }, f"congress.session:{session['pk']}"))  # fmt: skip
    # Elections (换届, 补选) follow the committee's term, not the year: next year's plan does not
    # repeat them. Evaluations and awards come round every year.
    for poll in voting_queries.polls_held_by(org, start, end, besides=[ELECTION]):
        line = poll_line(poll["kind"], _next_year_title(poll["title"], year))
        months.append(DraftMonth(poll["held_on"].month, line, f"voting.{poll['kind']}:{poll['pk']}"))
    seen: set[str] = set()
    for visit in care_queries.visits_on_occasions(org, start, end, FESTIVALS):
        if visit["occasion"] not in seen:
            seen.add(visit["occasion"])
            months.append(DraftMonth(visit["visited_on"].month, _(FESTIVALS[visit["occasion"]]),
                                     f"care.visit.{visit['occasion']}"))  # fmt: skip
    aid_day = care_queries.first_student_aid_day(org, start, end)
    if aid_day is not None:
        months.append(DraftMonth(aid_day.month, _("开展金秋助学活动，资助困难职工子女"), "care.student_aid"))
    # Only the yearly 博爱一日捐 comes round again; a one-off appeal (爱心捐款 for a colleague, a
    # disaster) is not planned for next year.
    for drive in care_queries.charity_days(org, start, end):
        months.append(DraftMonth(drive["starts_on"].month, _("组织开展“%(title)s”捐款活动") % {
            "title": _next_year_title(drive["title"], year)}, f"care.donation:{drive['pk']}"))  # fmt: skip
    for check in care_queries.health_campaigns_of(org, start, end):
        months.append(DraftMonth(check["starts_on"].month, _("组织%(title)s") % {
            "title": _next_year_title(check["title"], year)},
            f"care.health.{check['kind']}:{check['pk']}"))  # fmt: skip
    months.append(DraftMonth(12, _("总结全年工作，起草年度工作总结和下一年工作计划"), "routine"))
    unique: dict[tuple[int, str], DraftMonth] = {}
    for m in months:  # one line per month and wording (two sessions' visits are one line)
        unique.setdefault((m.month, m.text), m)
    return sorted(unique.values(), key=lambda m: m.month)


def draft(org: Org, year: int, *, summary: Summary | None = None) -> PlanDraft:
    """The plan for `year + 1`, from `summary` (its figures and list) or this year's facts."""
    if summary is not None:
        period = drafting.period_for(summary.period_kind, summary.year)
        fact_map = summary.fact_map()
        facts: list[Any] = []
    else:
        period = Period.calendar_year(year)
        facts = drafting.collect_facts(org, period, subtree=False)
        fact_map = {row["key"]: row for row in drafting.fact_rows(facts)}
    goals = targets(fact_map)
    items = list(goals)
    for text in tasks(summary, org, period, facts):
        task = without_set_targets(text, goals)
        if task:
            items.append(DraftItem(section_of(task), task))
    return PlanDraft(
        plan_title(org, year + 1),
        guiding_ideas_for(org, year + 1),
        items,
        calendar(org, period.start, period.end),
    )
