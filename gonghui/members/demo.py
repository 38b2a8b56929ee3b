"""Demo members: 40–150 per school union, valid synthetic ID numbers, retirees, flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gonghui.core.enums import OrgKind
from gonghui.core.models import User

from . import idcard
from .enums import ChangeType, Education, Employment, HardshipLevel, MemberStatus, ModelWorkerLevel, Political
from .models import Member, MembershipChange
from .services import set_identity, set_name

AREA_CODES = ["430121", "430122", "430124", "430181", "430102"]
POSITIONS = ["语文教师", "数学教师", "英语教师", "物理教师", "化学教师", "体育教师", "音乐教师", "美术教师", "班主任",
             "教务员", "会计", "校医", "后勤管理", "保育员", "门卫"]  # fmt: skip


def add_members(context: dict[str, Any]) -> None:
    rng, fake = context["rng"], context["fake"]
    today = dt.date.today()
    members: list[Member] = []
    sequence = 0
    for school in context["schools"]:
        groups = list(school.children.filter(kind=OrgKind.GROUP).order_by("pk"))
        retiree_groups = [g for g in groups if "退休" in g.name]
        working_groups = [g for g in groups if "退休" not in g.name] or [school]
        # Most of the workforce has joined (入会率 around 90–99%), 40 to 150 members per union.
        for _ in range(max(40, min(150, int(school.workforce * rng.uniform(0.9, 0.99))))):
            sequence += 1
            female = rng.random() < 0.62
            retired = rng.random() < 0.08
            age = rng.randint(61, 82) if retired else rng.randint(22, 59)
            birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
            seq = rng.randint(1, 499) * 2 + (0 if female else 1)  # odd male, even female
            number = idcard.make(rng.choice(AREA_CODES), birth, seq % 1000)
            name = fake.name_female() if female else fake.name_male()
            member = Member(
                org=rng.choice(retiree_groups) if retired and retiree_groups else rng.choice(working_groups),
                sex="2" if female else "1",
                birth_date=birth,
                mobile=f"1{rng.choice('3578')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}",
                political=rng.choice([Political.CPC] * 4 + [Political.MASSES] * 5 + [Political.LEAGUE]),
                education=rng.choice([Education.BACHELOR] * 6 + [Education.MASTER, Education.COLLEGE, Education.COLLEGE]),
                position=rng.choice(POSITIONS),
                join_date=max(birth + dt.timedelta(days=22 * 365), today - dt.timedelta(days=rng.randint(30, 30 * 365))),
                card_number=f"{school.code[-3:]}{sequence:05d}",
                employment=Employment.RETIRED if retired else rng.choice(
                    [Employment.ESTABLISHED] * 12 + [Employment.CONTRACT, Employment.AGENCY, Employment.TEMPORARY]
                ),
                hardship_level=rng.choice([HardshipLevel.ORDINARY, HardshipLevel.SEVERE]) if rng.random() < 0.04 else "",
                single_parent=rng.random() < 0.03,
                model_worker_level=ModelWorkerLevel.CITY if rng.random() < 0.01 else "",
                status=MemberStatus.RETIRED if retired else MemberStatus.ACTIVE,
            )  # fmt: skip
            if member.hardship_level:
                member.hardship_cert_no = f"KN{birth.year}{sequence:05d}"
            member.status_date = member.join_date
            set_name(member, name)
            set_identity(member, number)
            members.append(member)
    # A handful joined this year, so "new members" has something to show.
    for member in members[::40]:
        member.join_date = today - dt.timedelta(days=rng.randint(1, 200))
        member.status_date = member.join_date
    Member.objects.bulk_create(members, batch_size=500, ignore_conflicts=False)
    created = list(
        Member.objects.filter(card_number__in=[m.card_number for m in members]).only(
            "pk", "org", "join_date", "status"
        )
    )
    MembershipChange.objects.bulk_create(
        [
            MembershipChange(
                member=m,
                org=m.org.parent if m.org.kind == OrgKind.GROUP else m.org,
                change_type=ChangeType.JOIN,
                date=m.join_date or today,
                status_after=MemberStatus.ACTIVE,
            )
            for m in Member.objects.filter(pk__in=[c.pk for c in created]).select_related("org__parent")
        ],
        batch_size=500,
    )
    # Personas who are members get their own record, so "my membership" shows something.
    first = context["schools"][0]
    for username in ["member", "delegate", "chair", "committee"]:
        user = User.objects.filter(username=username).first()
        record = Member.objects.filter(
            org__path__under=first.path, user__isnull=True, status=MemberStatus.ACTIVE
        ).first()
        if user is not None and record is not None:
            set_name(record, user.name)
            record.user = user
            record.mobile = user.mobile or record.mobile
            record.save()
