"""Synthetic care data (帮扶 · 慰问 · 助学 · 捐款) for the benchmarks: one county subtree of the
bench tree with `members` members (100,000 by default) and `records` care records (500,000).

The county: the one whose unions have the largest workforce, other than the bench chair's and the
congress officer's counties. Its bench members stay; the seeder adds members (card numbers
starting with `seed.CARE_CARD_PREFIX`, which `seed.bench_members()` leaves out) through the
members seeder's own generator, spread over the county's unions by workforce (scaled up alike,
as `seed.plan_members` does), until the subtree holds `members`.

Care records are the rows of LedgerEntry, Visit, VisitMember, AssistanceApplication, HardshipFile,
LifeEventReport and Donation of the county's unions, over last year and this year up to today,
all of the added members:

* monthly birthday visits (a group visit per union and month; cash or a gift card by union), the
  current month done by about half the unions and not by the chair's union (its due-list is full);
* 春节 and 重阳 group visits of the retirees (most unions; the chair's union visited half of its
  retirees for the latest festival), 夏送清凉 (gift, sometimes cash) for some unions;
* "五必访" events (住院, 生育, 结婚, 丧事, 退休) reported and visited one by one, recent ones open;
* hardship files of the members with a hardship level, assistance (困难帮扶) and student aid
  (金秋助学) applications in every state, paid ones with their ledger entry, ~1% reversed;
* 送温暖 cash before 春节 for hardship members, 疗休养 trips paid to the provider;
* 博爱一日捐 drives (every union, every year) and 爱心捐款 for a named member (payout through the
  ledger); donations fill the records up to exactly `records`.

Rows are tuples with pre-assigned ids (`congress_seed.TableWriter`: executemany on SQLite, COPY on
PostgreSQL) in one transaction. Users: `bench-care-admin` (上级工会管理员 of the county, 生活
portfolio), `bench-care-chair` (主席 of the largest union) and `bench-care-welfare` (生活委员 there).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from gonghui.care.duelists import FESTIVAL_DATES
from gonghui.care.enums import (
    OCCASION_CATEGORY,
    ApplicationKind,
    ApplicationState,
    CampaignKind,
    CampaignState,
    FileState,
    HardshipCause,
    LedgerKind,
    Occasion,
    PaymentMethod,
    SpendingCategory,
    VisitState,
)
from gonghui.care.models import (
    AssistanceApplication,
    CareStandard,
    CondolenceStandard,
    Donation,
    DonationCampaign,
    DonationUse,
    HardshipDocument,
    HardshipFile,
    HardshipReview,
    HealthAttendance,
    HealthCampaign,
    LedgerEntry,
    LifeEventReport,
    RecuperationTrip,
    Visit,
    VisitMember,
    VisitPhoto,
)
from gonghui.core.enums import OrgKind, Portfolio, Role
from gonghui.core.models import Org, RoleAssignment, User
from gonghui.core.services import role_assign
from gonghui.members.enums import MemberStatus
from gonghui.members.models import Member

from .congress_seed import OFFICER_USERNAME as CONGRESS_OFFICER
from .congress_seed import TableWriter, _after_insert, congress_orgs
from .people import People
from .seed import (
    CARE_CARD_PREFIX,
    DEFAULT_SEED,
    DELEGATE_CARD_PREFIX,
    GENERATED_COLUMNS,
    MemberWriter,
    _member_rows,
    _sqlite_cache_size,
    bench_units,
    delete_members,
    plan_members,
)

DEFAULT_MEMBERS = 100_000
DEFAULT_RECORDS = 500_000
OFFICER_USERNAME = "bench-care-admin"
CHAIR_USERNAME = "bench-care-chair"
WELFARE_USERNAME = "bench-care-welfare"
# Counties of another province (44xxxx): the added members' ID numbers never collide.
CARE_AREAS = [f"44{city:02d}{county:02d}" for city in range(1, 20) for county in (2, 3, 4, 21, 81)]
RECORD_MODELS: tuple[type[models.Model], ...] = (
    LedgerEntry, Visit, VisitMember, AssistanceApplication, HardshipFile, LifeEventReport, Donation,
)  # fmt: skip
CARD = GENERATED_COLUMNS.index("card_number")
CERT = GENERATED_COLUMNS.index("hardship_cert_no")
IN_UNION = (MemberStatus.ACTIVE, MemberStatus.RETIRED)
EVENTS = [  # (occasion, yearly rate per member, cash range in yuan)
    (Occasion.HOSPITAL, 0.030, (300, 800)),
    (Occasion.CHILDBIRTH, 0.008, (300, 500)),
    (Occasion.WEDDING, 0.008, (300, 500)),
    (Occasion.FUNERAL, 0.010, (300, 500)),
]
PLACES = ["县人民医院", "县中医院", "市第一人民医院", "妇幼保健院", "市中心医院"]
SCHOOLS = ["湖南大学", "中南大学", "湖南师范大学", "长沙理工大学", "湘潭大学", "湖南农业大学", "吉首大学"]
GRADES = ["大学一年级", "大学一年级", "高中一年级", "大学二年级"]
CHILD_GIVEN = ["子涵", "雨桐", "浩然", "梓萱", "宇轩", "欣怡", "俊杰", "思远", "佳怡", "博文"]
OUTSIDERS = ["爱心人士", "退休老同志", "社会热心人士", "匿名"]


def log(message: str) -> None:
    import sys

    print(message, file=sys.stderr, flush=True)


@dataclass
class CareReport:
    county: int
    county_name: str
    chair_union: int
    members: int
    added_members: int
    counts: Counter[str]
    seconds: float = 0.0


@dataclass
class Person:
    id: int
    org: int  # the member's org (union or union group): the entries' attributed org
    status: str
    birth: dt.date
    hardship: str
    name: str


@dataclass
class Union:
    id: int
    people: list[Person] = field(default_factory=list)

    @property
    def in_union(self) -> list[Person]:
        return [p for p in self.people if p.status in IN_UNION]


# --- what is there ------------------------------------------------------------------------------


def officer_county() -> Org | None:
    """The county where `bench-care-admin` holds 上级工会管理员, if seeded."""
    assignment = (
        RoleAssignment.objects.filter(user__username=OFFICER_USERNAME, role=Role.SUPERIOR_ADMIN)
        .select_related("org")
        .first()
    )
    return assignment.org if assignment else None


def record_querysets(county: Org) -> list[models.QuerySet[Any]]:
    under = county.path
    return [
        LedgerEntry.objects.filter(org__path__under=under),
        Visit.objects.filter(org__path__under=under),
        VisitMember.objects.filter(visit__org__path__under=under),
        AssistanceApplication.objects.filter(org__path__under=under),
        HardshipFile.objects.filter(org__path__under=under),
        LifeEventReport.objects.filter(org__path__under=under),
        Donation.objects.filter(campaign__org__path__under=under),
    ]


def record_count(county: Org) -> int:
    return sum(queryset.count() for queryset in record_querysets(county))


def care_ready(members: int, records: int) -> bool:
    """True if the care county holds exactly `members` members and `records` care records."""
    county = officer_county()
    if county is None or User.objects.filter(username__in=[CHAIR_USERNAME, WELFARE_USERNAME]).count() != 2:
        return False
    return care_members(county).count() == members and record_count(county) == records


def care_members(county: Org) -> models.QuerySet[Member]:
    """The county's members, not counting congress delegates' members (BENCH-D cards), which the
    reports scenario adds to this county (bench/reports_seed.py)."""
    return Member.objects.filter(org__path__under=county.path).exclude(
        card_number__startswith=DELEGATE_CARD_PREFIX
    )


@transaction.atomic
def delete_care_data() -> None:
    """Remove the care rows of bench orgs, the added members and the care bench users (plain
    DELETEs, children first; foreign keys are checked at commit)."""
    from .voting_county_seed import delete_voting_data

    delete_voting_data()  # first: the reports county's polls and notices point at these members and unions
    orgs = congress_orgs().values("pk")
    campaigns = DonationCampaign.objects.filter(org__in=orgs).values("pk")
    visits = Visit.objects.filter(org__in=orgs).values("pk")
    files = HardshipFile.objects.filter(org__in=orgs).values("pk")
    health = HealthCampaign.objects.filter(org__in=orgs).values("pk")
    trips = RecuperationTrip.objects.filter(org__in=orgs).values("pk")
    doomed: list[models.QuerySet[Any]] = [
        LedgerEntry._base_manager.filter(org__in=orgs),
        LifeEventReport.objects.filter(org__in=orgs),
        VisitPhoto.objects.filter(visit__in=visits),
        Visit.visitors.through.objects.filter(visit__in=visits),
        VisitMember.objects.filter(visit__in=visits),
        Visit.objects.filter(org__in=orgs),
        Donation.objects.filter(campaign__in=campaigns),
        DonationUse.objects.filter(campaign__in=campaigns),
        DonationCampaign.asked.through.objects.filter(donationcampaign__in=campaigns),
        DonationCampaign.objects.filter(org__in=orgs),
        HealthAttendance.objects.filter(campaign__in=health),
        HealthCampaign.eligible.through.objects.filter(healthcampaign__in=health),
        HealthCampaign.objects.filter(org__in=orgs),
        RecuperationTrip.participants.through.objects.filter(recuperationtrip__in=trips),
        RecuperationTrip.objects.filter(org__in=orgs),
        AssistanceApplication.objects.filter(org__in=orgs),
        HardshipReview.objects.filter(file__in=files),
        HardshipDocument.objects.filter(file__in=files),
        HardshipFile.objects.filter(org__in=orgs),
        CareStandard.objects.filter(org__in=orgs),
        CondolenceStandard.objects.filter(org__in=orgs),
    ]
    for queryset in doomed:
        queryset._raw_delete(queryset.db)
    delete_members(Member.objects.filter(card_number__startswith=CARE_CARD_PREFIX))
    User.objects.filter(username__in=[OFFICER_USERNAME, CHAIR_USERNAME, WELFARE_USERNAME]).delete()


# --- the county and its members -----------------------------------------------------------------


def _county_of(path: str) -> str:
    return "/" + "/".join(path.strip("/").split("/")[:3]) + "/"


def choose_county() -> Org:
    """The county whose unions have the largest workforce, other than the bench chair's and the
    congress officer's (unless there is no other)."""
    counties = dict(congress_orgs().filter(kind=OrgKind.COUNTY).values_list("path", "id"))  # bench counties
    if not counties:
        raise ValueError("no bench tree: seed it first (bench.seed.seed)")
    workforce: Counter[int] = Counter({pk: 0 for pk in counties.values()})
    unions = congress_orgs().filter(kind__in=[OrgKind.GRASSROOTS, OrgKind.JOINT])
    for path, size in unions.values_list("path", "workforce"):
        county = counties.get(_county_of(path))
        if county is not None:
            workforce[county] += size
    taken = RoleAssignment.objects.filter(
        Q(user__username="bench-chair", role=Role.CHAIR) | Q(user__username=CONGRESS_OFFICER)
    ).values_list("org__path", flat=True)
    avoid = {counties.get(_county_of(path)) for path in taken if path.count("/") > 3}
    candidates = [pk for pk in workforce if pk not in avoid] or list(workforce)
    return Org.objects.get(pk=max(candidates, key=lambda pk: (workforce[pk], -pk)))


