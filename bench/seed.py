"""Synthetic data for benchmarks: a realistic organisation tree, a few users with roles, and
members in the tree's unions (`seed_members`, people from bench/people.py).

Shape (for the default 100,000 organisations): 1 province -> ~15 cities -> ~143 counties
(县/区总工会) -> per county an education union (教育工会), ~12 township/street federations
(镇/乡/街道总工会) and the county's own organs -> grassroots unions (schools, kindergartens,
companies, communities, joint unions) -> union groups (工会小组).

Rows are written with bulk_create in batches. Ids are assigned here (after the current maximum),
so `path` and `depth` are known before the insert and every row is written exactly once.
Bench rows are marked: organisations by the code prefix "BENCH-", users by the username prefix
"bench-", members by belonging to a bench org; `reset_bench_data()` removes them again.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone

from gonghui.core.enums import OrgKind, OrgStatus, Role, UnitType
from gonghui.core.models import Org, RoleAssignment, User
from gonghui.core.services import role_assign
from gonghui.members.enums import MemberStatus
from gonghui.members.models import Member
from gonghui.members.privacy import lookup_hash, mask_id

from .names import (
    ENTERPRISE_GROUPS,
    HOSPITAL_GROUPS,
    INSTITUTIONS,
    KINDERGARTEN_GROUPS,
    ORGAN_GROUPS,
    ORGANS,
    PRIVATE_SCHOOL_BRANDS,
    SCHOOL_GROUPS,
    CompanyNames,
    PlaceNames,
    cn_number,
)
from .people import People

DEFAULT_ORGS = 100_000
DEFAULT_SEED = 20_240_501
MIN_ORGS = 20
BENCH_CODE_PREFIX = "BENCH-"
BENCH_USER_PREFIX = "bench-"
# Card numbers of the members bench/congress_seed.py creates as delegates; not counted as bench members.
DELEGATE_CARD_PREFIX = "BENCH-D"
# Card numbers of the members the care seeder adds to its county (bench/care_seed.py).
CARE_CARD_PREFIX = "BENCH-C"
# A county's whole subtree is about this many organisations; ~10 counties make a city.
COUNTY_SIZE = 700
COUNTIES_PER_CITY = 10
# Rows kept in memory before they are handed to bulk_create.
FLUSH_EVERY = 5_000

# Bench personas: username, name, the anchor org (an Anchors field) and the role held there.
USER_SPECS: list[tuple[str, str, str, str]] = [
    ("bench-city-admin", "赵建国", "city", Role.SUPERIOR_ADMIN),
    ("bench-county-admin", "钱立新", "county", Role.SUPERIOR_ADMIN),
    ("bench-chair", "孙丽华", "union", Role.CHAIR),
    ("bench-member", "李明", "union", Role.MEMBER),
]

# Grassroots unit categories and how often each one appears.
CATEGORY_WEIGHTS: dict[str, float] = {
    "school": 0.22,
    "organ": 0.08,
    "enterprise": 0.52,
    "community": 0.11,
    "joint": 0.07,
}


@dataclass(frozen=True)
class Node:
    """What a child needs to know about its parent."""

    id: int
    path: str
    depth: int


@dataclass(frozen=True)
class Unit:
    """A grassroots union to create, with the names of its union groups."""

    parent: Node
    name: str
    unit_type: str
    workforce: int
    groups: list[str]
    kind: str = OrgKind.GRASSROOTS


@dataclass
class Anchors:
    """Orgs the bench users get their roles at."""

    city: int = 0
    county: int = 0
    union: int = 0


@dataclass
class MemberReport:
    members: int
    seconds: float
    unions: int  # unions with members
    in_groups: int  # members registered in a union group
    chair_union: int  # the bench chair's union (org id)
    chair_union_members: int


@dataclass
class SeedReport:
    orgs: int
    seconds: float
    by_kind: dict[str, int]
    users: dict[str, int]
    members: MemberReport | None = None


class OrgWriter:
    """Buffers Org rows with pre-assigned ids, paths and depths; writes them with bulk_create."""

    def __init__(self, first_id: int) -> None:
        self._next_id = first_id
        self._buffer: list[Org] = []
        self.by_kind: Counter[str] = Counter()

    @property
    def count(self) -> int:
        return sum(self.by_kind.values())

    def add(self, parent: Node | None, name: str, kind: str, unit_type: str = "", workforce: int = 0) -> Node:
        org_id = self._next_id
        self._next_id += 1
        node = Node(
            id=org_id,
            path=f"{parent.path if parent else '/'}{org_id}/",
            depth=parent.depth + 1 if parent else 0,
        )
        self._buffer.append(
            Org(
                id=node.id,
                parent_id=parent.id if parent else None,
                path=node.path,
                depth=node.depth,
                name=name[:120],
                kind=kind,
                unit_type=unit_type,
                workforce=workforce,
                code=f"{BENCH_CODE_PREFIX}{org_id}",
                status=OrgStatus.ACTIVE,
            )
        )
        self.by_kind[kind] += 1
        if len(self._buffer) >= FLUSH_EVERY:
            self.flush()
        return node

    def flush(self) -> None:
        if self._buffer:
            Org.objects.bulk_create(self._buffer)
            self._buffer.clear()


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _typical_index(candidates: list[int], population: list[int]) -> int:
    """Index of the candidate closest to the median of `population` (a typical county)."""
    median = sorted(population)[len(population) // 2]
    return min(range(len(candidates)), key=lambda i: abs(candidates[i] - median))


def plan_counties(total: int, rng: random.Random) -> list[list[int]]:
    """Org budget of every county (its whole subtree), grouped by city; sums to `total`."""
    counties = max(1, round(total / COUNTY_SIZE))
    cities = max(1, math.ceil(counties / COUNTIES_PER_CITY))
    remaining = total - 1 - cities  # minus the province and the city federations
    weights = [rng.uniform(0.6, 1.4) for _ in range(counties)]
    budgets = [int(remaining * w / sum(weights)) for w in weights]
    budgets[-1] += remaining - sum(budgets)
    per_city = [counties // cities + (1 if i < counties % cities else 0) for i in range(cities)]
    grouped: list[list[int]] = []
    for size in per_city:
        grouped.append(budgets[:size])
        budgets = budgets[size:]
    return grouped


@dataclass
class CountyState:
    """Naming counters and parents inside one county while its units are generated."""

    name: str
    node: Node
    education: Node
    towns: list[tuple[str, Node]]
    counters: Counter[str] = field(default_factory=Counter)
    organs: list[str] = field(default_factory=list)


class TreeBuilder:
    """Generates the tree top-down into an OrgWriter."""

    def __init__(self, writer: OrgWriter, rng: random.Random, seed: int) -> None:
        self.writer = writer
        self.rng = rng
        self.regions = PlaceNames(random.Random(seed + 1))
        self.localities = PlaceNames(random.Random(seed + 2))
        self.companies = CompanyNames(rng, seed)
        self.anchors = Anchors()
        self._anchor_rank: tuple[bool, int] = (False, 0)
        self._unit_makers: dict[str, Callable[[CountyState], Unit]] = {
            "school": self._school,
            "organ": self._organ,
            "enterprise": self._enterprise,
            "community": self._community,
            "joint": self._joint,
        }

    def build(self, total: int) -> Anchors:
        plan = plan_counties(total, self.rng)
        province = self.writer.add(None, "江南省总工会", OrgKind.PROVINCIAL)
        anchor_county = _typical_index(plan[0], [size for city in plan for size in city])
        for city_index, budgets in enumerate(plan):
            city_name = f"{self.regions.take()}市"
            city = self.writer.add(province, f"{city_name}总工会", OrgKind.CITY)
            if city_index == 0:
                self.anchors.city = city.id
            for county_index, budget in enumerate(budgets):
                is_anchor = city_index == 0 and county_index == anchor_county
                self._county(city, budget, is_district=county_index < 2, is_anchor=is_anchor)
        self.writer.flush()
        return self.anchors

    def _county(self, city: Node, budget: int, *, is_district: bool, is_anchor: bool) -> None:
        name = f"{self.regions.take()}{'区' if is_district else '县'}"
        node = self.writer.add(city, f"{name}总工会", OrgKind.COUNTY)
        education = self.writer.add(node, f"{name}教育工会", OrgKind.INDUSTRY)
        town_count = clamp(round(budget / 60), 1, max(1, budget - 2))
        towns = [self._town(name, node, is_district) for _ in range(town_count)]
        state = CountyState(name=name, node=node, education=education, towns=towns)
        state.organs = self.rng.sample([*ORGANS, *INSTITUTIONS], k=len(ORGANS) + len(INSTITUTIONS))
        if is_anchor:
            self.anchors.county = node.id
        remaining = budget - 2 - town_count
        while remaining > 0:
            remaining -= self._add_unit(state, remaining, is_anchor=is_anchor)

    def _town(self, county: str, county_node: Node, is_district: bool) -> tuple[str, Node]:
        suffix = self.rng.choices(["街道", "镇", "乡"], weights=[6, 3, 1] if is_district else [2, 6, 2])[0]
        town = f"{self.localities.take()}{suffix}"
        return town, self.writer.add(county_node, f"{county}{town}总工会", OrgKind.STREET)

    def _add_unit(self, state: CountyState, remaining: int, *, is_anchor: bool) -> int:
        """Create one grassroots union and its groups within `remaining`; return rows added."""
        category = self.rng.choices(list(CATEGORY_WEIGHTS), weights=list(CATEGORY_WEIGHTS.values()))[0]
        unit = self._unit_makers[category](state)
        node = self.writer.add(unit.parent, unit.name, unit.kind, unit.unit_type, unit.workforce)
        groups = unit.groups[: remaining - 1]
        for group in groups:
            self.writer.add(node, f"{group}工会小组", OrgKind.GROUP)
        if is_anchor:
            is_school_with_groups = category == "school" and len(groups) >= 2
            self._note_anchor_union(
                node, (is_school_with_groups, unit.workforce if is_school_with_groups else 0)
            )
        return 1 + len(groups)

    def _note_anchor_union(self, node: Node, rank: tuple[bool, int]) -> None:
        """The chair's union: the anchor county's largest school with union groups (a few hundred
        members, most of them in groups), else its first union."""
        if not self.anchors.union or rank > self._anchor_rank:
            self.anchors.union = node.id
            self._anchor_rank = rank

    def _pick_groups(self, names: list[str], k: int) -> list[str]:
        return self.rng.sample(names, k=clamp(k, 0, len(names)))

    def _school(self, state: CountyState) -> Unit:
        kind = self.rng.choices(["middle", "primary", "kindergarten", "private"], weights=[3, 4, 2, 1])[0]
        state.counters[kind] += 1
        n = state.counters[kind]
        if kind == "kindergarten":
            workforce = self.rng.randint(12, 60)
            name, unit_type = f"{state.name}第{cn_number(n)}幼儿园", UnitType.KINDERGARTEN
            groups = self._pick_groups(KINDERGARTEN_GROUPS, workforce // 15)
            return Unit(state.education, f"{name}工会", unit_type, workforce, groups)
        if kind == "private":
            brand = PRIVATE_SCHOOL_BRANDS[(n - 1) % len(PRIVATE_SCHOOL_BRANDS)]
            workforce = self.rng.randint(30, 150)
            groups = self._pick_groups(SCHOOL_GROUPS, clamp(workforce // 30, 1, 5))
            name = f"{state.name}{brand}学校工会"
            return Unit(state.education, name, UnitType.PRIVATE_SCHOOL, workforce, groups)
        if kind == "primary" and n <= len(state.towns):
            name = f"{state.name}{state.towns[n - 1][0]}中心小学"
        else:
            name = f"{state.name}第{cn_number(n)}{'中学' if kind == 'middle' else '小学'}"
        workforce = self.rng.randint(60, 260) if kind == "middle" else self.rng.randint(25, 120)
        groups = self._pick_groups(SCHOOL_GROUPS, clamp(workforce // 30, 1, 8))
        return Unit(state.education, f"{name}工会", UnitType.SCHOOL, workforce, groups)

    def _organ(self, state: CountyState) -> Unit:
        if not state.organs:
            return self._enterprise(state)
        organ = state.organs.pop()
        if organ in INSTITUTIONS:
            workforce = self.rng.randint(50, 900)
            names = HOSPITAL_GROUPS if "院" in organ else ORGAN_GROUPS
            groups = self._pick_groups(names, clamp(workforce // 80, 1, 7))
            return Unit(state.node, f"{state.name}{organ}工会", UnitType.INSTITUTION, workforce, groups)
        workforce = self.rng.randint(15, 120)
        groups = self._pick_groups(ORGAN_GROUPS, workforce // 25)
        return Unit(state.node, f"{state.name}{organ}工会", UnitType.ORGAN, workforce, groups)

    def _enterprise(self, state: CountyState) -> Unit:
        _, town = self.rng.choice(state.towns)
        workforce = clamp(int(self.rng.lognormvariate(3.6, 1.1)), 8, 20_000)
        groups = self._pick_groups(ENTERPRISE_GROUPS, workforce // 80)
        name = f"{self.companies.company(state.name[:2])}工会委员会"
        return Unit(town, name, UnitType.ENTERPRISE, workforce, groups)

    def _community(self, state: CountyState) -> Unit:
        town_name, town = self.rng.choice(state.towns)
        place = f"{self.localities.take()}{'社区' if town_name.endswith('街道') else '村'}"
        return Unit(town, f"{town_name}{place}工会", UnitType.COMMUNITY, self.rng.randint(4, 25), [])

    def _joint(self, state: CountyState) -> Unit:
        town_name, town = self.rng.choice(state.towns)
        label = self.rng.choice(["工业园区", "小微企业", "商圈"])
        if label != "小微企业":
            label = f"{self.localities.take()}{label}"
        members = [self.companies.company() for _ in range(self.rng.randint(3, 8))]
        workforce = self.rng.randint(40, 600)
        return Unit(town, f"{town_name}{label}联合工会", UnitType.OTHER, workforce, members, OrgKind.JOINT)


def bench_orgs() -> models.QuerySet[Org]:
    return Org.objects.filter(code__startswith=BENCH_CODE_PREFIX)


def bench_org_count() -> int:
    return bench_orgs().count()


@transaction.atomic
def reset_bench_data() -> None:
    """Delete bench users and bench orgs, and detach or delete whatever points at those orgs."""
    from .care_seed import delete_care_data
    from .congress_seed import delete_congress_data

    delete_care_data()  # first: it points at bench orgs and members (and ledger rows refuse .delete())
    delete_congress_data()  # first: it points at bench orgs, users and members
    delete_bench_members()  # first, in bulk: the generic loop below would load them one by one
    User.objects.filter(username__startswith=BENCH_USER_PREFIX).delete()
    orgs = bench_orgs().values("pk")
    for relation in Org._meta.related_objects:
        if relation.related_model is Org:
            continue
        related = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": orgs})
        if relation.on_delete is models.SET_NULL:
            related.update(**{relation.field.name: None})
        else:
            related.delete()
    # The subtree references itself (parent FK); one statement removes it all at once.
    bench_orgs()._raw_delete(bench_orgs().db)


def bench_ready(orgs: int) -> bool:
    """True if the bench tree has exactly `orgs` organisations and all bench users exist."""
    users = User.objects.filter(username__in=[spec[0] for spec in USER_SPECS]).count()
    return users == len(USER_SPECS) and bench_org_count() == orgs


def _create_users(anchors: Anchors) -> dict[str, int]:
    """Bench personas through the ordinary services (unusable passwords: use force_login)."""
    ids: dict[str, int] = {}
    for username, name, anchor, role in USER_SPECS:
        org_id = getattr(anchors, anchor)
        user = User(username=username, name=name)
        user.set_unusable_password()
        user.save()
        role_assign(actor=None, user=user, org=Org.objects.get(pk=org_id), role=role)
        ids[username] = user.pk
    return ids


def _after_bulk_insert() -> None:
    """Move the id sequence past the pre-assigned ids (PostgreSQL) and refresh planner stats."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Org]):
            cursor.execute(sql)
        cursor.execute(f"ANALYZE {Org._meta.db_table}")


