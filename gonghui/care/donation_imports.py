"""Donations of a drive (捐款) imported from a spreadsheet, on the core import framework: the
drive is the job's option, rows name the donor (a member of the drive's union, by name and,
for namesakes, the last four digits of the mobile), and the checked rows are written by
`campaigns.donation_import_apply` (all or nothing, once per job)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import may
from gonghui.core.errors import DomainError
from gonghui.core.imports import kinds
from gonghui.core.imports.kinds import Context, ImportKind, Row
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.workbook import Column
from gonghui.core.models import Org
from gonghui.members.queries import members_in

from . import campaigns, rules
from .enums import CampaignState
from .models import ZERO, DonationCampaign


@dataclass
class _Gift:
    number: int
    member_id: int
    name: str
    amount: Decimal
    donated_on: dt.date


def _campaign(options: dict[str, Any], org: Org | None = None) -> DonationCampaign:
    try:
        pk = int(options.get("campaign") or 0)
    except (TypeError, ValueError):
        pk = 0
    campaign = DonationCampaign.objects.select_related("org").filter(pk=pk).first()
    if campaign is None or (org is not None and campaign.org_id != org.pk):
        raise DomainError(_("请从捐款活动页面进入导入。"))
    return campaign


class DonationImport(ImportKind):
    key = "care-donations"
    title = gettext_lazy("捐款")
    sheet_name = "捐款登记"
    audit_action = "care.donation_import_job"
    union_column = False
    max_rows = 5000
    columns = (
        Column("name", "姓名", required=True, example="张三", note="本工会在会会员的姓名"),
        Column("mobile_tail", "手机号后四位", text=True, note="重名时填写，用于区分"),
        Column("amount", "金额(元)", required=True, example="100", note="到分，如 100 或 50.50"),
        Column("donated_on", "捐款日期", note="yyyy/MM/dd；留空为今天"),
        Column("note", "备注"),
    )
    notes = ("5. 每名会员在一次捐款活动中只登记一次；已登记过的会员会被指出。",)
    preview_headers = ("姓名", "金额(元)", "捐款日期")

    def may_import(self, user: Any, org: Org | str) -> bool:
        return may(user, rules.CAMPAIGN_CHANGE, org)

    def org_of(self, options: dict[str, Any]) -> Org | None:
        return _campaign(options).org

    def clean_options(self, *, actor: Any, org: Org, options: dict[str, Any]) -> dict[str, Any]:
        campaign = _campaign(options, org)
        if campaign.state != CampaignState.OPEN:
            raise DomainError(_("只有进行中的捐款活动才能登记捐款。"))
        return {"campaign": campaign.pk}

    def list_url(self, job: ImportJob) -> str:
        return reverse("care:donation_detail", args=[job.options.get("campaign")])

    def prepare(self, ctx: Context, unions: list[Org]) -> None:
        campaign = _campaign(ctx.job.options, ctx.org)
        by_name: dict[str, list[tuple[int, str]]] = {}
        for pk, name, mobile in (
            members_in(campaign.org).filter(status__in=campaigns.CURRENT).values_list("pk", "name", "mobile")
        ):
            by_name.setdefault(name, []).append((pk, mobile or ""))
        ctx.state.update(campaign=campaign, by_name=by_name, seen={},
                         already=set(campaign.donations.exclude(member=None).values_list("member_id", flat=True)))  # fmt: skip

    def check_row(self, ctx: Context, row: Row) -> _Gift | None:
        name = row.text("name", required=True)
        tail = row.text("mobile_tail")
        member_id = None
        if name:
            found = [
                pk for pk, mobile in ctx.state["by_name"].get(name, []) if not tail or mobile.endswith(tail)
            ]
            if not found:
                row.error("name", _("本工会没有名为“%(name)s”的在会会员。") % {"name": name})
            elif len(found) > 1:
                row.error(
                    "name",
                    _("有%(n)s名会员叫“%(name)s”，请填写手机号后四位区分。")
                    % {"n": len(found), "name": name},
                )
            else:
                member_id = found[0]
        amount = row.money("amount")
        donated_on = row.date("donated_on", default=ctx.today, not_after=ctx.today)
        if member_id is not None:
            seen: dict[int, int] = ctx.state["seen"]
            if member_id in ctx.state["already"]:
                row.error("name", _("该会员已登记过本次捐款。"))
            elif member_id in seen:
                row.error("name", _("与第%(n)s行重复。") % {"n": seen[member_id]})
            else:
                seen[member_id] = row.number
        if row.errors or member_id is None or amount is None or donated_on is None:
            return None
        return _Gift(number=row.number, member_id=member_id, name=name, amount=amount, donated_on=donated_on)

    def preview_of(self, item: _Gift) -> list[str]:
        return [item.name, f"{item.amount:.2f}", item.donated_on.strftime("%Y/%m/%d")]

    def write(self, ctx: Context, items: list[_Gift]) -> int:
        rows = [{"n": g.number, "m": g.member_id, "name": g.name, "a": str(g.amount), "d": g.donated_on.isoformat()}
                for g in items]  # fmt: skip
        return campaigns.donation_import_apply(actor=ctx.actor, campaign=ctx.state["campaign"], rows=rows,
                                               batch=str(ctx.job.key))  # fmt: skip

    def audit_after(self, ctx: Context, items: list[_Gift]) -> dict[str, Any]:
        return {"campaign": ctx.state["campaign"].pk, "total": str(sum((g.amount for g in items), ZERO))}


DONATIONS = kinds.register(DonationImport())
