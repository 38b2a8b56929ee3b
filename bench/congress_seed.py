"""Synthetic congress data (教代会/职代会) for the benchmarks: one county subtree of the bench tree
with `unions` grassroots unions (500 by default), each with a term, one to four yearly sessions,
delegates, handling departments, and `proposals` proposals in all (50,000 by default) spread over
the sessions and across every state, with co-signers, assignments, answers, ratings and the
suggestions converted from proposals.

The county: the smallest with at least `unions` unions, else the one with the most, topped up with
new grassroots unions coded `BCONG-<id>` (not `BENCH-`, so the bench tree keeps its size and is not
reseeded by `bench.run`); never the bench chair's county unless it is the only one (the `members`
scenario's union keeps its members as they are). Delegates are new members of their union with
card numbers starting with `seed.DELEGATE_CARD_PREFIX`, which `seed.bench_members()` leaves out,
so `BENCH_MEMBERS` still counts the members scenario's members only and reseeding those never
touches a delegate; each has an account (`bench-delegate-<union>-<n>`) with the 代表 role.

Everything is written as tuples with pre-assigned ids (`executemany` on SQLite, `COPY` on
PostgreSQL) in one transaction; `delete_congress_data()` removes it again with plain DELETEs.
Users: `bench-congress-admin` (上级工会管理员 of the county), `bench-congress-chair` (主席 of the
union with the largest session) and the departments `bench-dept-<union>-<n>` (承办部门).
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max, Q
from django.utils import timezone

from gonghui.congress.enums import (
    REGISTERED_STATES,
    CongressKind,
    Implementation,
    ProposalCategory,
    ProposalState,
    Rating,
    SessionStatus,
    SuggestionState,
)
from gonghui.congress.models import (
    AgendaItem,
    AgendaVote,
    Answer,
    Assignment,
    Attendance,
    CongressSession,
    CongressTerm,
    Cosigner,
    Delegate,
    Delegation,
    Proposal,
    RatingRecord,
    Suggestion,
    SuggestionCampaign,
)
from gonghui.core.enums import GRASSROOTS_KINDS, OrgKind, OrgStatus, Role, UnitType
from gonghui.core.models import Org, RoleAssignment, User
from gonghui.core.services import role_assign
from gonghui.members.enums import MemberStatus, Political
from gonghui.members.models import Member
from gonghui.members.privacy import lookup_hash, mask_id

from .names import CompanyNames, cn_number
from .people import People
from .seed import (
    BENCH_CODE_PREFIX,
    DEFAULT_SEED,
    DELEGATE_CARD_PREFIX,
    GENERATED_COLUMNS,
    _sqlite_cache_size,
    bench_orgs,
    delete_members,
)

DEFAULT_UNIONS = 500
DEFAULT_PROPOSALS = 50_000
EXTRA_CODE_PREFIX = "BCONG-"
OFFICER_USERNAME = "bench-congress-admin"
CHAIR_USERNAME = "bench-congress-chair"
DEPARTMENT_PREFIX = "bench-dept-"
DELEGATE_USER_PREFIX = "bench-delegate-"
# Counties of other provinces (45xxxx): delegates' ID numbers never collide with seeded members.
DELEGATE_AREAS = [f"45{city:02d}{county:02d}" for city in range(1, 15) for county in (2, 3, 21, 22, 81)]
BATCH = 20_000  # rows per INSERT batch
SCHOOL_TYPES = {UnitType.SCHOOL, UnitType.KINDERGARTEN, UnitType.PRIVATE_SCHOOL}

SCHOOL_DEPARTMENTS = ["办公室", "教务处", "总务处", "德育处", "教科室", "后勤服务中心", "安全办公室"]
OTHER_DEPARTMENTS = [
    "综合办公室",
    "人力资源部",
    "生产运营部",
    "安全环保部",
    "财务部",
    "后勤服务中心",
    "党群工作部",
]

C = ProposalCategory
SCHOOL_TOPICS: list[tuple[str, str]] = [
    (C.TEACHING, "减轻教师非教学性事务负担"), (C.TEACHING, "加强青年教师培养"),
    (C.TEACHING, "完善校本教研制度"), (C.TEACHING, "更新多媒体教学设备"), (C.TEACHING, "优化课后服务安排"),
    (C.TEACHING, "合理控制班额"), (C.LOGISTICS, "改善教职工午餐质量"), (C.LOGISTICS, "增设教师休息室"),
    (C.LOGISTICS, "改造学校运动场地"), (C.LOGISTICS, "解决教职工停车难"), (C.LOGISTICS, "更新办公室空调设施"),
    (C.LOGISTICS, "更换校园饮水设备"), (C.WELFARE, "完善班主任津贴"), (C.WELFARE, "组织教职工健康体检"),
    (C.WELFARE, "提高教职工生日慰问标准"), (C.WELFARE, "落实教职工带薪休假"), (C.WELFARE, "关心退休教职工生活"),
    (C.MANAGEMENT, "完善绩效工资分配办法"), (C.MANAGEMENT, "规范职称评聘程序"), (C.MANAGEMENT, "深化校务公开"),
    (C.MANAGEMENT, "完善教职工考勤制度"), (C.MANAGEMENT, "优化评优评先办法"), (C.SAFETY, "规范校园停车管理"),
    (C.SAFETY, "加强校园安保力量"), (C.SAFETY, "做好上下学时段交通疏导"), (C.SAFETY, "排查校舍安全隐患"),
    (C.OTHER, "丰富教职工文体活动"), (C.OTHER, "设立教职工心理疏导室"), (C.OTHER, "建设教职工书屋"),
]  # fmt: skip
OTHER_TOPICS: list[tuple[str, str]] = [
    (C.TEACHING, "加强一线职工技能培训"), (C.TEACHING, "完善师带徒制度"), (C.TEACHING, "开展职工技能竞赛"),
    (C.LOGISTICS, "改善职工食堂伙食"), (C.LOGISTICS, "增开职工通勤班车"), (C.LOGISTICS, "改善职工宿舍条件"),
    (C.LOGISTICS, "车间增设防暑降温设备"), (C.WELFARE, "提高夜班津贴标准"), (C.WELFARE, "按时足额发放高温津贴"),
    (C.WELFARE, "设立职工困难帮扶基金"), (C.WELFARE, "落实职工带薪年休假"), (C.WELFARE, "调整一线岗位工资"),
    (C.MANAGEMENT, "完善劳动定额管理"), (C.MANAGEMENT, "规范加班审批与补休"), (C.MANAGEMENT, "深化厂务公开"),
    (C.MANAGEMENT, "完善绩效考核办法"), (C.SAFETY, "及时更新劳动防护用品"), (C.SAFETY, "加强特种设备安全检查"),
    (C.SAFETY, "改善车间通风除尘"), (C.SAFETY, "开展职业健康体检"), (C.OTHER, "建设职工书屋"),
    (C.OTHER, "丰富职工业余文化生活"), (C.OTHER, "开办职工子女暑期托管班"),
]  # fmt: skip
TITLE_FORMS = ["关于{}的提案", "关于{}的提案", "关于进一步{}的提案", "关于{}的建议"]
REASONS = [
    "近年来教职工人数增加，现有条件已不能满足需要，群众意见较大。",
    "在走访调研中，多数职工反映这一问题，影响了工作积极性。",
    "现行做法已执行多年，与当前实际情况不相适应，亟需调整。",
    "该问题直接关系职工切身利益，代表们在小组讨论中普遍提到。",
    "兄弟单位已有较好做法，我单位可借鉴推行。",
    "上级有关文件对此已有明确要求，但在本单位落实得还不够到位。",
    "一线职工工作强度大，相关保障措施还不够完善。",
    "部分设施使用年限较长，存在老化和安全隐患。",
]
MEASURES = [
    "建议由相关部门牵头，在充分调研的基础上制定具体实施方案。",
    "建议列入年度工作计划，明确责任部门和完成时限。",
    "建议广泛听取职工意见，修订完善相关制度并提交职代会审议。",
    "建议安排专项经费，分步实施，年内见到成效。",
    "建议定期向职工代表通报进展情况，接受职工监督。",
    "建议参照上级标准执行，并建立长效机制。",
]
ANSWERS = [
    "经研究，该提案反映的问题属实，已列入本年度工作计划，将于本学期内完成。",
    "感谢代表的关心。我部门已会同相关科室制定方案，预计下季度实施。",
    "该事项涉及经费较多，已向上级主管部门申请专项资金，资金到位后立即实施。",
    "已按提案建议修订相关制度，并将在下次职代会上提交审议。",
    "经核实，部分建议已在落实中，其余部分将结合实际逐步推进。",
    "该提案建议合理，已召开专题会议研究部署，明确了责任人和时间节点。",
]
NOT_REGISTERED_NOTES = ["属于个人诉求，不符合立案条件", "不属于本单位职权范围", "内容过于笼统，缺少具体建议"]
CONVERTED_NOTES = ["属于日常工作建议，转为合理化建议办理", "内容单一，转为合理化建议"]
IMPLEMENTATION_NOTES = [
    "已完成改造并投入使用",
    "相关制度已修订印发",
    "已安排专项经费，正在实施",
    "已纳入明年计划",
]
SUGGESTION_TITLES = ["节约用电的几点建议", "优化会议安排", "图书室延长开放时间", "建立互助小组", "食堂增加窗口",
                     "改进物资领用流程", "推行无纸化办公", "优化排班方式", "废旧物资回收利用"]  # fmt: skip

# State mixes (state, weight) by the kind of session the proposals belong to.
S = ProposalState
PAST_MIX = [(S.CLOSED, 62), (S.IMPLEMENTING, 8), (S.RATED, 3), (S.ANSWERED, 2), (S.ASSIGNED, 2),
            (S.NOT_REGISTERED, 8), (S.MERGED, 6), (S.CONVERTED, 9)]  # fmt: skip
LATEST_MIX = [(S.DRAFT, 2), (S.SUBMITTED, 3), (S.REGISTERED, 4), (S.ASSIGNED, 18), (S.ANSWERED, 10),
              (S.RATED, 8), (S.IMPLEMENTING, 14), (S.CLOSED, 18), (S.NOT_REGISTERED, 8), (S.MERGED, 6),
              (S.CONVERTED, 9)]  # fmt: skip
OPEN_MIX = [(S.DRAFT, 10), (S.SUBMITTED, 35), (S.REGISTERED, 20), (S.ASSIGNED, 15), (S.NOT_REGISTERED, 8),
            (S.MERGED, 5), (S.CONVERTED, 7)]  # fmt: skip
PREPARING_MIX = [(S.DRAFT, 60), (S.SUBMITTED, 40)]
ANSWERED_STATES = {S.ANSWERED, S.RATED, S.IMPLEMENTING, S.CLOSED}
RATED_STATES = {S.RATED, S.IMPLEMENTING, S.CLOSED}


@dataclass
class UnionPlan:
    org: Org
    delegates: int
    weight: float
    sessions: int = 1
    latest_status: str = SessionStatus.CLOSED
    proposals: list[int] = field(default_factory=list)  # per session, oldest first


class Elected(NamedTuple):
    """A member elected as delegate (the member's id and what the delegate row copies)."""

    member: int
    name: str
    sex: str
    birth: dt.date
    political: str
    user: int


Seat = tuple[int, int]  # a delegate of a term: (delegate id, user id)


@dataclass
class CongressReport:
    county: int
    county_name: str
    unions: int
    added_unions: int
    chair_union: int
    report_session: int
    counts: Counter[str]
    seconds: float = 0.0


# --- what is there ------------------------------------------------------------------------------


def congress_orgs() -> models.QuerySet[Org]:
    """Bench orgs and the unions the congress seeder added."""
    return Org.objects.filter(Q(code__startswith=BENCH_CODE_PREFIX) | Q(code__startswith=EXTRA_CODE_PREFIX))


def officer_county() -> Org | None:
    """The county where `bench-congress-admin` holds 上级工会管理员, if seeded."""
    assignment = (
        RoleAssignment.objects.filter(user__username=OFFICER_USERNAME, role=Role.SUPERIOR_ADMIN)
        .select_related("org")
        .first()
    )
    return assignment.org if assignment else None


def congress_ready(unions: int, proposals: int) -> bool:
    """True if the congress bench data has exactly `unions` terms and `proposals` proposals."""
    county = officer_county()
    if county is None or not User.objects.filter(username=CHAIR_USERNAME).exists():
        return False
    terms = CongressTerm.objects.filter(org__path__under=county.path).count()
    return terms == unions and Proposal.objects.filter(org__path__under=county.path).count() == proposals


@transaction.atomic
def delete_congress_data() -> None:
    """Remove the congress bench data: congress rows of bench orgs, delegates' members, the added
    unions and the congress bench users (plain DELETEs; foreign keys are checked at commit)."""
    from .voting_county_seed import delete_voting_data

    delete_voting_data()  # first: the reports county's polls and notices point at these members and unions
    orgs = congress_orgs().values("pk")
    proposals = Proposal.objects.filter(org__in=orgs).values("pk")
    sessions = CongressSession.objects.filter(org__in=orgs).values("pk")
    terms = CongressTerm.objects.filter(org__in=orgs).values("pk")
    doomed: list[models.QuerySet[Any]] = [
        Suggestion.objects.filter(org__in=orgs),
        SuggestionCampaign.objects.filter(org__in=orgs),
        RatingRecord.objects.filter(proposal__in=proposals),
        Answer.objects.filter(proposal__in=proposals),
        Assignment.objects.filter(proposal__in=proposals),
        Cosigner.objects.filter(proposal__in=proposals),
        Proposal.objects.filter(org__in=orgs),
        AgendaVote.objects.filter(item__session__in=sessions),
        AgendaItem.objects.filter(session__in=sessions),
        Attendance.objects.filter(session__in=sessions),
        Delegation.objects.filter(term__in=terms),
        Delegate.objects.filter(term__in=terms),
        CongressSession.objects.filter(org__in=orgs),
        CongressTerm.objects.filter(org__in=orgs),
    ]
    for queryset in doomed:
        queryset._raw_delete(queryset.db)
    delete_members(Member.objects.filter(card_number__startswith=DELEGATE_CARD_PREFIX))
    User.objects.filter(
        Q(username__startswith=DEPARTMENT_PREFIX)
        | Q(username__startswith=DELEGATE_USER_PREFIX)
        | Q(username__in=[OFFICER_USERNAME, CHAIR_USERNAME])
    ).delete()
    extra = Org.objects.filter(code__startswith=EXTRA_CODE_PREFIX)
    for relation in Org._meta.related_objects:
        if relation.related_model is Org:
            continue
        related = relation.related_model._base_manager.filter(
            **{f"{relation.field.name}__in": extra.values("pk")}
        )
        if relation.on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
        else:
            related.delete()
    extra._raw_delete(extra.db)


# --- writing rows -------------------------------------------------------------------------------


class TableWriter:
    """Rows of one model as tuples in `columns` order (attnames; with "id" for pre-assigned ids),
    inserted in batches; other fields get their default. Dates and datetimes are adapted for the
    database."""

    def __init__(self, model: type[models.Model], columns: Sequence[str]) -> None:
        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = set(columns) - set(by_attname)
        if unknown:
            raise ValueError(f"{model.__name__}: no such columns {sorted(unknown)}")
        # The rest get their default; not the id when none is given, nor generated columns.
        extra = [
            f
            for name, f in by_attname.items()
            if name not in columns
            and not getattr(f, "generated", False)
            and not (f.primary_key and "id" not in columns)
        ]
        for f in extra:
            if f.get_default() is None and not f.null:
                raise ValueError(f"{model.__name__}.{f.name} needs a value")
        fields = [by_attname[name] for name in columns] + extra
        self.suffix = tuple(f.get_default() for f in extra)
        quote = connection.ops.quote_name
        self.model = model
        self.table = quote(model._meta.db_table)
        self.columns = ", ".join(quote(str(f.column)) for f in fields)
        self.width = len(fields)
        self.adapt = [self._adapter(f) for f in fields]
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0
        self.next_id = (model._default_manager.aggregate(m=Max("pk"))["m"] or 0) + 1

    @staticmethod
    def _adapter(f: models.Field) -> Any:
        if isinstance(f, models.DateTimeField):
            return connection.ops.adapt_datetimefield_value
        if isinstance(f, models.DateField):
            return connection.ops.adapt_datefield_value
        return None

    def take_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, *row: Any) -> None:
        self.rows.append(row + self.suffix)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        adapters = [(i, fn) for i, fn in enumerate(self.adapt) if fn is not None]
        rows = self.rows
        if adapters:
            adapted = []
            for row in rows:
                values = list(row)
                for i, fn in adapters:
                    if values[i] is not None:
                        values[i] = fn(values[i])
                adapted.append(tuple(values))
            rows = adapted
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * self.width)
                cursor.executemany(f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})", rows)
        self.written += len(self.rows)
        self.rows.clear()


