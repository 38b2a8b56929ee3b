"""Demo congress data: each school union has a term, one or two sessions this year, delegates,
5–20 proposals spread over every state, and suggestions. Built through the services, so the
demo follows the same rules (and leaves the same audit trail) as real use."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gonghui.core.enums import Role
from gonghui.core.models import RoleAssignment, User
from gonghui.core.services import role_assign
from gonghui.members.queries import members_in
from gonghui.members.services import member_link_user

from . import services
from .enums import Implementation, ProposalCategory, ProposalState, Rating, SessionStatus

TITLES = [
    ("关于改善教职工午餐质量的建议", ProposalCategory.WELFARE),
    ("关于完善绩效工资分配办法的提案", ProposalCategory.MANAGEMENT),
    ("关于增设教师休息室的提案", ProposalCategory.LOGISTICS),
    ("关于加强青年教师培养的提案", ProposalCategory.TEACHING),
    ("关于规范校园停车管理的建议", ProposalCategory.SAFETY),
    ("关于减轻非教学性事务负担的提案", ProposalCategory.MANAGEMENT),
    ("关于更新多媒体教学设备的提案", ProposalCategory.TEACHING),
    ("关于组织教职工健康体检的建议", ProposalCategory.WELFARE),
    ("关于完善班主任津贴的提案", ProposalCategory.WELFARE),
    ("关于改造学校运动场地的提案", ProposalCategory.LOGISTICS),
]
SUGGESTIONS = [
    "节约用电的几点建议",
    "优化教研活动安排",
    "图书室延长开放时间",
    "建立教师互助小组",
    "食堂增加窗口",
]


def _department(school: Any, name: str, index: int) -> User:
    existing = RoleAssignment.objects.filter(org=school, role=Role.DEPARTMENT).select_related("user").first()
    if existing is not None:
        return existing.user
    user = User.objects.create(
        username=f"dept{school.pk}{index}", name=f"{school.short_name or school.name}{name}"
    )
    user.set_unusable_password()
    user.save(update_fields=["password"])
    role_assign(actor=None, user=user, org=school, role=Role.DEPARTMENT)
    return user


def add_congress(context: dict[str, Any]) -> None:
    rng = context["rng"]
    today = timezone.localdate()
    for index, school in enumerate(context["schools"]):
        # The "member" demo persona stays a plain member (it shows what a member may not see).
        members = list(
            members_in(school)
            .filter(status="active")
            .exclude(user__username="member")
            .select_related("user")
            .order_by("pk")[:40]
        )
        if len(members) < 12:
            continue
        term = services.term_create(
            actor=None, org=school, number=rng.randint(3, 7), start=dt.date(today.year - 2, 9, 1)
        )
        for member in members:
            if member.user is None:
                # Demo delegates get an account (no usable password: hashing hundreds is slow).
                account = User.objects.create(username=f"m{member.pk}", name=member.name)
                account.set_unusable_password()
                account.save(update_fields=["password"])
                member_link_user(actor=None, member=member, user=account)
        delegates = [services.delegate_elect(actor=None, term=term, member=m,
                                             flags={"is_party": rng.random() < 0.4, "is_young": rng.random() < 0.3})
                     for m in members[: rng.randint(12, 30)]]  # fmt: skip
        departments = [_department(school, "总务处", 1)]
        # Most schools held their spring congress; a few have not yet (the county sees them flagged).
        if index % 7 == 6:
            services.session_create(actor=None, term=term, date=today + dt.timedelta(days=20))
            continue
        session = services.session_create(
            actor=None, term=term, date=dt.date(today.year, 3, rng.randint(5, 28))
        )
        services.session_record_party_approval(
            actor=None, session=session, on=session.date - dt.timedelta(days=7)
        )
        services.session_set_state(actor=None, session=session, to=SessionStatus.IN_SESSION)
        for delegate in delegates[: int(len(delegates) * 0.9)]:
            services.session_check_in(
                actor=None, session=session, delegate=delegate, by_self=rng.random() < 0.5
            )
        for n in range(rng.randint(5, 12)):
            _proposal(rng, session, delegates, departments, n, today)
        services.session_set_state(actor=None, session=session, to=SessionStatus.CLOSED)
        for title in rng.sample(SUGGESTIONS, rng.randint(2, 5)):
            # Suggestions come from people with a role in the union: here its delegates.
            author = rng.choice(delegates).user
            suggestion = services.suggestion_submit(actor=author, org=school, title=title, body=title + "。")
            reviewer = next((u for u in departments if u != author), None)
            if reviewer is not None and rng.random() < 0.6:
                services.suggestion_review(actor=reviewer, suggestion=suggestion, adopt=True)
                if rng.random() < 0.5:
                    services.suggestion_implement(actor=None, suggestion=suggestion, benefit="已实施",
                                                  amount=Decimal(rng.randint(0, 3000)))  # fmt: skip


def _proposal(
    rng: Any, session: Any, delegates: list[Any], departments: list[User], n: int, today: dt.date
) -> None:
    title, category = TITLES[n % len(TITLES)]
    proposer, *others = rng.sample(delegates, 3)
    proposal = services.proposal_create(
        actor=proposer.user, session=session, proposer=proposer, title=title, category=category,
        reason="教职工普遍反映该问题，影响工作和生活。", measures="建议学校研究制定具体措施并限期落实。",
        cosigners=others,
    )  # fmt: skip
    stage = n % 6  # 0 draft … 5 closed, so every state appears
    if stage == 0:
        return
    for cosigner in others:
        services.cosigner_confirm(actor=cosigner.user, proposal=proposal, delegate=cosigner)
    services.proposal_submit(actor=proposer.user, proposal=proposal)
    if stage == 1:
        if rng.random() < 0.5:
            services.proposal_review(
                actor=None, proposal=proposal, decision=ProposalState.CONVERTED, note="属于工作建议"
            )
        return
    services.proposal_review(actor=None, proposal=proposal, decision=ProposalState.REGISTERED)
    services.proposal_assign(
        actor=None, proposal=proposal, departments=departments, deadline=today + dt.timedelta(days=15)
    )
    if stage == 2:
        return
    for department in departments:
        services.proposal_answer(actor=department, proposal=proposal, body="已研究，将于本学期内解决。")
    if stage == 3:
        return
    services.proposal_rate(actor=proposer.user, proposal=proposal,
                           rating=rng.choice([Rating.SATISFIED, Rating.SATISFIED, Rating.BASICALLY]))  # fmt: skip
    if stage == 4:
        services.proposal_implement(
            actor=None, proposal=proposal, status=Implementation.IN_PROGRESS, note="正在落实"
        )
        return
    services.proposal_implement(actor=None, proposal=proposal, status=Implementation.DONE, note="已落实")