def seed(
    *, orgs: int = DEFAULT_ORGS, seed: int = DEFAULT_SEED, reset: bool = False, members: int = 0
) -> SeedReport:
    """Create a bench tree of exactly `orgs` organisations plus the bench users, and `members`
    members in its unions (see `seed_members`)."""
    if orgs < MIN_ORGS:
        raise ValueError(f"the bench tree needs at least {MIN_ORGS} organisations")
    started = time.perf_counter()
    with transaction.atomic():
        if reset:
            reset_bench_data()
        elif bench_orgs().exists():
            raise ValueError("bench data already exists; pass reset=True (--reset) to replace it")
        writer = OrgWriter(first_id=(Org.objects.aggregate(m=Max("id"))["m"] or 0) + 1)
        anchors = TreeBuilder(writer, random.Random(seed), seed).build(orgs)
        users = _create_users(anchors)
    _after_bulk_insert()
    member_report = seed_members(members, seed=seed) if members else None
    return SeedReport(
        orgs=writer.count,
        seconds=time.perf_counter() - started,
        by_kind={str(k): v for k, v in writer.by_kind.items()},
        users=users,
        members=member_report,
    )


# --- members ------------------------------------------------------------------------------------
#
# Members fill the bench unions at a realistic membership rate (85-98% of the workforce, most in
# the union's groups, retirees in its retirees' group). The bench chair's union is filled first
# (a few hundred members); the other unions follow in a fixed random order, each filled in full,
# until the requested number is reached: at 200,000 members about one union in twenty has
# registered its members, at 1,000,000 about one in four, as while the system is being rolled
# out. Only if every union is full and more are asked for are all unions scaled up alike.

