"""Voting and notices (公示) data of the reports benchmark: a year of polls and public notices in
every union of a county subtree, written in bulk (bulk_create, pre-assigned ids) so the annual
summary's voting and notices sections read real records.

Per union with at least `MIN_MEMBERS` active members (its groups included):

- the report year: 1–3 released polls (评优 ~35 %, 民主测评 ~30 %, 选举 ~20 %, 投票 ~15 %), and
  the year before: 0–1, so the period filter has something to leave out;
- each poll: an electorate of 20–60 of the union's active members (all of them when fewer), 80–98 %
  of whom voted online (a participation and a secret ballot each). One election in six also has
  a third of its voters counted on paper (census participations + a teller batch with per-option
  totals), one evaluation in three two weighted rater groups. Elections have seats × 1.2 (rounded
  up, at least one more) candidates, awards 1–3 nominees more than places, evaluations 3–8
  cadres (grades 优秀/称职/基本称职/不称职, or 德能勤绩廉 scores out of 20), simple polls 2–4 options;
  ballots pick by candidate popularity, so tallies elect and grade for real (checked through
  `counting` before writing; a released poll tallies with `services.poll_tally`);
- notices: the result of an award (90 %, its `Poll.notice_id`; `award_final` once final), an
  election (60 %) or an evaluation (50 %) on 公示 from its release, and 0–2 other notices a year
  (财务收支, 校务公开); 15 % get 1–3 objections (dismissed 70 %, upheld 20 %, pending 10 %): a
  pending objection leaves the notice 公示期满，异议待处理, an upheld one withdraws it one time in
  three, otherwise the notice is final.

Every poll and notice is created by `bench-voting-admin` (上级工会管理员 of the county), which is
how they are found again. Idempotent: `voting_ready(county, year)` is true once exactly the
unions planned for the county have seeded polls released in `year`; then nothing is written.
`delete_voting_data` removes it all (also called by the care, congress and reset deletes).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import sys
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Count, Max
from django.utils import timezone

from gonghui.core.enums import GRASSROOTS_KINDS, OrgKind, OrgStatus, Role
from gonghui.core.models import Org, RoleAssignment, User
from gonghui.core.services import role_assign
from gonghui.core.workdays import period_end
from gonghui.members.enums import MemberStatus
from gonghui.members.models import Member
from gonghui.notices.enums import NoticeKind, NoticeState, ObjectionState
from gonghui.notices.models import Notice, Objection
from gonghui.voting import counting
from gonghui.voting.enums import (
    DEFAULT_DIMENSIONS,
    AwardLevel,
    Channel,
    Eligibility,
    Grade,
    PollKind,
    PollState,
    ScaleKind,
)
from gonghui.voting.models import (
    Ballot,
    Dimension,
    Option,
    PaperBatch,
    PaperCode,
    PaperTally,
    Participation,
    Poll,
    RaterGroup,
    Voter,
)
from gonghui.voting.services import ALPHABET

from .seed import DEFAULT_SEED, _sqlite_cache_size

OFFICER_USERNAME = "bench-voting-admin"
MIN_MEMBERS = 8  # unions with fewer active members hold no polls
ELECTORATE = (20, 60)
BATCH = 2_000
KINDS = [(PollKind.AWARD, 35), (PollKind.EVALUATION, 30), (PollKind.ELECTION, 20), (PollKind.SIMPLE, 15)]
AWARDS = ["优秀工会会员", "优秀工会积极分子", "先进工作者", "优秀教师", "三八红旗手", "师德标兵",
          "岗位能手", "模范职工之家建设先进个人", "工人先锋号个人", "优秀班主任"]  # fmt: skip
LEVELS = [(AwardLevel.SCHOOL, 50), (AwardLevel.COUNTY, 35), (AwardLevel.CITY, 12), (AwardLevel.PROVINCE, 3)]
ELECTIONS = ["工会委员会换届选举", "工会经费审查委员会选举", "出席上级工会代表大会代表选举",
             "女职工委员会委员选举", "工会委员会补选"]  # fmt: skip
EVALUATIONS = ["工会领导班子和干部民主测评", "中层干部年度民主测评", "工会委员述职民主评议"]
SIMPLES = [("职工文体活动方案投票", ["方案一：趣味运动会", "方案二：登山健步走", "方案三：文艺汇演", "方案四：拓展训练"]),
           ("年度福利发放方式投票", ["发放实物", "发放消费卡", "组织疗休养"]),
           ("职工食堂菜品改进投票", ["增加面食窗口", "增加特色菜", "延长供餐时间", "增设夜宵"]),
           ("工会活动室开放时间投票", ["工作日晚间开放", "周末全天开放"])]  # fmt: skip
POSITIONS = ["工会主席", "工会副主席", "经审委主任", "女工委主任", "组织委员", "宣传委员", "文体委员",
             "生活委员", "办公室主任", "教务处主任", "总务处主任", "车间主任"]  # fmt: skip
DEEDS = ["爱岗敬业，业绩突出，群众基础好。", "积极参加工会活动，热心为职工服务。",
         "在本职岗位上勇于创新，多次获得表彰。", "团结同事，乐于助人，起到模范带头作用。"]  # fmt: skip
OTHER_NOTICES = [(NoticeKind.FINANCE, "工会经费收支情况公示", "现将本年度工会经费收支情况予以公示，欢迎职工监督。"),
                 (NoticeKind.OPENNESS, "校务公开：职工福利和评先评优办法公示", "现将职工福利和评先评优办法予以公示。"),
                 (NoticeKind.FINANCE, "困难职工帮扶资金使用情况公示", "现将困难职工帮扶资金使用情况予以公示。")]  # fmt: skip
OBJECTIONS = ["对评选程序有疑问，建议说明推荐过程。", "候选人事迹材料与实际情况不符。", "部分职工未参加投票，程序不够规范。",
              "建议公布详细票数。", "对个别人选的资格有异议。"]  # fmt: skip
RESOLUTIONS = {ObjectionState.DISMISSED: "经核实，程序符合规定，异议不成立。",
               ObjectionState.UPHELD: "经核实，异议属实，已责成重新审查。"}  # fmt: skip
GRADE_ORDER = [Grade.EXCELLENT, Grade.COMPETENT, Grade.BASIC, Grade.INCOMPETENT]


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass
class VotingReport:
    county: int
    county_name: str
    year: int
    unions: int
    counts: Counter[str]
    seconds: float = 0.0


@dataclass(frozen=True)
class Person:
    pk: int
    name: str
    user: int | None


@dataclass
class Union:
    org: Org
    people: list[Person] = field(default_factory=list)

    @property
    def short(self) -> str:
        return self.org.name.removesuffix("工会委员会").removesuffix("工会")


# --- what is there ------------------------------------------------------------------------------


def seeded_polls() -> models.QuerySet[Poll]:
    return Poll.objects.filter(created_by__username=OFFICER_USERNAME)


def seeded_notices() -> models.QuerySet[Notice]:
    return Notice.objects.filter(created_by__username=OFFICER_USERNAME)


def officer_county() -> Org | None:
    """The county where `bench-voting-admin` holds 上级工会管理员, if seeded."""
    assignment = (
        RoleAssignment.objects.filter(user__username=OFFICER_USERNAME, role=Role.SUPERIOR_ADMIN)
        .select_related("org")
        .first()
    )
    return assignment.org if assignment else None


def _union_of(county: Org) -> dict[int, int]:
    """Org id -> its union's id, for the county's active unions and their groups."""
    unions = dict(
        Org.objects.filter(
            path__under=county.path, kind__in=GRASSROOTS_KINDS, status=OrgStatus.ACTIVE
        ).values_list("id", "id")
    )
    groups = Org.objects.filter(path__under=county.path, kind=OrgKind.GROUP, parent_id__in=list(unions))
    unions.update(dict(groups.values_list("id", "parent_id")))
    return unions


def planned_unions(county: Org) -> set[int]:
    """The county's unions that get polls: those with at least MIN_MEMBERS active members."""
    union_of = _union_of(county)
    sizes: Counter[int] = Counter()
    rows = (
        Member.objects.filter(org__path__under=county.path, status=MemberStatus.ACTIVE)
        .values("org_id")
        .annotate(n=Count("pk"))
        .values_list("org_id", "n")
    )
    for org_id, n in rows:
        if org_id in union_of:
            sizes[union_of[org_id]] += n
    return {pk for pk, n in sizes.items() if n >= MIN_MEMBERS}


