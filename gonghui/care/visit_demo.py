"""Demo condolence visits (慰问) for a year: every union's standards, monthly birthday group visits,
a 春节 (and 重阳, once passed) group visit of all the school's retirees, a hospital visit, and a
few "五必访" reports still open on the due-list. Everything goes through the services (approved
by the union's chair, paid through the ledger). Registered after the care demo (add_care)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gonghui.core.enums import Role
from gonghui.core.models import RoleAssignment, User
from gonghui.members.enums import MemberStatus
from gonghui.members.models import Member

from . import visiting
from .duelists import FESTIVAL_DATES
from .enums import Occasion

SCHOOLS_WITH_VISITS = 8
STANDARDS: list[tuple[str, str | None, str, str | None]] = [
    (Occasion.BIRTHDAY, "50", "生日蛋糕卡", None),
    (Occasion.SPRING_FESTIVAL, "500", "", None),
    (Occasion.CHONGYANG, "300", "", None),
    (Occasion.SUMMER, None, "防暑降温用品", "60"),
    (Occasion.HOSPITAL, "500", "水果、牛奶", "100"),
    (Occasion.CHILDBIRTH, "500", "", None),
    (Occasion.WEDDING, "500", "", None),
    (Occasion.FUNERAL, "1000", "花圈", "200"),
    (Occasion.RETIREMENT, "1000", "纪念品", "300"),
]


def _paid_visit(school: Any, chair: User, recorder: User | None, occasion: str, day: dt.date,
                members: list[Member], **data: Any) -> None:  # fmt: skip
    visit = visiting.visit_create(actor=recorder, org=school, occasion=occasion, visited_on=day, members=members,
                                  **data)  # fmt: skip
    visiting.visit_approve(actor=chair, visit=visit)
    visiting.visit_record(actor=None, visit=visit, method="cash", paid_on=day)


def add_visits(context: dict[str, Any]) -> None:
    rng = context["rng"]
    today = timezone.localdate()
    welfare = User.objects.filter(username="welfare").first()
    for index, school in enumerate(context["schools"][:SCHOOLS_WITH_VISITS]):
        chair_role = RoleAssignment.objects.filter(org=school, role=Role.CHAIR).select_related("user").first()
        if chair_role is None:
            continue
        chair = chair_role.user
        recorder = welfare if index == 0 else None
        for occasion, amount, gift, value in STANDARDS:
            visiting.condolence_standard_set(actor=None, org=school, occasion=occasion, amount=amount, gift=gift,
                                             gift_value=value)  # fmt: skip
        members = Member.objects.filter(org__path__under=school.path).exclude(user=chair)
        active = list(members.filter(status=MemberStatus.ACTIVE).order_by("pk"))
        retirees = list(members.filter(status=MemberStatus.RETIRED).order_by("pk"))
        # Birthdays: one group visit per past month (the current month is left on the due-list).
        for month in range(1, today.month):
            born = [m for m in active if m.birth_date.month == month]
            if born:
                _paid_visit(school, chair, recorder, Occasion.BIRTHDAY, dt.date(today.year, month, 15), born,
                            amount_each=50, gift="生日蛋糕卡", visitor_names="工会生活委员")  # fmt: skip
        for festival_occasion, each in ((Occasion.SPRING_FESTIVAL, 500), (Occasion.CHONGYANG, 300)):
            festival = FESTIVAL_DATES[festival_occasion].get(today.year)
            if retirees and festival is not None and festival <= today:
                _paid_visit(school, chair, recorder, festival_occasion, festival - dt.timedelta(days=7), retirees,
                            amount_each=each, visitor_names="校长、工会主席",
                            notes="走访慰问离退休老同志，送上节日祝福")  # fmt: skip
        if len(active) >= 3:
            patient = rng.choice(active)
            report = visiting.life_event_report(actor=None, member=patient, event_on=today - dt.timedelta(days=40),
                                                place="县人民医院", note="阑尾炎手术")  # fmt: skip
            visit = visiting.visit_create(actor=recorder, org=school, occasion=Occasion.HOSPITAL,
                                          visited_on=today - dt.timedelta(days=38), members=[patient],
                                          amount_each=500, gift="水果、牛奶", gift_value=100, reports=[report])  # fmt: skip
            visiting.visit_approve(actor=chair, visit=visit)
            visiting.visit_record(actor=None, visit=visit, method="cash", paid_on=visit.visited_on)
            for kind, place in (("hospital", "市中心医院"), ("childbirth", "县妇幼保健院")):
                visiting.life_event_report(actor=None, member=rng.choice(active), kind=kind,
                                           event_on=today - dt.timedelta(days=rng.randint(1, 6)), place=place)  # fmt: skip