# --- choosing and topping up the county ---------------------------------------------------------


def _county_unions() -> dict[int, list[int]]:
    """Bench counties and the ids of the grassroots unions in each (path: /province/city/county/…)."""
    counties = dict(bench_orgs().filter(kind=OrgKind.COUNTY).values_list("path", "id"))
    unions: dict[int, list[int]] = {pk: [] for pk in counties.values()}
    rows = congress_orgs().filter(kind__in=GRASSROOTS_KINDS, status=OrgStatus.ACTIVE).order_by("id")
    for pk, path in rows.values_list("id", "path"):
        county = counties.get("/" + "/".join(path.strip("/").split("/")[:3]) + "/")
        if county is not None:
            unions[county].append(pk)
    return unions


def choose_county(target: int) -> Org:
    """The county with the most unions, other than the bench chair's county (unless it is the only one)."""
    unions = _county_unions()
    if not unions:
        raise ValueError("no bench tree: seed it first (bench.seed.seed)")
    chair = RoleAssignment.objects.filter(user__username="bench-chair", role=Role.CHAIR).values_list(
        "org__path", flat=True
    )
    chair_county = {int(path.strip("/").split("/")[2]) for path in chair if path.count("/") > 3}
    candidates = [pk for pk in unions if pk not in chair_county] or list(unions)
    enough = [pk for pk in candidates if len(unions[pk]) >= target]
    if enough:  # the smallest county that has enough
        pk = min(enough, key=lambda c: (len(unions[c]), c))
    else:
        pk = max(candidates, key=lambda c: (len(unions[c]), -c))
    return Org.objects.get(pk=pk)