def voting_ready(county: Org, year: int) -> bool:
    """True if the county holds seeded polls released in `year` in exactly its planned unions."""
    officer = officer_county()
    if officer is None or officer.pk != county.pk:
        return False
    polls = seeded_polls().filter(org__path__under=county.path, state=PollState.RELEASED, held_on__year=year)
    have = set(polls.values_list("org_id", flat=True).distinct())
    return bool(have) and have == planned_unions(county)


def record_counts(county: Org) -> dict[str, int]:
    polls = seeded_polls().filter(org__path__under=county.path)
    notices = seeded_notices().filter(org__path__under=county.path)
    return {
        "polls": polls.count(),
        "voters": Voter.objects.filter(poll__in=polls).count(),
        "ballots": Ballot.objects.filter(poll__in=polls).count(),
        "notices": notices.count(),
        "objections": Objection.objects.filter(notice__in=notices).count(),
    }


@transaction.atomic
def delete_voting_data() -> None:
    """Remove every seeded poll (options, electorate, participations, ballots, paper counts) and
    notice (objections), and the officer (plain DELETEs; foreign keys are checked at commit)."""
    polls = seeded_polls().values("pk")
    batches = PaperBatch.objects.filter(poll__in=polls).values("pk")
    notices = seeded_notices().values("pk")
    doomed: list[models.QuerySet[Any]] = [
        PaperTally.objects.filter(batch__in=batches),
        PaperBatch.objects.filter(poll__in=polls),
        Ballot.objects.filter(poll__in=polls),
        Participation.objects.filter(poll__in=polls),
        PaperCode.objects.filter(poll__in=polls),
        Voter.objects.filter(poll__in=polls),
        Dimension.objects.filter(poll__in=polls),
        RaterGroup.objects.filter(poll__in=polls),
        Option.objects.filter(poll__in=polls),
        Objection.objects.filter(notice__in=notices),
    ]
    for queryset in doomed:
        queryset._raw_delete(queryset.db)
    # The parents last (the subqueries above find them by their creator).
    for parent in (seeded_polls(), seeded_notices()):
        ids = list(parent.values_list("pk", flat=True))
        for start in range(0, len(ids), 10_000):
            chunk = parent.model._base_manager.filter(pk__in=ids[start : start + 10_000])
            chunk._raw_delete(chunk.db)
    User.objects.filter(username=OFFICER_USERNAME).delete()


