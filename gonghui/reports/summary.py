"""Drafting the annual work summary (工作总结) from facts (DESIGN.md §6, DOMAIN.md §4).

`draft(org, period, subtree=...)` collects every app's facts (`core.facts`) and writes the
document in the order Chinese unions use: title → opening (guiding ideas) → 一、主要工作和成绩
with one numbered section per area that has records, then 表彰奖励情况 → 二、存在的问题 →
三、下一年工作打算 → closing line. Every figure in the prose is a fact's value, formatted the
way the seeds state them (no thousands separators, 元 with two decimals only when needed,
percentages with one decimal); named examples (the sessions held, the largest donation drive,
the awards given) come from the apps' query modules. The prose is gettext with named
placeholders, so it can be translated and reworded without touching the code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from gonghui.congress import session_queries
from gonghui.core import facts as core_facts
from gonghui.core.docx import chinese_date
from gonghui.core.facts import Fact, Period
from gonghui.core.models import Org
from gonghui.voting import queries as voting_queries

from .models import PeriodKind
from .summary_care import care as _care
from .summary_figures import (
    Context,
    Figures,
    fmt_amount,
    fmt_int,
    fmt_percent,
    fmt_value,
    json_value,
)
from .summary_figures import join as _join
from .summary_figures import sentence as _sentence

__all__ = ["Figures", "fmt_amount", "fmt_int", "fmt_percent", "fmt_value", "json_value"]


def period_for(kind: str, year: int) -> Period:
    if kind == PeriodKind.SCHOOL:
        return Period.school_year(year)
    if kind == PeriodKind.STATISTICAL:
        return Period.statistical_year(year)
    return Period.calendar_year(year)


def summary_title(org: Org, period: Period) -> str:
    return _("%(org)s%(period)s工作总结") % {"org": org.name, "period": period.label}


def default_guiding_ideas(org: Org) -> str:
    return _(
        "一年来，%(org)s以习近平新时代中国特色社会主义思想为指导，深入贯彻党的二十大精神，认真落实"
        "中国工会十八大部署，在上级工会和本单位党组织的领导下，紧紧围绕单位中心工作，坚持以职工为中心，"
        "认真履行维权服务基本职责，团结带领广大会员和职工群众凝心聚力、担当作为，各项工作取得了新的成效。"
        "现将一年来的工作总结如下："
    ) % {"org": org.name}


# --- the draft ---------------------------------------------------------------------------------


@dataclass
class DraftParagraph:
    section: str
    heading: str
    text: str
    fact_keys: list[str] = field(default_factory=list)


@dataclass
class Draft:
    title: str
    facts: list[dict[str, Any]]
    paragraphs: list[DraftParagraph]
    plan: list[str]


def _congress(c: Context) -> str:
    f = c.f
    if not (f.n("congress.sessions") or f.n("congress.proposals") or f.n("congress.suggestions")):
        return ""
    parts: list[str] = []
    if f.n("congress.sessions"):
        text = _("全年共召开教(职)代会%(n)s次") % {"n": f.s("congress.sessions")}
        if c.subtree:
            text += _("，%(n)s个单位召开了教(职)代会") % {"n": f.s("congress.unions_held")}
        held = session_queries.sessions_held(c.org, c.period.start, c.period.end, subtree=c.subtree)
        named = [
            _("%(date)s%(org)s召开%(name)s") % {
                "date": chinese_date(s["date"]), "org": s["org"] if c.subtree else "", "name": s["name"]
            }
            for s in held[:3]
        ]  # fmt: skip
        if named:
            text += _("，其中%(list)s") % {"list": "、".join(named)}
        text += _("，凡涉及教职工切身利益的重大事项均提交大会审议")
        parts.append(text)
    if f.n("congress.proposals"):
        rates = [
            _("%(label)s%(value)s") % {"label": f.by_key[key].label, "value": f.s(key)}
            for key in (
                "congress.answer_rate",
                "congress.on_time_rate",
                "congress.satisfaction_rate",
                "congress.implementation_rate",
            )
            if f.raw(key) is not None
        ]
        text = _("共征集提案%(submitted)s件，立案%(registered)s件，立案率%(rate)s") % {
            "submitted": f.s("congress.proposals"),
            "registered": f.s("congress.registered"),
            "rate": f.s("congress.registration_rate"),
        }
        parts.append(_join([text, *rates]))
    if f.n("congress.suggestions"):
        parts.append(
            _("征集合理化建议%(n)s条，采纳%(adopted)s条，采纳率%(rate)s")
            % {
                "n": f.s("congress.suggestions"),
                "adopted": f.s("congress.suggestions_adopted"),
                "rate": f.s("congress.adoption_rate"),
            }
        )
    return _sentence(parts)


def _voting(c: Context) -> str:
    f = c.f
    if not f.n("voting.polls"):
        return ""
    kinds = [
        _("%(label)s%(n)s次") % {"label": f.by_key[key].label, "n": f.s(key)}
        for key in ("voting.elections", "voting.evaluations", "voting.awards", "voting.simple")
        if f.n(key)
    ]
    text = _("全年组织选举、民主测评、评优和投票%(n)s次") % {"n": f.s("voting.polls")}
    if kinds:
        text += _("，其中%(list)s") % {"list": "、".join(kinds)}
    parts = [text]
    turnout = f.by_key.get("voting.turnout")
    if turnout is not None and turnout.value is not None:
        parts.append(
            _("应参加%(electorate)s人次，实际参加%(voted)s人次，参投率%(rate)s")
            % {
                "electorate": fmt_int(turnout.extra.get("electorate")),
                "voted": fmt_int(turnout.extra.get("voted")),
                "rate": f.s("voting.turnout"),
            }
        )
    if f.n("voting.elected"):
        parts.append(_("选举产生%(n)s人") % {"n": f.s("voting.elected")})
    if f.n("voting.evaluated"):
        grades = [
            _("%(label)s%(n)s人次") % {"label": f.by_key[key].label, "n": f.s(key)}
            for key in f.by_key
            if key.startswith("voting.grade.") and f.n(key)
        ]
        text = _("对%(n)s名干部进行了民主测评") % {"n": f.s("voting.evaluated")}
        if grades:
            text += _("，%(list)s") % {"list": "、".join(grades)}
        parts.append(text)
    examples = voting_queries.elections_in(c.org, c.period.start, c.period.end, subtree=c.subtree)
    if examples:
        parts.append(_("先后完成了%(list)s") % {"list": "、".join(f"“{e['title']}”" for e in examples[:3])})
    return _join(parts) + "，坚持公开、公平、公正，保障了会员的知情权、参与权、选举权和监督权。"


def _notices(c: Context) -> str:
    f = c.f
    if not f.n("notices.held"):
        return ""
    parts = [
        _("全年共公示事项%(n)s项，公示期满生效%(final)s项")
        % {"n": f.s("notices.held"), "final": f.s("notices.final")}
    ]
    if f.n("notices.objections"):
        parts.append(
            _("公示期内收到异议%(n)s条，已处理%(resolved)s条，其中经核实成立%(upheld)s条")
            % {
                "n": f.s("notices.objections"),
                "resolved": f.s("notices.objections_resolved"),
                "upheld": f.s("notices.objections_upheld"),
            }
        )
    else:
        parts.append(_("公示期内未收到异议"))
    return _join(parts) + _("，接受教职工监督，推进了校务公开。")


def _members(c: Context) -> str:
    f = c.f
    if not (f.n("members.active") or f.n("members.new")):
        return ""
    text = _("截至%(date)s，共有在会会员%(active)s人，其中女会员%(women)s人；离退休会员%(retired)s人") % {
        "date": chinese_date(c.period.end),
        "active": f.s("members.active"),
        "women": f.s("members.women"),
        "retired": f.s("members.retired"),
    }
    parts = [text]
    if c.subtree and f.n("members.unions"):
        parts.insert(0, _("%(org)s所属基层工会%(n)s个") % {"org": c.org.name, "n": f.s("members.unions")})
    parts.append(
        _("全年新入会会员%(new)s人，减少会员%(left)s人")
        % {"new": f.s("members.new"), "left": f.s("members.left")}
    )
    if f.raw("members.join_rate") is not None:
        parts.append(
            _("职工%(workforce)s人，入会率%(rate)s")
            % {"workforce": f.s("members.workforce"), "rate": f.s("members.join_rate")}
        )
    extra = [
        _("%(label)s%(n)s人") % {"label": f.by_key[key].label, "n": f.s(key)}
        for key in ("members.migrant", "members.agency", "members.model_workers", "members.hardship")
        if f.n(key)
    ]
    if extra:
        parts.append(_("现有%(list)s") % {"list": "、".join(extra)})
    return _sentence(parts)


def _awards(c: Context) -> str:
    f = c.f
    if not f.n("voting.awarded"):
        return ""
    levels = [
        _("%(label)s%(n)s人") % {"label": f.by_key[key].label, "n": f.s(key)}
        for key in f.by_key
        if key.startswith("voting.awarded.") and f.n(key)
    ]
    text = _("全年经民主评选表彰先进%(n)s人") % {"n": f.s("voting.awarded")}
    if levels:
        text += _("，其中%(list)s") % {"list": "、".join(levels)}
    awards = voting_queries.awards_in(c.org, c.period.start, c.period.end, subtree=c.subtree)
    named = [
        _("%(names)s获评“%(award)s”") % {"names": "、".join(a["names"]), "award": a["award"]}
        for a in awards[:5]
    ]
    if named:
        text += "：" + "；".join(named)
    return text + _("。评选结果均经公示，做到了公平、公正、公开。")


AREAS: list[tuple[str, str, Callable[[Context], str]]] = [
    ("area.congress", "加强民主管理，推进教(职)代会制度建设", _congress),
    ("area.voting", "坚持民主选举和民主评议，保障会员民主权利", _voting),
    ("area.notices", "推进校务公开，落实公示制度", _notices),
    ("area.care", "履行维权服务职能，做好帮扶慰问工作", _care),
    ("area.members", "加强组织建设，做好会员管理", _members),
]
# The facts each area's section states (the awards have their own section).
AREA_PREFIXES = {
    "area.congress": "congress.",
    "area.voting": "voting.",
    "area.notices": "notices.",
    "area.care": "care.",
    "area.members": "members.",
}


def area_keys(area: str, f: Figures) -> list[str]:
    prefix = AREA_PREFIXES[area]
    return [key for key in f.by_key if key.startswith(prefix) and not key.startswith("voting.awarded")]


def scope_text(c: Context) -> str:
    """Which records the summary counts: the union alone or with its subordinate unions."""
    span = {"start": chinese_date(c.period.start), "end": chinese_date(c.period.end), "org": c.org.name}
    if c.subtree:
        text = _("本总结统计范围：%(org)s及所属下级工会") % span
        if c.f.n("members.unions"):
            text += _("（基层工会%(n)s个）") % {"n": c.f.s("members.unions")}
    else:
        text = _("本总结统计范围：%(org)s本级，不含下级工会") % span
    return text + _("；统计期间：%(start)s至%(end)s。") % span


AREA_NAMES = {
    "area.congress": "教(职)代会和提案",
    "area.voting": "民主选举和民主评议",
    "area.notices": "公示和校务公开",
    "area.care": "帮扶慰问",
    "area.members": "会员管理",
}


def _problems(c: Context, missing: list[str]) -> tuple[str, list[str]]:
    """The problems the records show, and a plan item for each."""
    f = c.f
    found: list[tuple[str, str]] = []
    answer, on_time = f.raw("congress.answer_rate"), f.raw("congress.on_time_rate")
    if (answer is not None and answer < 100) or (on_time is not None and on_time < 100):
        found.append((
            _("提案办理还不够及时，提案答复率为%(answer)s，按期答复率为%(on_time)s")
            % {"answer": f.s("congress.answer_rate"), "on_time": f.s("congress.on_time_rate")},
            _("加强提案办理的跟踪督办，提案答复率和按期答复率均达到100%"),
        ))  # fmt: skip
    satisfied = f.raw("congress.satisfaction_rate")
    if satisfied is not None and satisfied < 90:
        found.append((
            _("提案办理满意率为%(rate)s，办理质量有待提高") % {"rate": f.s("congress.satisfaction_rate")},
            _("提高提案办理质量，满意率达到90%以上"),
        ))  # fmt: skip
    turnout = f.raw("voting.turnout")
    if turnout is not None and turnout < 90:
        found.append((
            _("部分选举和评议参与面不广，参投率为%(rate)s") % {"rate": f.s("voting.turnout")},
            _("扩大民主参与面，选举和评议参投率达到90%以上"),
        ))  # fmt: skip
    if f.n("care.files.overdue"):
        found.append((
            _("困难职工档案动态管理不到位，有%(n)s份档案逾期未复核") % {"n": f.s("care.files.overdue")},
            _("落实困难职工档案定期复核制度，按期复核率达到100%"),
        ))  # fmt: skip
    join_rate = f.raw("members.join_rate")
    if join_rate is not None and join_rate < 95:
        found.append((
            _("入会率为%(rate)s，仍有部分职工未加入工会") % {"rate": f.s("members.join_rate")},
            _("做好职工入会动员，入会率达到95%以上"),
        ))  # fmt: skip
    if missing:
        names = "、".join(AREA_NAMES[key] for key in missing)
        found.append((
            _("%(names)s等方面工作全年没有记录，工作开展不够平衡") % {"names": names},
            _("补齐%(names)s等方面工作，做到有计划、有记录、有总结") % {"names": names},
        ))  # fmt: skip
    found.append((
        _("工会干部均为兼职，工作时间和精力有限，工作的系统性和创新性有待加强"),
        _("加强工会干部队伍建设，组织工会干部参加业务培训，提高履职能力"),
    ))  # fmt: skip
    ordinals = "一二三四五六七八九十"
    items = [
        _("%(n)s是%(text)s") % {"n": ordinals[i] if i < 10 else str(i + 1), "text": text}
        for i, (text, _plan) in enumerate(found)
    ]
    intro = _("回顾一年来的工作，我们也清醒地认识到还存在一些问题和不足：")
    return intro + "；".join(items) + "。", [plan for _text, plan in found]


def collect_facts(
    org: Org, period: Period, *, subtree: bool, progress: Callable[[int], None] | None = None
) -> list[Fact]:
    """Every app's facts, reporting progress (0–90) provider by provider."""
    providers = list(core_facts.providers().values())
    facts: list[Fact] = []
    for index, provider in enumerate(providers, start=1):
        facts.extend(provider(org, period, subtree=subtree))
        if progress is not None:
            progress(int(90 * index / max(len(providers), 1)))
    return facts