def add_members(county: Org, target: int, rng: random.Random, seed: int) -> tuple[int, int]:
    """Top the county up to `target` members; (members added, the chair's union: the largest)."""
    units = [u for u in bench_units() if u.id in set(_union_ids(county))]
    if not units:
        raise ValueError(f"{county.name} has no unions")
    chair = max(units, key=lambda u: (u.workforce, -u.id)).id
    existing = care_members(county).count()
    wanted = target - existing
    if wanted <= 0:
        return 0, chair
    counts: Counter[str] = Counter()
    writer = MemberWriter()
    rows = _member_rows(plan_members(units, chair, wanted, rng), People(seed, areas=CARE_AREAS), rng, counts)
    for serial, row in enumerate(rows, start=1):
        card = f"{CARE_CARD_PREFIX}{serial:07d}"
        cert = f"KN-C{serial:07d}" if row[CERT] else ""
        writer.add((*row[:CARD], card, *row[CARD + 1 : CERT], cert, *row[CERT + 1 :]))
    writer.flush()
    return writer.written, chair


def _union_ids(county: Org) -> list[int]:
    return list(
        Org.objects.filter(path__under=county.path, kind__in=[OrgKind.GRASSROOTS, OrgKind.JOINT]).values_list(
            "id", flat=True
        )
    )