MEMBER_FLUSH = 20_000  # rows per INSERT batch (executemany on SQLite, COPY on PostgreSQL)
MEMBER_COMMIT = 200_000  # rows per transaction
JOIN_RATE = (0.85, 0.98)
IN_GROUP_SHARE = 0.85  # of the working members of a union that has groups
RETIREE_GROUP_MARK = "退休"
SEED_CACHE_KIB = 1_048_576  # SQLite page cache while seeding (restored afterwards)


@dataclass
class BenchUnit:
    id: int
    unit_type: str
    workforce: int
    groups: list[int] = field(default_factory=list)
    retiree_groups: list[int] = field(default_factory=list)


def bench_members() -> models.QuerySet[Member]:
    """The members scenario's members: those of bench orgs, not the congress delegates' members
    nor the members the care seeder added."""
    return (
        Member.objects.filter(org_id__in=bench_orgs().values("pk"))
        .exclude(card_number__startswith=DELEGATE_CARD_PREFIX)
        .exclude(card_number__startswith=CARE_CARD_PREFIX)
    )


def bench_member_count() -> int:
    return bench_members().count()


def delete_bench_members() -> None:
    """Delete every member of a bench org, and what points at them, with plain DELETE statements."""
    delete_members(bench_members())


def delete_members(members: models.QuerySet[Member]) -> None:
    """Delete `members` and the rows pointing at them without loading them (a million rows would
    otherwise go through Django's deletion collector one batch at a time)."""
    with transaction.atomic():
        for relation in Member._meta.related_objects:
            related = relation.related_model._base_manager.filter(
                **{f"{relation.field.name}__in": members.values("pk")}
            )
            if relation.on_delete is models.SET_NULL:
                related.update(**{relation.field.name: None})
            else:
                related._raw_delete(related.db)
        members._raw_delete(members.db)