def fact_rows(facts: list[Fact]) -> list[dict[str, Any]]:
    return [
        {"key": fact.key, "label": fact.label, "value": json_value(fact.value), "unit": fact.unit,
         "display": fmt_value(fact.value, fact.unit), "records_url": fact.records_url,
         "record_count": fact.record_count}
        for fact in facts
    ]  # fmt: skip


def draft(
    org: Org,
    period: Period,
    *,
    subtree: bool,
    guiding_ideas: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Draft:
    facts = collect_facts(org, period, subtree=subtree, progress=progress)
    c = Context(org, period, subtree, Figures(facts))
    paragraphs = [DraftParagraph("opening", "", guiding_ideas or default_guiding_ideas(org))]
    paragraphs.append(DraftParagraph("scope", "", scope_text(c), c.f.take()))
    missing: list[str] = []
    for key, heading, write in AREAS:
        text = write(c)
        rest = c.f.rest(area_keys(key, c.f)) if text else ""
        if rest:
            text += _("此外，%(list)s。") % {"list": rest}
        used = c.f.take()
        if text:
            paragraphs.append(DraftParagraph(key, _(heading), text, used))
        else:
            missing.append(key)
    awards = _awards(c)
    if awards:
        paragraphs.append(DraftParagraph("awards", _("表彰奖励情况"), awards, c.f.take()))
    problems, plan = _problems(c, missing)
    paragraphs.append(DraftParagraph("problems", "", problems, c.f.take()))
    paragraphs.append(
        DraftParagraph(
            "closing",
            "",
            _(
                "新的一年，%(org)s将在上级工会和本单位党组织的坚强领导下，坚持以职工为中心，团结带领广大会员"
                "和职工群众，凝心聚力、开拓进取，为推动本单位高质量发展作出新的更大贡献。"
            )
            % {"org": org.name},
        )
    )
    plan += [
        _("坚持和完善教(职)代会制度，推进民主管理、民主监督"),
        _("深化帮扶慰问工作，把党和政府的关怀送到职工心坎上"),
    ]
    return Draft(summary_title(org, period), fact_rows(facts), paragraphs, plan)
