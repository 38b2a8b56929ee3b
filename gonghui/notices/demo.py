"""Demo notices: every school union has a finished 评优 公示 (the first schools with an
objection that was looked into and dismissed) and a finance 公示 running now; the first school
also has a draft. Built through the services, so the demo leaves the usual audit trail."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.core.enums import Role
from gonghui.core.models import RoleAssignment
from gonghui.core.workdays import add_working_days

from . import services
from .enums import NoticeKind

AWARD_BODY = (
    "经个人自荐、教研组推荐、评选小组资格审查和投票，拟推荐以下同志为{year}年度"
    "优秀工会工作者、工会积极分子：\n{names}\n现予以公示。"
)
FINANCE_BODY = (
    "根据校务公开和工会经费审查有关规定，现将本工会{year}年上半年经费收支情况公示如下：\n"
    "一、收入：会费收入、上级补助收入、行政拨缴经费。\n"
    "二、支出：职工活动支出、维权支出、业务支出。\n"
    "详细收支明细表张贴于教职工之家，欢迎监督。"
)


def add_notices(context: dict[str, Any]) -> None:
    today = timezone.localdate()
    past_start = add_working_days(today - dt.timedelta(days=40), 0)
    for index, school in enumerate(context["schools"]):
        chair_role = RoleAssignment.objects.filter(org=school, role=Role.CHAIR).select_related("user").first()
        if chair_role is None:
            continue
        chair = chair_role.user
        people = list(
            RoleAssignment.objects.filter(org__path__under=school.path)
            .exclude(role__in=[Role.DEPARTMENT, Role.SUPERIOR_ADMIN])
            .exclude(user=chair)
            .select_related("user")
            .order_by("pk")[:6]
        )
        names = "、".join(dict.fromkeys(p.user.name for p in people[:3] if p.user.name)) or "（名单略）"
        award = services.notice_create(
            actor=chair, org=school, title=f"关于{today.year}年度优秀工会工作者评选结果的公示",
            body=AWARD_BODY.format(year=today.year, names=names), kind=NoticeKind.AWARD,
            starts_on=past_start, contact=f"校工会 {chair.name}",
        )  # fmt: skip
        services.notice_publish(actor=chair, notice=award, today=past_start)
        if people and index < 10:
            objector = next((p.user for p in people if p.role == Role.MEMBER), people[-1].user)
            objection = services.objection_submit(
                actor=objector, notice=award, anonymous=index % 2 == 0,
                text="建议核实被推荐人本年度考勤和工会活动参与情况。", today=add_working_days(past_start, 1),
            )  # fmt: skip
            services.objection_resolve(
                actor=chair, objection=objection, upheld=False, today=today,
                resolution="经评选小组核实，被推荐人考勤和参加工会活动情况符合评选条件，异议不成立。",
            )  # fmt: skip
        services.notice_refresh(notice=award, today=today)
        finance = services.notice_create(
            actor=chair, org=school, title=f"{today.year}年上半年工会经费收支情况公示",
            body=FINANCE_BODY.format(year=today.year), kind=NoticeKind.FINANCE, starts_on=today,
            contact=f"校工会经审委员会 {chair.name}",
        )  # fmt: skip
        services.notice_publish(actor=chair, notice=finance, today=today)
        if index == 0:
            services.notice_create(
                actor=chair, org=school, title="教代会代表选举结果公示(草稿)",
                body="经各教研组民主选举，以下同志当选为第七届教职工代表大会代表：……", kind=NoticeKind.ELECTION,
            )  # fmt: skip