def chair_union_id() -> int:
    """The org where the bench chair holds the chair role."""
    return RoleAssignment.objects.get(user__username="bench-chair", role=Role.CHAIR).org_id


def bench_units() -> list[BenchUnit]:
    """Every bench union (grassroots and joint) with its union groups, in id order."""
    unions = bench_orgs().filter(kind__in=[OrgKind.GRASSROOTS, OrgKind.JOINT]).order_by("id")
    units = {
        pk: BenchUnit(pk, unit_type, workforce)
        for pk, unit_type, workforce in unions.values_list("id", "unit_type", "workforce")
    }
    groups = bench_orgs().filter(kind=OrgKind.GROUP).order_by("id").values_list("parent_id", "id", "name")
    for parent_id, pk, name in groups:
        unit = units.get(parent_id)
        if unit is not None:
            (unit.retiree_groups if RETIREE_GROUP_MARK in name else unit.groups).append(pk)
    return list(units.values())


def plan_members(
    units: list[BenchUnit], chair_union: int, total: int, rng: random.Random
) -> list[tuple[BenchUnit, int]]:
    """How many members each union gets (unions without members left out); sums to `total`."""
    wanted = {unit.id: max(1, round(unit.workforce * rng.uniform(*JOIN_RATE))) for unit in units}
    first = [unit for unit in units if unit.id == chair_union]
    rest = [unit for unit in units if unit.id != chair_union]
    rng.shuffle(rest)
    ordered = first + rest
    capacity = sum(wanted.values())
    if capacity < total:  # more members than the workforce: scale every union up alike
        scale = total / capacity
        wanted = {pk: max(1, int(count * scale)) for pk, count in wanted.items()}
        shortfall = total - sum(wanted.values())
        for unit in ordered[: max(0, shortfall)]:
            wanted[unit.id] += 1
    plan: list[tuple[BenchUnit, int]] = []
    left = total
    for unit in ordered:
        if left <= 0:
            break
        count = min(wanted[unit.id], left)
        plan.append((unit, count))
        left -= count
    return plan