def _people(county: Org) -> dict[int, Union]:
    """The added members by union (a member of a union group belongs to the group's union)."""
    parent = dict(
        Org.objects.filter(path__under=county.path, kind=OrgKind.GROUP).values_list("id", "parent_id")
    )
    unions: dict[int, Union] = {}
    rows = (
        Member.objects.filter(org__path__under=county.path, card_number__startswith=CARE_CARD_PREFIX)
        .order_by("id")
        .values_list("id", "org_id", "status", "birth_date", "hardship_level", "name")
    )
    for pk, org, status, birth, hardship, name in rows:
        union = parent.get(org, org)
        unions.setdefault(union, Union(union)).people.append(Person(pk, org, status, birth, hardship, name))
    return unions


# --- the builder --------------------------------------------------------------------------------


def money(low: int, high: int, rng: random.Random, step: int = 50) -> Decimal:
    return Decimal(rng.randrange(low // step, high // step + 1) * step)


class CareBuilder:
    def __init__(self, rng: random.Random, today: dt.date, chair_union: int) -> None:
        self.rng = rng
        self.today = today
        self.chair_union = chair_union
        self.years = (today.year - 1, today.year)
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.ledger = TableWriter(LedgerEntry, (
            "id", "org_id", "attributed_org_id", "kind", "category", "amount", "method", "paid_on", "member_id",
            "payee_name", "application_id", "donation_use_id", "trip_id", "visit_member_id", "reverses_id", "note",
            "created_at",
        ))  # fmt: skip
        self.visits = TableWriter(Visit, (
            "id", "org_id", "occasion", "visited_on", "visitor_names", "gift", "gift_value", "notes", "state",
            "created_at", "approved_at", "paid_on", "method",
        ))  # fmt: skip
        self.visit_members = TableWriter(VisitMember, ("id", "visit_id", "member_id", "amount"))
        self.reports = TableWriter(LifeEventReport, (
            "id", "org_id", "member_id", "kind", "event_on", "place", "note", "reported_at", "visit_id",
        ))  # fmt: skip
        self.files = TableWriter(HardshipFile, (
            "id", "org_id", "member_id", "cause", "level", "household_size", "income_per_head", "cert_no", "state",
            "opened_on", "next_review_on", "closed_on", "close_reason", "created_at",
        ))  # fmt: skip
        self.applications = TableWriter(AssistanceApplication, (
            "id", "org_id", "member_id", "kind", "amount_requested", "reason", "child_name", "school", "grade",
            "admission_year", "state", "created_at", "submitted_at", "decided_at", "approved_amount",
            "decision_note",
        ))  # fmt: skip
        self.campaigns = TableWriter(DonationCampaign, (
            "id", "org_id", "kind", "title", "beneficiary_id", "asked_org_id", "starts_on", "ends_on", "state",
            "asked_count", "created_at", "opened_at", "closed_at",
        ))  # fmt: skip
        self.donations = TableWriter(Donation, (
            "id", "campaign_id", "member_id", "donor_name", "was_asked", "amount", "donated_on", "created_at",
        ))  # fmt: skip
        self.uses = TableWriter(DonationUse, (
            "id", "campaign_id", "used_on", "purpose", "member_id", "payee_name", "amount", "created_at",
        ))  # fmt: skip
        self.trips = TableWriter(RecuperationTrip, (
            "id", "org_id", "title", "place", "provider", "starts_on", "ends_on", "participant_count", "cost",
            "created_at",
        ))  # fmt: skip
        self.writers = [
            self.ledger, self.visits, self.visit_members, self.reports, self.files, self.applications,
            self.campaigns, self.donations, self.uses, self.trips,
        ]  # fmt: skip
        # Drives waiting for their donations: (campaign id, union, members asked, starts, ends).
        self.drives: list[tuple[int, Union, list[Person], dt.date, dt.date]] = []

    # helpers

    def at(self, day: dt.date, hour: int = 10) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour, self.rng.randrange(60)), tzinfo=self.tz)

    def past(self, day: dt.date) -> bool:
        return day <= self.today

    def pay(
        self, union: int, person: Person | None, kind: str, category: str, amount: Decimal, day: dt.date,
        *, method: str = PaymentMethod.CASH, payee: str = "", note: str = "", **source: int,
    ) -> int:  # fmt: skip
        """A payout (and, ~1% of the time, its reversal a few days later); the payout's id."""
        pk = self.ledger.take_id()
        attributed = person.org if person else union
        member = person.id if person else None
        refs = [source.get(name) for name in ("application", "donation_use", "trip", "visit_member")]
        self.ledger.add(pk, union, attributed, kind, category, amount, method, day, member,
                        payee or (person.name if person else ""), *refs, None, note, self.at(day, 16))  # fmt: skip
        return pk

    def reverse(self, payout: int, union: int, person: Person | None, kind: str, category: str,
                amount: Decimal, day: dt.date) -> None:  # fmt: skip
        when = min(self.today, day + dt.timedelta(days=self.rng.randint(1, 20)))
        attributed = person.org if person else union
        self.ledger.add(self.ledger.take_id(), union, attributed, kind, category, -amount, PaymentMethod.CASH, when,
                        person.id if person else None, person.name if person else "", None, None, None, None,
                        payout, "冲正：金额录入错误", self.at(when, 17))  # fmt: skip

    def visit(self, union: int, occasion: str, day: dt.date, people: list[Person], cash: Decimal,
              gift: str = "", gift_value: Decimal = Decimal(0)) -> None:  # fmt: skip
        if not people or not self.past(day):
            return
        pk = self.visits.take_id()
        method = PaymentMethod.CASH if cash else ""
        self.visits.add(pk, union, occasion, day, "工会主席、生活委员", gift, gift_value, "", VisitState.RECORDED,
                        self.at(day, 9), self.at(day, 11), day if cash else None, method)  # fmt: skip
        category = OCCASION_CATEGORY[occasion]
        for person in people:
            vm = self.visit_members.take_id()
            self.visit_members.add(vm, pk, person.id, cash)
            if cash:
                payout = self.pay(union, person, LedgerKind.CONDOLENCE, category, cash, day, visit_member=vm)
                if self.rng.random() < 0.005:
                    self.reverse(payout, union, person, LedgerKind.CONDOLENCE, category, cash, day)

    # areas

    def birthdays(self, union: Union) -> None:
        rng = self.rng
        if union.id != self.chair_union and rng.random() < 0.35:
            return  # no birthday visits in this union
        cash = rng.random() < 0.5  # cash, else a gift card
        by_month: dict[int, list[Person]] = defaultdict(list)
        for p in union.people:
            if p.status == MemberStatus.ACTIVE:
                by_month[p.birth.month].append(p)
        for year in self.years:
            for month in range(1, 13):
                this_month = (year, month) == (self.today.year, self.today.month)
                if this_month and (union.id == self.chair_union or rng.random() < 0.5):
                    continue  # this month's visit not made yet: the due-list shows them
                day = dt.date(year, month, rng.randint(3, 15))
                if cash:
                    self.visit(union.id, Occasion.BIRTHDAY, day, by_month[month], money(100, 200, rng))
                else:
                    self.visit(union.id, Occasion.BIRTHDAY, day, by_month[month], Decimal(0), "生日蛋糕券",
                               Decimal(100))  # fmt: skip

    def festivals(self, union: Union) -> None:
        rng = self.rng
        retirees = [p for p in union.people if p.status == MemberStatus.RETIRED]
        days = sorted(
            (day, occasion)
            for occasion in (Occasion.SPRING_FESTIVAL, Occasion.CHONGYANG)
            for year, day in FESTIVAL_DATES[occasion].items()
            if year in self.years and day <= self.today
        )
        for index, (day, occasion) in enumerate(days):
            latest = index == len(days) - 1
            if union.id == self.chair_union and latest:
                chosen = retirees[: len(retirees) // 2]  # half visited: the other half is due
            elif rng.random() < 0.85:
                chosen = retirees
            else:
                continue
            visited = day - dt.timedelta(days=rng.randint(1, 20))
            self.visit(union.id, occasion, visited, chosen, money(300, 500, rng, 100))
        if rng.random() < 0.2:  # 夏送清凉: drinks for everyone at work, cash in some unions
            working = [p for p in union.people if p.status == MemberStatus.ACTIVE]
            for year in self.years:
                day = dt.date(year, 7, rng.randint(5, 25))
                if rng.random() < 0.3:
                    self.visit(union.id, Occasion.SUMMER, day, working, Decimal(100))
                else:
                    self.visit(
                        union.id, Occasion.SUMMER, day, working, Decimal(0), "防暑降温用品", Decimal(60)
                    )

    def events(self, union: Union) -> None:
        rng = self.rng
        start = dt.date(self.years[0], 1, 1).toordinal()
        span = self.today.toordinal() - start
        for person in union.in_union:
            for occasion, rate, (low, high) in EVENTS:
                if rng.random() >= rate * span / 365:
                    continue
                day = dt.date.fromordinal(start + rng.randrange(span + 1))
                report = self.reports.take_id()
                place = rng.choice(PLACES) if occasion == Occasion.HOSPITAL else ""
                recent = (self.today - day).days < 30
                if recent and rng.random() < 0.6:  # reported, not visited yet: due
                    self.reports.add(
                        report, union.id, person.id, occasion, day, place, "", self.at(day, 18), None
                    )
                    continue
                visited = min(self.today, day + dt.timedelta(days=rng.randint(0, 6)))
                visit = self.visits.next_id
                self.visit(union.id, occasion, visited, [person], money(low, high, rng, 100))
                self.reports.add(
                    report, union.id, person.id, occasion, day, place, "", self.at(day, 18), visit
                )

    def retirements(self, union: Union) -> None:
        rng = self.rng
        for person in union.people:
            if person.status == MemberStatus.RETIRED and rng.random() < 0.06:
                day = dt.date(rng.choice(self.years), rng.randint(1, 12), rng.randint(1, 28))
                if self.past(day):
                    self.visit(
                        union.id, Occasion.RETIREMENT, day, [person], Decimal(500), "纪念品", Decimal(200)
                    )

    def hardship(self, union: Union) -> None:
        rng = self.rng
        for person in union.in_union:
            if not person.hardship:
                continue
            opened = self.today - dt.timedelta(days=rng.randint(30, 1000))
            closed = rng.random() < 0.12
            review = opened + dt.timedelta(days=365 * (1 + (self.today - opened).days // 365))
            if rng.random() < 0.1:
                review = self.today - dt.timedelta(days=rng.randint(1, 60))  # re-check overdue
            self.files.add(
                self.files.take_id(), union.id, person.id, rng.choice(HardshipCause.values), person.hardship,
                rng.randint(1, 5), money(300, 1200, rng, 10), f"HN{person.id:08d}",
                FileState.CLOSED if closed else FileState.OPEN, opened, review,
                min(self.today, opened + dt.timedelta(days=rng.randint(30, 365))) if closed else None,
                "家庭经济状况好转" if closed else "", self.at(opened),
            )  # fmt: skip
            if closed:
                continue
            for year in self.years:
                # 送温暖 before 春节, and one or two assistance applications a year.
                day = dt.date(year, 1, rng.randint(5, 20))
                if self.past(day):
                    self.pay(union.id, person, LedgerKind.OTHER, SpendingCategory.WARMTH, money(500, 1000, rng),
                             day, note="春节送温暖")  # fmt: skip
                for _ in range(rng.choice([1, 1, 2])):
                    self.application(union.id, person, ApplicationKind.HARDSHIP_AID, year)

    def student_aid(self, union: Union) -> None:
        for person in union.in_union:
            if person.status == MemberStatus.ACTIVE and self.rng.random() < 0.012:
                for year in self.years:
                    if self.rng.random() < 0.7:
                        self.application(union.id, person, ApplicationKind.STUDENT_AID, year)

    def application(self, union: int, person: Person, kind: str, year: int) -> None:
        rng = self.rng
        if kind == ApplicationKind.STUDENT_AID:
            created = dt.date(year, 8, rng.randint(1, 31))
            requested = money(1000, 5000, rng, 500)
            child: tuple[str, str, str, int | None] = (
                person.name[0] + rng.choice(CHILD_GIVEN),
                rng.choice(SCHOOLS),
                rng.choice(GRADES),
                year,
            )
            reason = "子女考入大学，家庭经济困难，申请金秋助学。"
        else:
            created = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            requested = money(500, 3000, rng, 100)
            child = ("", "", "", None)
            reason = "家庭成员患病，医疗费用负担较重，申请困难帮扶。"
        if not self.past(created):
            return
        age = (self.today - created).days
        state = rng.choices(
            [ApplicationState.PAID, ApplicationState.REJECTED, ApplicationState.APPROVED, ApplicationState.SUBMITTED],
            weights=[92, 4, 2, 2] if age > 45 else [40, 5, 25, 30],
        )[0]  # fmt: skip
        if state == ApplicationState.PAID and rng.random() < 0.01:
            state = ApplicationState.REVERSED
        decided: dt.date | None = created + dt.timedelta(days=rng.randint(2, 14))
        if decided is not None and decided > self.today and state != ApplicationState.SUBMITTED:
            state, decided = ApplicationState.SUBMITTED, None
        approved = requested if state not in (ApplicationState.SUBMITTED, ApplicationState.REJECTED) else None
        pk = self.applications.take_id()
        self.applications.add(
            pk, union, person.id, kind, requested, reason, *child, state, self.at(created), self.at(created, 11),
            self.at(decided, 15) if decided and state != ApplicationState.SUBMITTED else None, approved,
            "同意" if approved else ("超出帮扶条件" if state == ApplicationState.REJECTED else ""),
        )  # fmt: skip
        if approved is None or state == ApplicationState.APPROVED or decided is None:
            return
        paid = min(self.today, decided + dt.timedelta(days=rng.randint(0, 10)))
        category = (
            SpendingCategory.HARDSHIP
            if kind == ApplicationKind.HARDSHIP_AID
            else SpendingCategory.STUDENT_AID
        )
        payout = self.pay(union, person, kind, category, approved, paid, method=PaymentMethod.TRANSFER,
                          application=pk)  # fmt: skip
        if state == ApplicationState.REVERSED:
            self.reverse(payout, union, person, kind, category, approved, paid)

    def recuperation(self, union: Union) -> None:
        rng = self.rng
        if len(union.people) < 150 or rng.random() > 0.3:
            return
        for year in self.years:
            starts = dt.date(year, rng.choice([4, 5, 9, 10]), rng.randint(1, 20))
            if not self.past(starts):
                continue
            n = max(10, len(union.people) // 20)
            cost = Decimal(n * rng.choice([1500, 2000, 2500]))
            pk = self.trips.take_id()
            self.trips.add(pk, union.id, f"{year}年度职工疗休养", "张家界", "湖南省职工疗休养中心", starts,
                           starts + dt.timedelta(days=4), n, cost, self.at(starts))  # fmt: skip
            self.pay(union.id, None, LedgerKind.RECUPERATION, SpendingCategory.RECUPERATION, cost, starts,
                     method=PaymentMethod.TRANSFER, payee="湖南省职工疗休养中心", trip=pk)  # fmt: skip

    def campaigns_of(self, union: Union) -> None:
        rng = self.rng
        asked = union.in_union
        if not asked:
            return
        for year in self.years:
            starts = dt.date(year, 5, rng.randint(5, 20))
            if self.past(starts):
                self.drive(union, CampaignKind.CHARITY_DAY, f"{year}年“博爱一日捐”", None, asked, starts)
            if len(asked) > 200 and rng.random() < 0.25:
                starts = dt.date(year, rng.randint(1, 11), rng.randint(1, 28))
                if self.past(starts):
                    beneficiary = rng.choice(asked)
                    self.drive(union, CampaignKind.LOVE, f"为{beneficiary.name}同志爱心捐款", beneficiary, asked,
                               starts)  # fmt: skip

    def drive(self, union: Union, kind: str, title: str, beneficiary: Person | None, asked: list[Person],
              starts: dt.date) -> None:  # fmt: skip
        ends = starts + dt.timedelta(days=20)
        closed = ends < self.today
        pk = self.campaigns.take_id()
        self.campaigns.add(pk, union.id, kind, title, beneficiary.id if beneficiary else None, union.id, starts, ends,
                           CampaignState.CLOSED if closed else CampaignState.OPEN, len(asked), self.at(starts, 9),
                           self.at(starts, 9), self.at(ends, 18) if closed else None)  # fmt: skip
        self.drives.append((pk, union, asked, starts, min(ends, self.today)))
        if closed and beneficiary is not None:
            amount = Decimal(self.rng.randrange(20, 200) * 100)
            use = self.uses.take_id()
            self.uses.add(
                use, pk, ends, "大病医疗救助", beneficiary.id, beneficiary.name, amount, self.at(ends)
            )
            self.pay(union.id, beneficiary, LedgerKind.DONATION_PAYOUT, SpendingCategory.DONATION, amount, ends,
                     method=PaymentMethod.TRANSFER, donation_use=use)  # fmt: skip

    def gifts(self, count: int) -> None:
        """`count` donations over the drives, by their size: members asked (once per drive),
        then outsiders once a drive has heard from all of its members."""
        rng = self.rng
        total = sum(len(asked) for _, _, asked, _, _ in self.drives)
        if count and not self.drives:
            raise ValueError("no donation drives to give to")
        left = count
        for index, (pk, _union, asked, starts, ends) in enumerate(self.drives):
            share = left if index == len(self.drives) - 1 else min(left, round(count * len(asked) / total))
            left -= share
            donors = rng.sample(asked, min(share, len(asked)))
            span = (ends - starts).days
            for person in donors:
                day = starts + dt.timedelta(days=rng.randint(0, span))
                self.donations.add(self.donations.take_id(), pk, person.id, person.name, True,
                                   money(10, 200, rng, 10), day, self.at(day, 12))  # fmt: skip
            for _ in range(share - len(donors)):
                day = starts + dt.timedelta(days=rng.randint(0, span))
                self.donations.add(self.donations.take_id(), pk, None, rng.choice(OUTSIDERS), False,
                                   money(50, 500, rng, 50), day, self.at(day, 12))  # fmt: skip

    def written(self, writer: TableWriter) -> int:
        return writer.written + len(writer.rows)

    def flush(self) -> Counter[str]:
        counts: Counter[str] = Counter()
        for writer in self.writers:
            writer.flush()
            counts[writer.model._meta.model_name or ""] = writer.written
        return counts


# --- entry points -------------------------------------------------------------------------------


def _users(county: Org, chair_union: Org) -> None:
    for username, name, org, role, portfolio in (
        (OFFICER_USERNAME, "陈建国", county, Role.SUPERIOR_ADMIN, Portfolio.WELFARE),
        (CHAIR_USERNAME, "刘桂芳", chair_union, Role.CHAIR, ""),
        (WELFARE_USERNAME, "何丽娟", chair_union, Role.COMMITTEE, Portfolio.WELFARE),
    ):
        user = User(username=username, name=name)
        user.set_unusable_password()
        user.save()
        role_assign(actor=None, user=user, org=org, role=role, portfolio=portfolio)


def seed_care(
    members: int = DEFAULT_MEMBERS, records: int = DEFAULT_RECORDS, *, seed: int = DEFAULT_SEED
) -> CareReport:
    """Replace the care bench data: a county of `members` members with `records` care records."""
    started = time.perf_counter()
    rng = random.Random(seed + 53)
    previous_cache = _sqlite_cache_size(-1_048_576)
    try:
        with transaction.atomic():
            delete_care_data()
            county = choose_county()
            added, chair_id = add_members(county, members, rng, seed + 59)
            unions = _people(county)
            builder = CareBuilder(rng, timezone.localdate(), chair_id)
            for union in unions.values():
                for area in (builder.birthdays, builder.festivals, builder.events, builder.retirements,
                             builder.hardship, builder.student_aid, builder.recuperation, builder.campaigns_of):  # fmt: skip
                    area(union)
            others = sum(builder.written(w) for w in builder.writers if w.model in RECORD_MODELS)
            if others > records:
                raise ValueError(
                    f"{records} care records are too few for {members} members ({others} without gifts)"
                )
            builder.gifts(records - others)
            counts = builder.flush()
            chair_union = Org.objects.get(pk=chair_id)
            _users(county, chair_union)
    finally:
        _sqlite_cache_size(previous_cache)
    _after_insert([Member, *(w.model for w in builder.writers)])
    return CareReport(
        county=county.pk, county_name=county.name, chair_union=chair_id,
        members=Member.objects.filter(org__path__under=county.path).count(), added_members=added, counts=counts,
        seconds=time.perf_counter() - started,
    )  # fmt: skip
