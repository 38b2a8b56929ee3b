"""Rationalisation suggestions (合理化建议) of past months imported in bulk, on the core import
framework (core.imports). A union that starts mid-year enters the year's suggestions with the
date each was made (so each counts in its statistical year) and how far it got: submitted,
adopted or not, implemented with its benefit, rewarded. Imported suggestions have no submitter
account; the proposer's name, when given, is kept in the text."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import in_scope
from gonghui.core.enums import GRASSROOTS_KINDS
from gonghui.core.imports import kinds
from gonghui.core.imports.kinds import Context, ImportKind, Row
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.workbook import Column
from gonghui.core.models import Org

from .enums import SuggestionState
from .models import SUGGESTION_REVIEW_ROLES, Suggestion

STATES = {str(label): value for value, label in SuggestionState.choices}
DECIDED = {
    SuggestionState.ADOPTED,
    SuggestionState.REJECTED,
    SuggestionState.IMPLEMENTED,
    SuggestionState.REWARDED,
}
ZERO = Decimal("0.00")


@dataclass
class _Suggestion:
    union: Org
    title: str
    body: str
    submitted_on: dt.date
    state: str
    review_note: str
    benefit: str
    benefit_amount: Decimal
    reward: str


class SuggestionImport(ImportKind):
    key = "congress-suggestions"
    title = gettext_lazy("合理化建议")
    sheet_name = "合理化建议"
    audit_action = "congress.suggestion_import"
    max_cell_chars = 5000  # the 内容 column takes up to 5000 characters
    columns = (
        Column("title", "标题", required=True, example="改进食堂排队方式", note="不超过120字"),
        Column("body", "内容", required=True, example="建议增设窗口，错峰就餐。"),
        Column("proposer", "提出人", example="张三", note="选填；记在建议内容中"),
        Column(
            "submitted_on", "提出日期", required=True, note="yyyy/MM/dd，不能晚于今天；按此日期计入统计年度"
        ),
        Column("state", "办理状态", choices=tuple(STATES), example="采纳", note="留空为“已提交”"),
        Column("review_note", "审查意见", note="不采纳时必填"),
        Column("benefit", "效益", note="已实施、已奖励时填写"),
        Column("benefit_amount", "效益金额(元)", note="到分"),
        Column("reward", "奖励", note="已奖励时必填"),
    )
    notes = ("5. 导入的是已提出的建议及其办理结果（审查、实施、奖励），按“提出日期”计入统计年度。",)
    preview_headers = ("工会", "标题", "提出日期", "办理状态")

    def may_import(self, user: Any, org: Org | str) -> bool:
        return in_scope(user, org, SUGGESTION_REVIEW_ROLES)

    def accepts_union(self, org: Org) -> bool:
        return org.kind in GRASSROOTS_KINDS and org.is_active

    def list_url(self, job: ImportJob) -> str:
        return reverse("congress:suggestions")

    def example(self, org: Org, options: dict[str, Any]) -> dict[str, Any]:
        return {"submitted_on": timezone.localdate().replace(month=1, day=15).strftime("%Y/%m/%d")}

    def check_row(self, ctx: Context, row: Row) -> _Suggestion | None:
        assert row.union is not None
        title = row.text("title", required=True, max_length=120)
        body = row.text("body", required=True, max_length=5000)
        proposer = row.text("proposer", max_length=40)
        submitted_on = row.date("submitted_on", required=True, not_after=ctx.today)
        state = row.choice("state", STATES, default=SuggestionState.SUBMITTED)
        review_note = row.text("review_note", max_length=300)
        if state == SuggestionState.REJECTED and not review_note:
            row.error("review_note", _("不采纳时须写明理由。"))
        benefit = row.text("benefit", max_length=2000)
        amount = row.money("benefit_amount", required=False, allow_zero=True) or ZERO
        if (benefit or amount) and state not in (SuggestionState.IMPLEMENTED, SuggestionState.REWARDED):
            row.error("benefit", _("只有已实施或已奖励的建议才有效益。"))
        reward = row.text("reward", max_length=200)
        if state == SuggestionState.REWARDED and not reward:
            row.error("reward", _("已奖励的建议须填写奖励。"))
        if row.errors or submitted_on is None:
            return None
        if proposer:
            body = f"{body}\n\n" + _("（提出人：%(name)s）") % {"name": proposer}
        return _Suggestion(union=row.union, title=title, body=body, submitted_on=submitted_on, state=state,
                           review_note=review_note, benefit=benefit, benefit_amount=amount, reward=reward)  # fmt: skip

    def preview_of(self, item: _Suggestion) -> list[str]:
        return [item.union.name, item.title, item.submitted_on.strftime("%Y/%m/%d"),
                str(SuggestionState(item.state).label)]  # fmt: skip

    def write(self, ctx: Context, items: list[_Suggestion]) -> int:
        tz = timezone.get_current_timezone()
        rows = []
        for item in items:
            moment = dt.datetime.combine(item.submitted_on, dt.time(12), tzinfo=tz)
            rows.append(Suggestion(
                org=item.union, title=item.title, body=item.body, anonymous=False, state=item.state,
                review_note=item.review_note, benefit=item.benefit, benefit_amount=item.benefit_amount,
                reward=item.reward, submitted_at=moment, submitted_on=item.submitted_on,
                reviewed_at=moment if item.state in DECIDED else None,
            ))  # fmt: skip
        Suggestion.objects.bulk_create(rows, batch_size=1000)
        return len(rows)

    def audit_after(self, ctx: Context, items: list[_Suggestion]) -> dict[str, Any]:
        states: dict[str, int] = {}
        for item in items:
            states[item.state] = states.get(item.state, 0) + 1
        return {"states": states, "unions": len({item.union.pk for item in items})}


SUGGESTIONS = kinds.register(SuggestionImport())