# The member columns the generator fills, in the order of its tuples.
GENERATED_COLUMNS = (
    "org_id", "name", "name_pinyin", "name_initials", "sex", "ethnicity", "birth_date", "id_encrypted",
    "id_hash", "id_masked", "mobile", "political", "education", "position", "join_date", "card_number",
    "employment", "hardship_level", "hardship_cert_no", "single_parent", "model_worker_level", "status",
    "status_date", "created_at", "updated_at", "user_id",
)  # fmt: skip


class MemberWriter:
    """Buffers member rows (tuples in GENERATED_COLUMNS order) and inserts them in batches."""

    def __init__(self) -> None:
        # Generated columns (mobile_tail) are computed by the database, never inserted.
        by_attname = {
            f.attname: f for f in Member._meta.concrete_fields if not f.primary_key and not f.generated
        }
        # Columns added to the model later than the generator get their default.
        extra = [f for name, f in by_attname.items() if name not in GENERATED_COLUMNS]
        fields = [by_attname[name] for name in GENERATED_COLUMNS] + extra
        self.suffix = tuple(f.get_default() for f in extra)
        quote = connection.ops.quote_name
        self.table = quote(Member._meta.db_table)
        self.columns = ", ".join(quote(str(f.column)) for f in fields)
        self.width = len(fields)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row + self.suffix if self.suffix else row)
        if len(self.rows) >= MEMBER_FLUSH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join(["%s"] * self.width)
                cursor.executemany(
                    f"INSERT INTO {self.table} ({self.columns}) VALUES ({placeholders})", self.rows
                )
        self.written += len(self.rows)
        self.rows.clear()