def top_up(county: Org, target: int, rng: random.Random, seed: int) -> tuple[list[Org], int]:
    """`target` unions of the county, adding new ones (BCONG-) if it has fewer."""
    existing = list(
        Org.objects.filter(path__under=county.path, kind__in=GRASSROOTS_KINDS, status=OrgStatus.ACTIVE)
        .filter(Q(code__startswith=BENCH_CODE_PREFIX) | Q(code__startswith=EXTRA_CODE_PREFIX))
        .order_by("id")
    )
    if len(existing) >= target:
        return existing[:target], 0
    parents = list(
        Org.objects.filter(parent=county, kind__in=[OrgKind.STREET, OrgKind.INDUSTRY]).order_by("id")
    )
    parents = parents or [county]
    education = next((p for p in parents if p.kind == OrgKind.INDUSTRY), parents[0])
    towns = [p for p in parents if p.kind == OrgKind.STREET] or parents
    companies = CompanyNames(rng, seed)
    base = county.name.removesuffix("总工会")
    next_id = (Org.objects.aggregate(m=Max("id"))["m"] or 0) + 1
    added: list[Org] = []
    for index in range(target - len(existing)):
        if rng.random() < 0.3:
            parent, unit_type = education, UnitType.SCHOOL
            name = f"{base}第{cn_number(index + 1)}{rng.choice(['实验学校', '职业中学', '完全小学'])}工会"
            workforce = rng.randint(40, 220)
        else:
            parent, unit_type = rng.choice(towns), UnitType.ENTERPRISE
            name = f"{companies.company(base[:2])}工会委员会"
            workforce = max(8, min(20_000, int(rng.lognormvariate(3.9, 1.1))))
        pk = next_id + index
        added.append(
            Org(id=pk, parent=parent, path=f"{parent.path}{pk}/", depth=parent.depth + 1, name=name[:120],
                kind=OrgKind.GRASSROOTS, unit_type=unit_type, workforce=workforce,
                code=f"{EXTRA_CODE_PREFIX}{pk}", status=OrgStatus.ACTIVE)
        )  # fmt: skip
    Org.objects.bulk_create(added)
    return existing + added, len(added)


