"""Synthetic union members for the benchmarks: Chinese names, valid ID numbers, realistic fields.

Generating a million people has to take seconds, not minutes, so everything that is costly and
does not need to differ per person is computed once: names come from a pool (pinyin and initials
computed once per name), and the encrypted ID numbers from a pool of Fernet tokens (see
`FERNET_POOL`). What must be unique or match the row is per person: the ID number (a valid
GB 11643 number from `idcard.make`), its keyed hash (`privacy.lookup_hash`) and its masked form.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate

from faker.providers.person.zh_CN import Provider as ZhProvider

from gonghui.core.enums import UnitType
from gonghui.members import idcard, pinyin
from gonghui.members.enums import (
    Education,
    Employment,
    HardshipLevel,
    MemberStatus,
    ModelWorkerLevel,
    Political,
    Sex,
)
from gonghui.members.privacy import encrypt

# County codes of the (fictional) province the bench tree stands for. The import file uses
# other codes, so its people never collide with the seeded ones.
SEED_AREAS = [f"43{city:02d}{county:02d}" for city in range(1, 14) for county in (2, 3, 4, 5, 11, 21, 22, 81)]
IMPORT_AREAS = [f"36{city:02d}{county:02d}" for city in range(1, 12) for county in (2, 3, 21, 22, 81)]
# Encrypted ID numbers are not unique per seeded member: the list page never decrypts them, and
# encrypting a million numbers (Fernet: AES + HMAC + base64) would dominate the seeding time.
FERNET_POOL = 1024
NAME_POOL = 10_000  # draws per sex (common names drawn several times)
MOBILE_PREFIXES = [
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "155",
    "156", "157", "158", "159", "166", "173", "175", "176", "177", "180", "181", "182", "183", "186",
    "187", "188", "189", "191", "198", "199",
]  # fmt: skip

POSITIONS: dict[str, list[str]] = {
    UnitType.SCHOOL: ["语文教师", "数学教师", "英语教师", "物理教师", "化学教师", "生物教师", "历史教师",
                      "体育教师", "音乐教师", "美术教师", "班主任", "教务员", "会计", "校医", "后勤管理", "门卫"],
    UnitType.PRIVATE_SCHOOL: ["语文教师", "数学教师", "英语教师", "班主任", "招生专员", "后勤管理", "保安"],
    UnitType.KINDERGARTEN: ["幼儿教师", "保育员", "保健医生", "厨师", "园务管理"],
    UnitType.ORGAN: ["科员", "副科长", "科长", "办公室主任", "驾驶员", "文秘", "财务人员"],
    UnitType.INSTITUTION: ["医生", "护士", "药剂师", "检验技师", "科员", "财务人员", "后勤管理"],
    UnitType.ENTERPRISE: ["操作工", "技术员", "质检员", "销售代表", "仓管员", "会计", "车间主任", "电工",
                          "焊工", "叉车司机", "行政专员", "工程师"],
    UnitType.COMMUNITY: ["社区工作者", "网格员", "社区主任", "文书"],
    UnitType.OTHER: ["操作工", "店员", "收银员", "配送员", "厨师", "保洁员", "技术员", "销售代表"],
}  # fmt: skip

# Employment categories by unit type: (value, weight).
EMPLOYMENT_MIX: dict[str, list[tuple[str, int]]] = {
    "public": [(Employment.ESTABLISHED, 80), (Employment.CONTRACT, 10), (Employment.AGENCY, 6),
               (Employment.TEMPORARY, 4)],
    "private": [(Employment.CONTRACT, 55), (Employment.MIGRANT, 25), (Employment.AGENCY, 12),
                (Employment.TEMPORARY, 6), (Employment.INTERNAL_RETIRED, 2)],
}  # fmt: skip
PUBLIC_TYPES = {UnitType.SCHOOL, UnitType.KINDERGARTEN, UnitType.ORGAN, UnitType.INSTITUTION}
EDUCATION_MIX: dict[str, list[tuple[str, int]]] = {
    "public": [(Education.MASTER, 12), (Education.BACHELOR, 60), (Education.COLLEGE, 20),
               (Education.SECONDARY_VOCATIONAL, 5), (Education.HIGH_SCHOOL, 3)],
    "private": [(Education.BACHELOR, 15), (Education.COLLEGE, 25), (Education.SECONDARY_VOCATIONAL, 20),
                (Education.HIGH_SCHOOL, 25), (Education.JUNIOR, 13), (Education.PRIMARY, 2)],
}  # fmt: skip
POLITICAL_MIX: dict[str, list[tuple[str, int]]] = {
    "public": [(Political.CPC, 35), (Political.MASSES, 52), (Political.LEAGUE, 10), (Political.CDL, 2),
               (Political.JIUSAN, 1)],
    "private": [(Political.CPC, 6), (Political.MASSES, 82), (Political.LEAGUE, 12)],
}  # fmt: skip
# Statuses other than active and retired, for the few who left (share of all members).
LEFT_MIX = [
    (MemberStatus.TRANSFERRED_OUT, 20),
    (MemberStatus.WITHDRAWN, 15),
    (MemberStatus.DECEASED, 4),
    (MemberStatus.EXPELLED, 1),
]
LEFT_SHARE = 0.04
RETIRED_SHARE = 0.07
FEMALE_SHARE: dict[str, float] = {
    UnitType.SCHOOL: 0.64,
    UnitType.KINDERGARTEN: 0.95,
    UnitType.PRIVATE_SCHOOL: 0.7,
}


@dataclass(frozen=True)
class Name:
    name: str
    pinyin: str
    initials: str


# Characters of given names (one or two of them), by sex; surnames come weighted from Faker zh_CN.
FEMALE_GIVEN = (
    "丽芳娜敏静秀英华慧巧美淑惠珠翠雅芝玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱霞香月媛艳瑞"
    "佳嘉琼珍莉桂叶璐琦晶妍茜秋珊莎锦青倩婷婉颖露瑶怡雁蓓仪荷丹蓉君琴蕊薇菁梦岚馨韵悦冰爽欣晓欢芸菲"
)
MALE_GIVEN = (
    "伟刚勇毅俊峰强军平保东文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发武新利清飞彬"
    "富顺杰涛昌成康星光天达安岩中茂进林有坚和博诚先敬震振壮思群豪邦承乐绍功松善厚庆磊民友裕河哲江"
    "超浩亮政谦奇翰朗伯宏鸣朋斌梁栋维启克伦翔旭鹏泽晨辰建家致树德行泰盛雄钧冠腾楠航宇鑫凯帅"
)
SINGLE_GIVEN_SHARE = 0.3


class NamePool:
    """Chinese names drawn once (weighted surnames, gendered given names) with pinyin and initials."""

    def __init__(self, seed: int, size: int = NAME_POOL) -> None:
        rng = random.Random(seed)
        weights = ZhProvider.last_names
        surnames, cumulative = list(weights), list(accumulate(weights.values()))
        self.female = self._entries(self._draw(rng, surnames, cumulative, FEMALE_GIVEN, size))
        self.male = self._entries(self._draw(rng, surnames, cumulative, MALE_GIVEN, size))

    @staticmethod
    def _draw(
        rng: random.Random, surnames: list[str], cumulative: list[float], given: str, size: int
    ) -> Iterator[str]:
        for _ in range(size):
            surname = rng.choices(surnames, cum_weights=cumulative)[0]
            length = 1 if rng.random() < SINGLE_GIVEN_SHARE else 2
            yield surname + "".join(rng.choice(given) for _ in range(length))

    @staticmethod
    def _entries(names: Iterable[str]) -> list[Name]:
        cache: dict[str, Name] = {}
        result = []
        for name in names:
            entry = cache.get(name)
            if entry is None:
                entry = cache[name] = Name(name, pinyin.sort_key(name), pinyin.initials(name))
            result.append(entry)  # duplicates kept: common names stay common
        return result


def _weighted(mix: list[tuple[str, int]]) -> tuple[list[str], list[int]]:
    values, weights = zip(*mix, strict=True)
    cumulative: list[int] = []
    total = 0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return [str(v) for v in values], cumulative


@dataclass
class Person:
    name: Name
    sex: str
    birth: dt.date
    id_number: str
    mobile: str
    political: str
    education: str
    position: str
    join_date: dt.date
    employment: str
    hardship_level: str
    single_parent: bool
    model_worker_level: str
    status: str
    retired: bool


class People:
    """Makes people with unique valid ID numbers; same seed, same people."""

    def __init__(self, seed: int, *, areas: list[str] | None = None, today: dt.date | None = None) -> None:
        self.rng = random.Random(seed)
        self.names = NamePool(seed)
        self.areas = areas or SEED_AREAS
        self.today = today or dt.date.today()
        self._taken: set[tuple[int, int, int]] = set()
        self._mix = {
            kind: {
                "employment": _weighted(EMPLOYMENT_MIX[kind]),
                "education": _weighted(EDUCATION_MIX[kind]),
                "political": _weighted(POLITICAL_MIX[kind]),
            }
            for kind in ("public", "private")
        }
        self._left = _weighted([(str(s), w) for s, w in LEFT_MIX])
        self._tokens: list[str] = []

    def fernet_tokens(self) -> list[str]:
        """A pool of real Fernet tokens (of synthetic numbers) for the id_encrypted column."""
        if not self._tokens:
            rng = random.Random(self.rng.random())
            self._tokens = [
                encrypt(idcard.make(rng.choice(self.areas), dt.date(1970, 1, 1) + dt.timedelta(i), 1))
                for i in range(FERNET_POOL)
            ]
        return self._tokens

    def _id_number(self, birth: dt.date, female: bool) -> str:
        rng = self.rng
        ordinal = birth.toordinal()
        while True:
            area = rng.randrange(len(self.areas))
            sequence = rng.randrange(500) * 2 + (0 if female else 1)  # 17th digit: odd male, even female
            key = (ordinal, area, sequence)
            if key not in self._taken:
                self._taken.add(key)
                return idcard.make(self.areas[area], birth, sequence)

    def _pick(self, table: tuple[list[str], list[int]]) -> str:
        values, cumulative = table
        return values[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def person(self, unit_type: str) -> Person:
        rng = self.rng
        today = self.today
        female = rng.random() < FEMALE_SHARE.get(unit_type, 0.45)
        roll = rng.random()
        retired = roll < RETIRED_SHARE
        left = not retired and roll < RETIRED_SHARE + LEFT_SHARE
        age = rng.randint(60, 84) if retired else rng.randint(20, 59)
        birth = dt.date.fromordinal(today.toordinal() - age * 365 - rng.randrange(365))
        kind = "public" if unit_type in PUBLIC_TYPES else "private"
        mix = self._mix[kind]
        earliest = max(birth.toordinal() + 20 * 365, dt.date(1985, 1, 1).toordinal())
        join_date = dt.date.fromordinal(rng.randint(min(earliest, today.toordinal()), today.toordinal()))
        name = rng.choice(self.names.female if female else self.names.male)
        hardship = ""
        if rng.random() < 0.03:
            hardship = HardshipLevel.SEVERE if rng.random() < 0.25 else HardshipLevel.ORDINARY
        return Person(
            name=name,
            sex=Sex.FEMALE if female else Sex.MALE,
            birth=birth,
            id_number=self._id_number(birth, female),
            mobile=f"{rng.choice(MOBILE_PREFIXES)}{rng.randrange(100_000_000):08d}",
            political=self._pick(mix["political"]),
            education=self._pick(mix["education"]),
            position=rng.choice(POSITIONS.get(unit_type) or POSITIONS[UnitType.OTHER]),
            join_date=join_date,
            employment=Employment.RETIRED if retired else self._pick(mix["employment"]),
            hardship_level=hardship,
            single_parent=rng.random() < 0.02,
            model_worker_level=ModelWorkerLevel.CITY if rng.random() < 0.005 else "",
            status=MemberStatus.RETIRED
            if retired
            else (self._pick(self._left) if left else MemberStatus.ACTIVE),
            retired=retired,
        )