def _sqlite_cache_size(value: int | None = None) -> int | None:
    """Read (and set, if `value`) SQLite's cache_size for this connection; None elsewhere."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        previous = int(cursor.fetchone()[0])
        if value is not None:
            cursor.execute(f"PRAGMA cache_size = {int(value)}")
    return previous


def _member_rows(
    plan: list[tuple[BenchUnit, int]], people: People, rng: random.Random, counts: Counter[str]
) -> Iterator[tuple[Any, ...]]:
    """Member rows (database values in GENERATED_COLUMNS order) for the plan, union by union."""
    tokens = people.fernet_tokens()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    today = timezone.localdate().toordinal()
    serial = 0
    for unit, count in plan:
        for number in range(1, count + 1):
            person = people.person(unit.unit_type)
            if person.retired and unit.retiree_groups:
                org_id = rng.choice(unit.retiree_groups)
            elif unit.groups and rng.random() < IN_GROUP_SHARE:
                org_id = rng.choice(unit.groups)
            else:
                org_id = unit.id
            counts["in_groups"] += org_id != unit.id
            join = person.join_date.toordinal()
            status_date = (
                join if person.status == MemberStatus.ACTIVE else rng.randint(join, max(join, today))
            )
            serial += 1
            number_id = person.id_number
            yield (
                org_id, person.name.name, person.name.pinyin, person.name.initials, person.sex, "01",
                person.birth.isoformat(), tokens[serial % len(tokens)], lookup_hash(number_id),
                mask_id(number_id), person.mobile, person.political, person.education, person.position,
                person.join_date.isoformat(), f"{unit.id}{number:05d}", person.employment,
                person.hardship_level, f"KN{unit.id}{number:05d}" if person.hardship_level else "",
                person.single_parent, person.model_worker_level, person.status,
                dt.date.fromordinal(status_date).isoformat(), now, now, None,
            )  # fmt: skip


def seed_members(total: int, *, seed: int = DEFAULT_SEED) -> MemberReport:
    """Replace the bench members with `total` synthetic ones spread over the bench unions."""
    started = time.perf_counter()
    previous_cache = _sqlite_cache_size(-SEED_CACHE_KIB)
    try:
        delete_bench_members()
        report = _insert_members(total, seed)
    finally:
        _sqlite_cache_size(previous_cache)
    _analyze_members()
    report.seconds = time.perf_counter() - started
    return report


def _insert_members(total: int, seed: int) -> MemberReport:
    rng = random.Random(seed + 7)
    chair_union = chair_union_id()
    plan = plan_members(bench_units(), chair_union, total, rng)
    counts: Counter[str] = Counter()
    rows = _member_rows(plan, People(seed + 11), rng, counts)
    writer = MemberWriter()
    while True:
        with transaction.atomic():
            chunk = 0
            for row in islice(rows, MEMBER_COMMIT):
                writer.add(row)
                chunk += 1
            writer.flush()
        if chunk < MEMBER_COMMIT:
            break
    return MemberReport(
        members=writer.written,
        seconds=0.0,
        unions=len(plan),
        in_groups=counts["in_groups"],
        chair_union=chair_union,
        chair_union_members=next((count for unit, count in plan if unit.id == chair_union), 0),
    )


def _analyze_members() -> None:
    """Planner statistics for the new rows (PostgreSQL also sets the visibility map)."""
    table = Member._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else f"ANALYZE {table}")