def _unions(county: Org, planned: set[int]) -> list[Union]:
    union_of = _union_of(county)
    unions = {org.pk: Union(org) for org in Org.objects.filter(pk__in=planned).order_by("id")}
    rows = (
        Member.objects.filter(org__path__under=county.path, status=MemberStatus.ACTIVE)
        .order_by("id")
        .values_list("id", "org_id", "name", "user_id")
    )
    for pk, org_id, name, user_id in rows:
        union = unions.get(union_of.get(org_id, 0))
        if union is not None:
            union.people.append(Person(pk, name, user_id))
    return list(unions.values())


# --- the builder --------------------------------------------------------------------------------


def _ids(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class VotingBuilder:
    def __init__(self, rng: random.Random, creator: int) -> None:
        self.rng = rng
        self.creator = creator
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.poll_type = ContentType.objects.get_for_model(Poll).pk
        self.next: dict[type[models.Model], int] = {
            m: _ids(m) for m in (Poll, Option, Dimension, RaterGroup, PaperBatch, Notice)
        }
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.counts: Counter[str] = Counter()
        self.today = timezone.localdate()

    def take(self, model: type[models.Model]) -> int:
        value = self.next[model]
        self.next[model] += 1
        return value

    def add(self, obj: models.Model) -> None:
        self.rows[type(obj)].append(obj)
        self.counts[type(obj)._meta.model_name or ""] += 1

    # Written once, at the end (a poll's fields are final only after its results are counted),
    # parents before children; foreign keys are deferred to the commit anyway.
    ORDER: tuple[type[models.Model], ...] = (
        Poll, Option, Dimension, RaterGroup, Voter, Participation, Ballot, PaperBatch, PaperTally,
        Notice, Objection,
    )  # fmt: skip

    def flush(self) -> None:
        for model in self.ORDER:
            rows = self.rows.pop(model, [])
            if rows:
                model._default_manager.bulk_create(rows, batch_size=BATCH)

    def moment(self, day: dt.date, low: int = 8, high: int = 18) -> dt.datetime:
        minute = self.rng.randrange(low * 60, high * 60)
        return dt.datetime.combine(day, dt.time(minute // 60, minute % 60), tzinfo=self.tz)

    def receipts(self, n: int) -> list[str]:
        seen: set[str] = set()
        while len(seen) < n:
            seen.add("".join(self.rng.choice(ALPHABET) for _ in range(10)))
        return list(seen)

    # --- one union --------------------------------------------------------------------------

    def union(self, union: Union, year: int, polls: int) -> None:
        first, last = dt.date(year, 1, 8), dt.date(year, 12, 20)
        if year == self.today.year:  # the current year: only what has closed already
            last = min(last, self.today - dt.timedelta(days=3))
        if last < first:
            return
        span = (last - first).days
        days = sorted(first + dt.timedelta(days=self.rng.randint(0, span)) for _ in range(polls))
        for day in days:
            kind = _pick(self.rng, KINDS)
            self.poll(union, kind, self.moment(day, 10, 17), year)
        for _ in range(self.rng.choices([0, 1, 2], weights=[40, 45, 15])[0]):
            day = first + dt.timedelta(days=self.rng.randint(0, span))
            notice_kind, title, body = self.rng.choice(OTHER_NOTICES)
            self.notice(union, notice_kind, f"{year}年{title}", body, day, None)

    def poll(self, union: Union, kind: str, closed: dt.datetime, year: int) -> None:
        rng = self.rng
        people = union.people
        opened = closed - dt.timedelta(hours=rng.randint(2, 72))
        released = closed + dt.timedelta(minutes=rng.randint(10, 2 * 24 * 60))
        poll = Poll(
            id=self.take(Poll), org_id=union.org.pk, kind=kind, state=PollState.RELEASED,
            opens_at=opened.replace(minute=0), closes_at=closed.replace(minute=0) + dt.timedelta(hours=1),
            created_by_id=self.creator, created_at=opened - dt.timedelta(days=rng.randint(3, 20)),
            opened_at=opened, closed_at=closed, released_at=released, held_on=timezone.localdate(closed),
        )  # fmt: skip
        size = min(len(people), rng.randint(*ELECTORATE))
        electorate = rng.sample(people, size)
        turnout = rng.uniform(0.8, 0.98)
        voted = [p for p in electorate if rng.random() < turnout] or electorate[:1]
        groups: dict[int, int | None] = {}
        if kind == PollKind.EVALUATION:
            options, ballots = self.evaluation(poll, union, electorate, voted, groups, year)
        else:
            options, ballots = self.choice_poll(poll, union, kind, year)
        for person in electorate:
            self.add(Voter(poll_id=poll.pk, member_id=person.pk, group_id=groups.get(person.pk)))
        paper: list[Person] = []
        if kind == PollKind.ELECTION and rng.random() < 1 / 6 and len(voted) >= 6:
            paper = voted[: len(voted) // 3]
        for person in voted:
            channel = Channel.PAPER_COUNT if person in paper else Channel.ONLINE
            self.add(Participation(poll_id=poll.pk, member_id=person.pk, channel=channel))
        cast = [ballots(person) for person in voted]
        online = [
            (group, choice)
            for person, (group, choice) in zip(voted, cast, strict=True)
            if person not in paper
        ]
        receipts = self.receipts(len(online))
        self.add(poll)
        for (group, choice), receipt in zip(online, receipts, strict=True):
            ballot_id = uuid.UUID(int=rng.getrandbits(128), version=4)
            self.add(
                Ballot(id=ballot_id, poll_id=poll.pk, rater_group_id=group, receipt=receipt, choices=choice)
            )
        batches: list[tuple[int, int, dict[str, int]]] = []
        if paper:
            batches = self.paper_batch(poll, [choice for person, (_, choice) in zip(voted, cast, strict=True)
                                              if person in paper])  # fmt: skip
        poll.ballots_at_close = len(online) + sum(v + i for v, i, _ in batches)
        self.counts[f"poll.{kind}"] += 1
        self.results(poll, union, options, [c for _, c in online], batches)

    def choice_poll(self, poll: Poll, union: Union, kind: str, year: int) -> tuple[list[Option], Any]:
        rng = self.rng
        people = union.people
        if kind == PollKind.SIMPLE:
            title, names = rng.choice(SIMPLES)
            names = names[: rng.randint(2, len(names))]
            poll.title, poll.choose_max = f"{year}年{title}", 1
            options = [
                Option(id=self.take(Option), poll_id=poll.pk, order=i, name=n) for i, n in enumerate(names, 1)
            ]
        else:
            if kind == PollKind.ELECTION:
                seats = max(1, min(rng.randint(3, 7), len(people) // 3))
                count = max(math.ceil(seats * 1.2), seats + 1) + rng.randint(0, 1)
                poll.title = f"{union.short}{rng.choice(ELECTIONS)}"[:120]
            else:
                seats = max(1, min(rng.randint(1, 4), len(people) // 5))
                count = seats + rng.randint(1, 3)
                award = rng.choice(AWARDS)
                poll.title = f"{year}年度“{award}”评选"
                poll.award_name, poll.award_level = award, _pick(rng, LEVELS)
            poll.choose_max = seats
            chosen = rng.sample(people, min(count, len(people)))
            options = [
                Option(id=self.take(Option), poll_id=poll.pk, order=i, name=p.name, member_id=p.pk,
                       position=rng.choice(POSITIONS) if kind == PollKind.ELECTION else "",
                       deeds=rng.choice(DEEDS) if kind == PollKind.AWARD else "",
                       self_nominated=kind == PollKind.AWARD and rng.random() < 0.2,
                       eligibility=Eligibility.ELIGIBLE)
                for i, p in enumerate(chosen, 1)
            ]  # fmt: skip
        for option in options:
            self.add(option)
        popularity = {o.pk: rng.uniform(0.2, 3.0) for o in options}
        seats = poll.choose_max

        def ballot(person: Person) -> tuple[None, dict[str, Any]]:
            picks = seats if rng.random() < 0.85 else rng.randint(0, seats)
            ranked = sorted(popularity, key=lambda pk: rng.random() ** (1 / popularity[pk]), reverse=True)
            return None, {"selected": sorted(ranked[:picks])}

        return options, ballot

    def evaluation(
        self, poll: Poll, union: Union, electorate: list[Person], voted: list[Person],
        groups: dict[int, int | None], year: int,
    ) -> tuple[list[Option], Any]:  # fmt: skip
        rng = self.rng
        poll.title = f"{year}年度{union.short}{rng.choice(EVALUATIONS)}"[:120]
        poll.scale = ScaleKind.GRADES if rng.random() < 0.6 else ScaleKind.DIMENSIONS
        poll.min_respondents = 10
        poll.drop_extremes = poll.scale == ScaleKind.DIMENSIONS and rng.random() < 0.5
        poll.choose_max = 1
        cadres = rng.sample(union.people, min(rng.randint(3, 8), len(union.people)))
        positions = rng.sample(POSITIONS, len(cadres))
        options = [Option(id=self.take(Option), poll_id=poll.pk, order=i, name=p.name, member_id=p.pk,
                          position=positions[i - 1]) for i, p in enumerate(cadres, 1)]  # fmt: skip
        for option in options:
            self.add(option)
        dimensions: list[tuple[int, int]] = []
        if poll.scale == ScaleKind.DIMENSIONS:
            for order, (name, top) in enumerate(DEFAULT_DIMENSIONS, 1):
                dim = Dimension(
                    id=self.take(Dimension), poll_id=poll.pk, order=order, name=name, max_score=top
                )
                self.add(dim)
                dimensions.append((dim.pk, top))
        if rng.random() < 1 / 3:
            rater = [RaterGroup(id=self.take(RaterGroup), poll_id=poll.pk, name=name, weight=Decimal(weight))
                     for name, weight in (("职工代表", "0.60"), ("工会委员", "0.40"))]  # fmt: skip
            for g in rater:
                self.add(g)
            for person in electorate:
                groups[person.pk] = rater[0].pk if rng.random() < 0.75 else rater[1].pk
        quality = {o.pk: rng.uniform(0.55, 0.98) for o in options}
        member_of = {o.pk: o.member_id for o in options}

        def ballot(person: Person) -> tuple[int | None, dict[str, Any]]:
            rated = [pk for pk in quality if member_of[pk] != person.pk]
            if poll.scale == ScaleKind.GRADES:
                grades = {}
                for pk in rated:
                    q = quality[pk]
                    weights = [q**2, 2 * q * (1 - q) + 0.1, (1 - q) ** 2 + 0.02, (1 - q) ** 3]
                    grades[str(pk)] = rng.choices(GRADE_ORDER, weights=weights)[0].value
                return groups.get(person.pk), {"grades": grades}
            scores = {
                str(pk): {str(dim): max(0, min(top, round(rng.gauss(quality[pk] * top, top / 10))))
                          for dim, top in dimensions}
                for pk in rated
            }  # fmt: skip
            return groups.get(person.pk), {"scores": scores}

        return options, ballot

    def paper_batch(self, poll: Poll, choices: list[dict[str, Any]]) -> list[tuple[int, int, dict[str, int]]]:
        invalid = min(len(choices) - 1, self.rng.randint(0, 2))
        counted = choices[invalid:]
        votes: Counter[int] = Counter(pk for choice in counted for pk in choice["selected"])
        batch = PaperBatch(id=self.take(PaperBatch), poll_id=poll.pk, valid=len(counted), invalid=invalid,
                           entered_at=poll.closed_at or timezone.now())  # fmt: skip
        self.add(batch)
        for pk, n in sorted(votes.items()):
            self.add(PaperTally(batch_id=batch.pk, option_id=pk, votes=n))
        return [(batch.valid, batch.invalid, {f"o{pk}": n for pk, n in votes.items()})]

    def results(
        self, poll: Poll, union: Union, options: list[Option], choices: list[dict[str, Any]],
        paper: list[tuple[int, int, dict[str, int]]],
    ) -> None:  # fmt: skip
        """Count as `services.poll_tally` will, and put award, election and evaluation results on 公示."""
        infos = [counting.OptionInfo(o.pk, o.name, o.member_id) for o in options]
        released = poll.released_at.astimezone(self.tz).date() if poll.released_at else self.today
        start = released + dt.timedelta(days=self.rng.randint(0, 2))
        if poll.kind == PollKind.EVALUATION:
            self.counts["evaluated"] += len(infos)
            if self.rng.random() < 0.5:
                names = "、".join(o.name for o in options)
                self.notice(union, NoticeKind.EVALUATION, f"关于{poll.title}结果的公示",
                            f"现将{names}等同志的民主测评结果予以公示。", start, poll)  # fmt: skip
            return
        result = counting.count_choices(
            choices, infos, seats=poll.choose_max, majority_percent=poll.majority_percent,
            decides=poll.kind != PollKind.SIMPLE, paper=paper,
        )  # fmt: skip
        winners = [row.name for row in result.elected]
        self.counts[f"elected.{poll.kind}"] += len(winners)
        if not winners or poll.kind == PollKind.SIMPLE:
            return
        names = "、".join(winners)
        if poll.kind == PollKind.AWARD and self.rng.random() < 0.9:
            level = AwardLevel(poll.award_level).label
            notice = self.notice(
                union, NoticeKind.AWARD, f"关于“{poll.award_name}”评选结果的公示",
                f"经推荐、资格审查和投票，拟评选以下同志为“{poll.award_name}”({level})：{names}。"
                "公示期间如有异议，请向工会反映。", start, poll,
            )  # fmt: skip
            poll.notice_id = notice.pk
            poll.award_final = notice.state == NoticeState.FINAL
        elif poll.kind == PollKind.ELECTION and self.rng.random() < 0.6:
            self.notice(union, NoticeKind.ELECTION, f"关于{poll.title}结果的公示",
                        f"经选举，{names}当选。", start, poll)  # fmt: skip

    def notice(
        self, union: Union, kind: str, title: str, body: str, start: dt.date, subject: Poll | None
    ) -> Notice:
        rng = self.rng
        days = 5 if kind == NoticeKind.AWARD else rng.choice([3, 5, 5, 7])
        end = period_end(start, days)
        published = self.moment(start, 8, 11)
        notice = Notice(
            id=self.take(Notice), org_id=union.org.pk, title=title[:120], body=body, kind=kind,
            contact=f"工会办公室 0{rng.randint(700, 799)}-{rng.randint(2000000, 8999999)}",
            subject_type_id=self.poll_type if subject is not None else None,
            subject_id=subject.pk if subject is not None else None,
            starts_on=start, ends_on=end, days=days, state=NoticeState.FINAL,
            created_by_id=self.creator, created_at=published - dt.timedelta(hours=rng.randint(1, 48)),
            published_by_id=self.creator, published_at=published,
        )  # fmt: skip
        states: list[str] = []
        if rng.random() < 0.15:
            users = [p.user for p in union.people if p.user is not None]
            for _ in range(rng.randint(1, 3)):
                state = _pick(rng, [(ObjectionState.DISMISSED, 70), (ObjectionState.UPHELD, 20),
                                    (ObjectionState.SUBMITTED, 10)])  # fmt: skip
                day = start + dt.timedelta(days=rng.randint(0, max(0, (end - start).days)))
                submitted = self.moment(day)
                resolved = (
                    submitted + dt.timedelta(days=rng.randint(1, 3))
                    if state != ObjectionState.SUBMITTED
                    else None
                )
                self.add(Objection(
                    notice_id=notice.pk, submitted_by_id=rng.choice(users) if users else None,
                    anonymous=rng.random() < 0.4, text=rng.choice(OBJECTIONS), submitted_at=submitted,
                    state=state, resolution=RESOLUTIONS.get(state, ""), resolved_by_id=None, resolved_at=resolved,
                ))  # fmt: skip
                states.append(state)
        final_at = self.moment(end + dt.timedelta(days=1), 0, 2)
        if ObjectionState.SUBMITTED in states:
            notice.state = NoticeState.CLOSED_PENDING
        elif ObjectionState.UPHELD in states and rng.random() < 1 / 3:
            notice.state, notice.withdrawn_at = NoticeState.WITHDRAWN, final_at
            notice.withdraw_reason = "异议经核实成立，重新组织评选。"
        else:
            notice.finalised_at, notice.any_upheld = final_at, ObjectionState.UPHELD in states
        self.add(notice)
        self.counts[f"notice.{notice.state}"] += 1
        return notice


# --- entry point --------------------------------------------------------------------------------


def _officer(county: Org) -> int:
    user = User(username=OFFICER_USERNAME, name="郑立群")
    user.set_unusable_password()
    user.save()
    role_assign(actor=None, user=user, org=county, role=Role.SUPERIOR_ADMIN)
    return user.pk


def seed_voting_into(county: Org, year: int, *, seed: int = DEFAULT_SEED) -> VotingReport:
    """Replace the seeded polls and notices with a year of them (and a lighter year before) in
    every planned union of `county`."""
    from .congress_seed import _after_insert

    started = time.perf_counter()
    rng = random.Random(seed + 53)
    previous_cache = _sqlite_cache_size(-1_048_576)
    try:
        with transaction.atomic():
            delete_voting_data()
            unions = _unions(county, planned_unions(county))
            builder = VotingBuilder(rng, _officer(county))
            for union in unions:
                builder.union(union, year, rng.choices([1, 2, 3], weights=[35, 40, 25])[0])
                builder.union(union, year - 1, rng.choices([0, 1], weights=[60, 40])[0])
            builder.flush()
    finally:
        _sqlite_cache_size(previous_cache)
    _after_insert(VotingBuilder.ORDER)
    return VotingReport(
        county=county.pk, county_name=county.name, year=year, unions=len(unions), counts=builder.counts,
        seconds=time.perf_counter() - started,
    )  # fmt: skip
