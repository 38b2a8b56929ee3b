"""Demo care data: standards, hardship files for the members flagged 困难 by the member demo, and
a year of assistance and student-aid applications, approved by the union's chair and paid (one
reversed), through the services. Also a 生活委员 account (`welfare`) at the first school.
Kept small so `gonghui demo` stays fast."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from gonghui.core import services as core_services
from gonghui.core.demo import DEMO_PASSWORD
from gonghui.core.enums import Portfolio, Role
from gonghui.core.models import RoleAssignment, User
from gonghui.members.queries import members_in

from . import services
from .enums import ApplicationKind, HardshipCause, PaymentMethod

SCHOOLS_WITH_RECORDS = 8
CAUSES = [
    HardshipCause.ILLNESS,
    HardshipCause.LOW_INCOME,
    HardshipCause.SINGLE_PARENT,
    HardshipCause.SCHOOLING,
]


def _welfare_officer(school: Any) -> None:
    if User.objects.filter(username="welfare").exists():
        return
    user = core_services.user_create(actor=None, username="welfare", name="生活委员", password=DEMO_PASSWORD,
                                     mobile="13800000099")  # fmt: skip
    core_services.role_assign(
        actor=None, user=user, org=school, role=Role.COMMITTEE, portfolio=Portfolio.WELFARE
    )
    core_services.role_assign(actor=None, user=user, org=school, role=Role.MEMBER)


def add_care(context: dict[str, Any]) -> None:
    rng = context["rng"]
    schools = context["schools"]
    if not schools:
        return
    _welfare_officer(schools[0])
    add_campaigns(context)
    today = timezone.localdate()
    year_start = dt.date(today.year, 1, 1)
    span = max(1, (today - year_start).days)
    for school in schools[:SCHOOLS_WITH_RECORDS]:
        chair_role = RoleAssignment.objects.filter(org=school, role=Role.CHAIR).select_related("user").first()
        if chair_role is None:
            continue
        chair = chair_role.user
        services.standard_set(actor=None, org=school, kind=ApplicationKind.HARDSHIP_AID,
                              amount=Decimal("2000"), annual_cap=Decimal("5000"))  # fmt: skip
        services.standard_set(actor=None, org=school, kind=ApplicationKind.STUDENT_AID,
                              amount=Decimal("1000"), annual_cap=Decimal("2000"))  # fmt: skip
        members = list(
            members_in(school).filter(status="active").exclude(user=chair).select_related("org", "user")
            .order_by("pk")[:60]
        )  # fmt: skip
        # The `member` persona has received student aid, so "我的帮扶" on their page shows it.
        persona = next((m for m in members if m.user is not None and m.user.username == "member"), None)
        if persona is not None:
            members.remove(persona)
            _assist(persona, chair, ApplicationKind.STUDENT_AID, Decimal("500"), today, child=True)
        hardship = [m for m in members if m.hardship_level][:4] or members[:2]
        for index, member in enumerate(hardship):
            opened = today - dt.timedelta(days=rng.randint(200, 500))
            services.hardship_file_open(
                actor=None, member=member, opened_on=opened, cause=rng.choice(CAUSES),
                level=member.hardship_level or "ordinary", household_size=rng.randint(2, 5),
                income_per_head=Decimal(rng.randint(600, 1500)), cert_no=member.hardship_cert_no,
                family_situation="家庭成员患病，收入较低。",
                # One file per school is overdue for its yearly re-check.
                next_review_on=today - dt.timedelta(days=10) if index == 0 else None,
            )  # fmt: skip
            _assist(member, chair, ApplicationKind.HARDSHIP_AID, Decimal(rng.choice([800, 1000, 1500, 2000])),
                    year_start + dt.timedelta(days=rng.randint(0, span)), reverse=index == 0 and school == schools[0])  # fmt: skip
        for member in rng.sample(members, min(3, len(members))):
            _assist(member, chair, ApplicationKind.STUDENT_AID, Decimal(rng.choice([500, 800, 1000])),
                    dt.date(today.year, 9, 10) if today.month >= 9 else year_start + dt.timedelta(days=rng.randint(0, span)),
                    child=True)  # fmt: skip
        # One application waiting for approval, so the to-do list shows it.
        if members:
            services.application_create(actor=None, member=members[-1], kind=ApplicationKind.HARDSHIP_AID,
                                        amount_requested=Decimal("1000"), reason="突发重病，住院费用较高。", submit=True)  # fmt: skip


def _assist(member: Any, chair: User, kind: str, amount: Decimal, paid_on: dt.date, *, child: bool = False,
            reverse: bool = False) -> None:  # fmt: skip
    extra: dict[str, Any] = (
        {"child_name": f"{member.name[0]}小明", "school": "青山县第一中学", "grade": "高一"} if child else {}
    )
    application = services.application_create(actor=None, member=member, kind=kind, amount_requested=amount,
                                               reason="家庭困难，申请帮扶。", submit=True, **extra)  # fmt: skip
    services.application_approve(actor=chair, application=application, amount=amount)
    entry = services.assistance_pay(actor=None, application=application, method=PaymentMethod.TRANSFER,
                                    paid_on=min(paid_on, timezone.localdate()))  # fmt: skip
    if reverse:
        services.ledger_reverse(actor=None, entry=entry, reason="账号有误，退回后重新申请。")


# --- donation drives, health campaigns, 疗休养 ----------------------------------------------------

SCHOOLS_WITH_CAMPAIGNS = 3


def add_campaigns(context: dict[str, Any]) -> None:
    """Per school: a 博爱一日捐 most members gave to (passed on to the Red Cross), a 爱心捐款 for a
    sick member paid out to them through the ledger, the year's 体检 and 妇检 with attendance,
    and one 疗休养 trip paid to its provider."""
    import uuid

    from . import campaigns

    rng = context["rng"]
    today = timezone.localdate()

    def day(month: int, dom: int = 1) -> dt.date:
        return min(dt.date(today.year, month, dom), today)

    for school in context["schools"][:SCHOOLS_WITH_CAMPAIGNS]:
        members = list(members_in(school).filter(status="active").select_related("org").order_by("pk"))
        if len(members) < 4:
            continue
        charity = campaigns.campaign_create(actor=None, org=school, kind="charity_day",
                                            title=f"{today.year}年博爱一日捐", starts_on=day(5), ends_on=day(5, 20),
                                            description="响应县红十字会倡议，奉献一日收入。")  # fmt: skip
        charity = campaigns.campaign_open(actor=None, campaign=charity)
        givers = [m for m in members if rng.random() < 0.95]
        rows = [{"n": i + 2, "m": m.pk, "name": m.name, "a": str(rng.choice([50, 100, 100, 150, 200])),
                 "d": day(5, rng.randint(1, 20)).isoformat()} for i, m in enumerate(givers)]  # fmt: skip
        campaigns.donation_import_apply(actor=None, campaign=charity, rows=rows, batch=str(uuid.uuid4()))
        if campaigns.collected(charity):
            campaigns.donation_use_add(actor=None, campaign=charity, used_on=day(5, 25), purpose="上交县红十字会",
                                       amount=campaigns.collected(charity), payee_name="县红十字会")  # fmt: skip
        campaigns.campaign_close(actor=None, campaign=charity)

        sick = next((m for m in members if m.hardship_level), members[-1])
        love = campaigns.campaign_create(actor=None, org=school, kind="love", title=f"为{sick.name}老师爱心捐款",
                                         starts_on=day(3), ends_on=day(3, 15), beneficiary=sick,
                                         description="突患重病，住院治疗费用较高。")  # fmt: skip
        love = campaigns.campaign_open(actor=None, campaign=love)
        for member in rng.sample([m for m in members if m != sick], min(20, len(members) - 1)):
            campaigns.donation_add(actor=None, campaign=love, member=member, donated_on=day(3, rng.randint(1, 15)),
                                   amount=rng.choice([100, 200, 300, 500]))  # fmt: skip
        campaigns.donation_use_add(actor=None, campaign=love, used_on=day(3, 20), purpose="交付医疗费用",
                                   amount=campaigns.collected(love), member=sick)  # fmt: skip
        campaigns.campaign_close(actor=None, campaign=love)

        for kind, title, month, share in (
            ("checkup", "年度教职工体检", 4, 0.95),
            ("women", "女教职工妇科普查", 6, 0.97),
        ):
            health = campaigns.health_campaign_create(actor=None, org=school, kind=kind, year=today.year,
                                                      title=f"{today.year}年{title}", starts_on=day(month),
                                                      ends_on=day(month, 28), provider="县人民医院")  # fmt: skip
            came = [pk for pk in health.eligible.values_list("pk", flat=True) if rng.random() < share]
            if came:
                campaigns.health_attend(
                    actor=None, campaign=health, member_ids=came, attended_on=day(month, 10)
                )

        going = rng.sample(members, min(10, len(members)))
        campaigns.trip_create(actor=None, org=school, title="优秀教师疗休养", place="千岛湖", provider="县国旅",
                              starts_on=day(7, 10), ends_on=day(7, 14), participants=going,
                              cost=Decimal(1800 * len(going)))  # fmt: skip