# --- the plan -----------------------------------------------------------------------------------


def delegates_for(workforce: int) -> int:
    """Delegates of a union: about 4·√workforce (a 100-strong school has 40), 12–300, never more
    than nine in ten of the workforce."""
    return max(2, min(max(3, int(workforce * 0.9)), max(12, min(300, round(4 * math.sqrt(workforce))))))


def split(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainders), summing exactly to `total`."""
    whole = sum(weights)
    shares = [total * w / whole for w in weights]
    counts = [int(s) for s in shares]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def plan(unions: list[Org], proposals: int, rng: random.Random) -> tuple[list[UnionPlan], UnionPlan]:
    plans = [UnionPlan(u, delegates_for(u.workforce or 10), 0.0) for u in unions]
    for p in plans:
        p.weight = p.delegates * rng.uniform(0.6, 1.4)
        p.sessions = rng.choices([1, 2, 3, 4], weights=[2, 4, 3, 1])[0]
        p.latest_status = rng.choices(
            [SessionStatus.CLOSED, SessionStatus.IN_SESSION, SessionStatus.PREPARING], weights=[85, 8, 7]
        )[0]
    # The chair's union: the largest closed session that has an earlier one (its report carries
    # proposals over); with no such union (tiny runs) the heaviest union is given three sessions.
    candidates = [p for p in plans if p.sessions > 1 and p.latest_status == SessionStatus.CLOSED]
    if not candidates:
        heaviest = max(plans, key=lambda p: (p.weight, -p.org.pk))
        heaviest.sessions, heaviest.latest_status = 3, SessionStatus.CLOSED
        candidates = [heaviest]
    per_union = split(proposals, [p.weight for p in plans])
    for p, count in zip(plans, per_union, strict=True):
        # The latest session gets a little more (a growing congress), a preparing one fewer.
        weights = [1.0 + 0.15 * i for i in range(p.sessions)]
        if p.latest_status == SessionStatus.PREPARING:
            weights[-1] = 0.4
        p.proposals = split(count, weights)
    chair = max(candidates, key=lambda p: (p.proposals[-1], -p.org.pk))
    return plans, chair


# --- the builder --------------------------------------------------------------------------------


class CongressBuilder:
    def __init__(self, rng: random.Random, seed: int, today: dt.date) -> None:
        self.rng = rng
        self.seed = seed
        self.today = today
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.now = timezone.now()
        self.counts: Counter[str] = Counter()
        self.terms = TableWriter(
            CongressTerm, ["id", "org_id", "number", "kind", "start", "end", "cosigners_required"]
        )
        self.sessions = TableWriter(
            CongressSession,
            ["id", "term_id", "org_id", "number", "date", "place", "status", "party_approved_on",
             "party_approval_note", "opened_at", "closed_at"],
        )  # fmt: skip
        self.delegates = TableWriter(
            Delegate,
            ["id", "term_id", "org_id", "member_id", "user_id", "name", "delegation_id", "is_woman", "is_frontline",
             "is_leader", "is_young", "is_party", "elected_on", "active", "replaces_id"],
        )  # fmt: skip
        self.proposals = TableWriter(
            Proposal,
            ["id", "session_id", "org_id", "number", "title", "category", "reason", "measures", "proposer_id",
             "proposer_user_id", "state", "review_note", "merged_into_id", "deadline", "rating", "implementation",
             "implementation_note", "published", "submitted_at", "registered_at", "assigned_at",
             "first_answered_at", "closed_at", "created_at"],
        )  # fmt: skip
        self.cosigners = TableWriter(Cosigner, ["id", "proposal_id", "delegate_id", "confirmed_at"])
        self.assignments = TableWriter(
            Assignment,
            ["id", "proposal_id", "department_id", "deadline", "assigned_at", "answered_at", "active",
             "reassign_requested", "reminded_at"],
        )  # fmt: skip
        self.answers = TableWriter(
            Answer,
            ["id", "proposal_id", "assignment_id", "round", "body", "attachment", "answered_by_id", "answered_at",
             "on_time"],
        )  # fmt: skip
        self.ratings = TableWriter(
            RatingRecord, ["id", "proposal_id", "round", "rating", "comment", "rated_at"]
        )
        self.suggestions = TableWriter(
            Suggestion,
            ["id", "org_id", "campaign_id", "submitter_id", "anonymous", "title", "body", "from_proposal_id",
             "state", "review_note", "benefit", "benefit_amount", "reward", "submitted_at", "reviewed_at"],
        )  # fmt: skip
        self.writers = [self.terms, self.sessions, self.delegates, self.proposals, self.cosigners,
                        self.assignments, self.answers, self.ratings, self.suggestions]  # fmt: skip

    def at(self, day: dt.date, hour: int = 9) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, hour, tzinfo=self.tz)

    def capped(self, moment: dt.datetime) -> dt.datetime:
        """Nothing happened in the future."""
        return min(moment, self.now - dt.timedelta(minutes=5))

    # users and members ------------------------------------------------------------------------

    @staticmethod
    def accounts(specs: Sequence[tuple[str, str, int, str]]) -> dict[str, int]:
        """Users (username, name) with a this-org-only role at an org each; their ids by username."""
        password = make_password(None)  # unusable: bench users are logged in with force_login
        users = [User(username=username, name=name, password=password) for username, name, _, _ in specs]
        User.objects.bulk_create(users, batch_size=2_000)
        ids = dict(
            User.objects.filter(username__in=[u.username for u in users]).values_list("username", "id")
        )
        roles = [
            RoleAssignment(user_id=ids[username], org_id=org_id, role=role, this_org_only=True)
            for username, _, org_id, role in specs
        ]
        RoleAssignment.objects.bulk_create(roles, batch_size=2_000)
        return ids

    def departments(self, plans: list[UnionPlan]) -> dict[int, list[int]]:
        """承办部门 accounts per union (2 for a small union, 3–5 otherwise)."""
        specs = []
        for p in plans:
            names = SCHOOL_DEPARTMENTS if p.org.unit_type in SCHOOL_TYPES else OTHER_DEPARTMENTS
            count = 2 if p.org.workforce < 50 else self.rng.randint(3, 5)
            for index, name in enumerate(names[:count], start=1):
                specs.append((f"{DEPARTMENT_PREFIX}{p.org.pk}-{index}", name, p.org.pk, Role.DEPARTMENT))
        ids = self.accounts(specs)
        by_union: dict[int, list[int]] = {}
        for username, _, org_id, _ in specs:
            by_union.setdefault(org_id, []).append(ids[username])
        self.counts["departments"] = len(specs)
        return by_union

    def delegate_members(self, plans: list[UnionPlan]) -> dict[int, list[Elected]]:
        """New active members of each union, elected delegates, each with an account and the
        代表 role at the union (as `delegate_elect` gives it)."""
        people = People(self.seed + 31, areas=DELEGATE_AREAS, today=self.today)
        chosen: list[tuple[UnionPlan, int, Any]] = []
        for p in plans:
            for number in range(1, p.delegates + 1):
                person = people.person(p.org.unit_type)
                while person.status != MemberStatus.ACTIVE:
                    person = people.person(p.org.unit_type)
                chosen.append((p, number, person))
        users = self.accounts(
            [(f"{DELEGATE_USER_PREFIX}{p.org.pk}-{n:03d}", person.name.name, p.org.pk, Role.DELEGATE)
             for p, n, person in chosen]
        )  # fmt: skip
        tokens = people.fernet_tokens()
        writer = TableWriter(Member, GENERATED_COLUMNS)  # the members seeder's columns, in its order
        for serial, (p, number, person) in enumerate(chosen):
            writer.add(
                p.org.pk, person.name.name, person.name.pinyin, person.name.initials, person.sex, "01",
                person.birth, tokens[serial % len(tokens)], lookup_hash(person.id_number), mask_id(person.id_number),
                person.mobile, person.political, person.education, person.position, person.join_date,
                f"{DELEGATE_CARD_PREFIX}{p.org.pk}-{number:03d}", person.employment, person.hardship_level, "",
                person.single_parent, person.model_worker_level, person.status, person.join_date, self.now,
                self.now, users[f"{DELEGATE_USER_PREFIX}{p.org.pk}-{number:03d}"],
            )  # fmt: skip
        writer.flush()
        self.counts["members"] = writer.written
        rows = Member.objects.filter(card_number__startswith=DELEGATE_CARD_PREFIX).order_by("id")
        by_union: dict[int, list[Elected]] = {}
        for pk, org_id, name, sex, birth, political, user_id in rows.values_list(
            "id", "org_id", "name", "sex", "birth_date", "political", "user_id"
        ):
            by_union.setdefault(org_id, []).append(Elected(pk, name, sex, birth, political, user_id))
        return by_union

    # terms, sessions, delegates ---------------------------------------------------------------

    def union(self, p: UnionPlan, members: list[Elected], departments: list[int]) -> int:
        """Write one union's term, sessions, delegates and proposals; return its latest session's id."""
        rng = self.rng
        latest_day: dt.date = {
            SessionStatus.CLOSED: self.today - dt.timedelta(days=rng.randint(25, 280)),
            SessionStatus.IN_SESSION: self.today - dt.timedelta(days=rng.randint(0, 1)),
            SessionStatus.PREPARING: self.today + dt.timedelta(days=rng.randint(7, 45)),
        }[SessionStatus(p.latest_status)]
        days = [
            latest_day - dt.timedelta(days=365 * (p.sessions - 1 - i) + rng.randint(-20, 20))
            for i in range(p.sessions)
        ]
        days[-1] = latest_day
        start = days[0] - dt.timedelta(days=rng.randint(0, 30))
        kind = CongressKind.STAFF if p.org.unit_type in SCHOOL_TYPES else CongressKind.WORKERS
        term_id = self.terms.take_id()
        required = min(2, len(members) - 1)
        self.terms.add(
            term_id,
            p.org.pk,
            rng.randint(2, 8),
            kind,
            start,
            start + dt.timedelta(days=5 * 365 + 1),
            required,
        )
        seats: list[Seat] = []
        for member in members:
            seat = (self.delegates.take_id(), member.user)
            seats.append(seat)
            self.delegates.add(
                seat[0], term_id, p.org.pk, member.member, member.user, member.name, None, member.sex == "2",
                rng.random() < 0.75, rng.random() < 0.12, (start - member.birth).days < 35 * 365,
                member.political == Political.CPC, start, True, None,
            )  # fmt: skip
        session_id = 0
        for number, (day, count) in enumerate(zip(days, p.proposals, strict=True), start=1):
            latest = number == p.sessions
            status = p.latest_status if latest else SessionStatus.CLOSED
            session_id = self.sessions.take_id()
            opened = self.at(day, 8) if status != SessionStatus.PREPARING else None
            closed = self.at(day, 17) if status == SessionStatus.CLOSED else None
            approved = (
                day - dt.timedelta(days=7)
                if status != SessionStatus.PREPARING or rng.random() < 0.5
                else None
            )
            self.sessions.add(
                session_id, term_id, p.org.pk, number, day, rng.choice(["学术报告厅", "会议室", "礼堂", "多功能厅"]),
                status, approved, "同意召开" if approved else "", opened, closed,
            )  # fmt: skip
            mix: Sequence[tuple[str, int]] = {
                SessionStatus.CLOSED: LATEST_MIX if latest else PAST_MIX,
                SessionStatus.IN_SESSION: OPEN_MIX,
                SessionStatus.PREPARING: PREPARING_MIX,
            }[SessionStatus(status)]
            self.session_proposals(p, session_id, day, count, mix, seats, departments, required)
        return session_id

    # proposals --------------------------------------------------------------------------------

    def session_proposals(
        self, p: UnionPlan, session_id: int, day: dt.date, count: int, mix: Sequence[tuple[str, int]],
        delegates: list[Seat], departments: list[int], required: int,
    ) -> None:  # fmt: skip
        rng = self.rng
        states = rng.choices([s for s, _ in mix], weights=[w for _, w in mix], k=count)
        ids = [self.proposals.take_id() for _ in states]
        registered = [pid for pid, state in zip(ids, states, strict=True) if state in REGISTERED_STATES]
        numbers = {pid: n for n, pid in enumerate(registered, start=1)}
        topics = SCHOOL_TOPICS if p.org.unit_type in SCHOOL_TYPES else OTHER_TOPICS
        for pid, state in zip(ids, states, strict=True):
            if state == S.MERGED and not registered:
                state = S.NOT_REGISTERED
            self.proposal(p, session_id, day, pid, state, numbers.get(pid), topics, delegates, departments,
                          required, registered)  # fmt: skip

    def proposal(
        self, p: UnionPlan, session_id: int, day: dt.date, pid: int, state: str, number: int | None,
        topics: list[tuple[str, str]], delegates: list[Seat], departments: list[int], required: int,
        registered: list[int],
    ) -> None:  # fmt: skip
        rng = self.rng
        category, topic = rng.choice(topics)
        title = rng.choice(TITLE_FORMS).format(topic)
        reason = "".join(rng.sample(REASONS, 2))
        measures = "".join(rng.sample(MEASURES, 2))
        proposer, *others = rng.sample(
            delegates, min(len(delegates), 1 + required + rng.choice([0, 0, 1, 2]))
        )
        created = self.capped(self.at(day) - dt.timedelta(days=rng.randint(10, 40), hours=rng.randint(0, 8)))
        submitted = registered_at = assigned = first_answer = closed = None
        review_note = implementation_note = rating = ""
        merged_into = deadline = None
        implementation = Implementation.NOT_STARTED
        if state != S.DRAFT:
            submitted = self.capped(created + dt.timedelta(days=rng.randint(0, 5), hours=rng.randint(1, 9)))
        for index, delegate in enumerate(others):
            confirmed = None
            if state != S.DRAFT or (index == 0 and rng.random() < 0.5):
                confirmed = self.capped(created + dt.timedelta(hours=rng.randint(1, 48)))
                confirmed = min(confirmed, submitted) if submitted else confirmed
            self.cosigners.add(self.cosigners.take_id(), pid, delegate[0], confirmed)
        if state in (S.NOT_REGISTERED, S.CONVERTED):
            review_note = rng.choice(NOT_REGISTERED_NOTES if state == S.NOT_REGISTERED else CONVERTED_NOTES)
        if state == S.MERGED:
            merged_into = rng.choice(registered)
            review_note = "与同类提案内容相近，并案办理"
        if state in REGISTERED_STATES:
            registered_at = self.capped(self.at(day, 15) + dt.timedelta(days=rng.randint(0, 7)))
        if registered_at is not None and state != S.REGISTERED:
            assigned = self.capped(registered_at + dt.timedelta(days=rng.randint(1, 10)))
            deadline = assigned.date() + dt.timedelta(days=30)
            closed, first_answer, rating = self.handling(pid, state, assigned, deadline, departments)
        if state == S.IMPLEMENTING:
            implementation, implementation_note = (
                Implementation.IN_PROGRESS,
                rng.choice(IMPLEMENTATION_NOTES[2:]),
            )
        if state == S.CLOSED:
            implementation = Implementation.DONE if rng.random() < 0.85 else Implementation.NOT_FEASIBLE
            implementation_note = rng.choice(IMPLEMENTATION_NOTES[:2] if implementation == Implementation.DONE
                                             else IMPLEMENTATION_NOTES[3:])  # fmt: skip
        published = state in REGISTERED_STATES and rng.random() < 0.6
        self.proposals.add(
            pid, session_id, p.org.pk, number, title, category, reason, measures, proposer[0], proposer[1], state, review_note,
            merged_into, deadline, rating, implementation, implementation_note, published, submitted, registered_at,
            assigned, first_answer, closed, created,
        )  # fmt: skip
        self.counts[f"state.{state}"] += 1
        if state == S.CONVERTED:
            self.suggestion(p.org.pk, title, f"{reason}\n\n{measures}", pid, submitted or created)

    def handling(
        self, pid: int, state: str, assigned: dt.datetime, deadline: dt.date, departments: list[int]
    ) -> tuple[dt.datetime | None, dt.datetime | None, str]:
        """Assignments, answers and ratings of an assigned proposal; (closed_at, first answer, rating)."""
        rng = self.rng
        chosen = rng.sample(
            departments, min(len(departments), rng.choices([1, 2, 3], weights=[75, 20, 5])[0])
        )
        if rng.random() < 0.03 and len(departments) > len(chosen):  # re-assigned once (改派)
            former = next(d for d in departments if d not in chosen)
            self.assignments.add(self.assignments.take_id(), pid, former, deadline, assigned, None, False,
                                 "该事项不属于本部门职责", None)  # fmt: skip
        # An unsatisfied first answer (不满意): another round. A proposal back in ASSIGNED after one
        # is waiting for its second answer.
        second_round = state in RATED_STATES | {S.ANSWERED} and rng.random() < 0.1
        waiting_again = state == S.ASSIGNED and rng.random() < 0.2
        rounds = 2 if second_round else 1
        answered_rounds = rounds if state in ANSWERED_STATES else (1 if waiting_again else 0)
        first_answer: dt.datetime | None = None
        last_answer = assigned
        rating = ""
        moments: dict[int, dt.datetime] = {}
        for round_number in range(1, answered_rounds + 1):
            moments[round_number] = self.capped(
                last_answer + dt.timedelta(days=rng.randint(3, 40), hours=rng.randint(0, 9))
            )
            last_answer = moments[round_number] + dt.timedelta(days=rng.randint(1, 10))
        for department in chosen:
            assignment_id = self.assignments.take_id()
            answered_at = moments.get(answered_rounds) if state in ANSWERED_STATES else None
            round_deadline = deadline
            if answered_rounds and not answered_at:  # waiting for round 2: a fresh deadline
                round_deadline = max(deadline, moments[1].date() + dt.timedelta(days=15))
            reminded = (
                self.at(deadline + dt.timedelta(days=1))
                if not answered_at and deadline < self.today
                else None
            )
            self.assignments.add(assignment_id, pid, department, round_deadline, assigned, answered_at, True, "",
                                 self.capped(reminded) if reminded else None)  # fmt: skip
            for round_number, moment in moments.items():
                late = moment.date() > (deadline if round_number == 1 else round_deadline)
                self.answers.add(self.answers.take_id(), pid, assignment_id, round_number, rng.choice(ANSWERS), "",
                                 department, moment, not late)  # fmt: skip
        if moments:
            first_answer = moments[1]
        if 1 in moments and (rounds == 2 or waiting_again):
            rated = self.capped(moments[1] + dt.timedelta(days=rng.randint(1, 5)))
            self.ratings.add(self.ratings.take_id(), pid, 1, Rating.UNSATISFIED, "答复未解决实际问题", rated)
            rating = Rating.UNSATISFIED
        closed = None
        if state in RATED_STATES:
            rating = Rating.SATISFIED if rng.random() < 0.75 else Rating.BASICALLY
            rated = self.capped(moments[answered_rounds] + dt.timedelta(days=rng.randint(1, 10)))
            self.ratings.add(self.ratings.take_id(), pid, answered_rounds, rating, "", rated)
            if state == S.CLOSED:
                closed = self.capped(rated + dt.timedelta(days=rng.randint(10, 120)))
        return closed, first_answer, rating

    def suggestion(
        self, org_id: int, title: str, body: str, proposal_id: int | None, at: dt.datetime
    ) -> None:
        rng = self.rng
        state = rng.choices(list(SuggestionState), weights=[30, 30, 20, 15, 5])[0]
        reviewed = (
            self.capped(at + dt.timedelta(days=rng.randint(3, 30)))
            if state != SuggestionState.SUBMITTED
            else None
        )
        implemented = state in (SuggestionState.IMPLEMENTED, SuggestionState.REWARDED)
        self.suggestions.add(
            self.suggestions.take_id(), org_id, None, None, rng.random() < 0.1, title, body, proposal_id, state,
            "不具备实施条件" if state == SuggestionState.REJECTED else "", "节约成本，提高效率" if implemented else "",
            rng.randint(0, 5000) if implemented else 0, "通报表扬" if state == SuggestionState.REWARDED else "",
            at, reviewed,
        )  # fmt: skip

    def plain_suggestions(self, p: UnionPlan) -> None:
        for _ in range(int(p.delegates * self.rng.uniform(0.1, 0.6))):
            title = self.rng.choice(SUGGESTION_TITLES)
            at = self.capped(self.at(self.today - dt.timedelta(days=self.rng.randint(0, 360)), 10))
            self.suggestion(p.org.pk, title, f"{title}。", None, at)

    def flush(self) -> None:
        for writer in self.writers:
            writer.flush()
            self.counts[writer.model._meta.model_name or ""] = writer.written


# --- entry points -------------------------------------------------------------------------------


def _users(county: Org, chair_union: Org) -> None:
    for username, name, org, role in (
        (OFFICER_USERNAME, "周振华", county, Role.SUPERIOR_ADMIN),
        (CHAIR_USERNAME, "吴秀兰", chair_union, Role.CHAIR),
    ):
        user = User(username=username, name=name)
        user.set_unusable_password()
        user.save()
        role_assign(actor=None, user=user, org=org, role=role)


def _after_insert(tables: Iterable[type[models.Model]]) -> None:
    tables = list(tables)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), tables):
            cursor.execute(sql)
        for model in tables:
            table = model._meta.db_table
            # VACUUM (PostgreSQL: also the visibility map) cannot run inside a transaction (tests).
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute(f"{'VACUUM ' if vacuum else ''}ANALYZE {table}")


def seed_congress(
    unions: int = DEFAULT_UNIONS, proposals: int = DEFAULT_PROPOSALS, *, seed: int = DEFAULT_SEED
) -> CongressReport:
    """Replace the congress bench data with `unions` unions and `proposals` proposals."""
    started = time.perf_counter()
    rng = random.Random(seed + 41)
    previous_cache = _sqlite_cache_size(-1_048_576)
    try:
        with transaction.atomic():
            delete_congress_data()
            county = choose_county(unions)
            chosen, added = top_up(county, unions, rng, seed)
            plans, chair = plan(chosen, proposals, rng)
            builder = CongressBuilder(rng, seed, timezone.localdate())
            departments = builder.departments(plans)
            members = builder.delegate_members(plans)
            report_session = 0
            for p in plans:
                latest = builder.union(p, members[p.org.pk], departments[p.org.pk])
                builder.plain_suggestions(p)
                if p is chair:
                    report_session = latest
            builder.flush()
            _users(county, chair.org)
    finally:
        _sqlite_cache_size(previous_cache)
    _after_insert([Org, Member, *(w.model for w in builder.writers)])
    return CongressReport(
        county=county.pk, county_name=county.name, unions=len(chosen), added_unions=added,
        chair_union=chair.org.pk, report_session=report_session, counts=builder.counts,
        seconds=time.perf_counter() - started,
    )  # fmt: skip
