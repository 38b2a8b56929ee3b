"""Demo data: a county education union with its school unions, groups and persona accounts.

Later areas extend the demo through `register_extension`, so `gonghui demo` stays one command.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from faker import Faker

from . import services
from .enums import OrgKind, Portfolio, Role, UnitType
from .models import Org, User

DEMO_PASSWORD = "Gonghui@2026"
ROOT_CODE = "DEMO-QS-ZGH"

SCHOOLS: list[tuple[str, UnitType]] = (
    [(f"青山县第{n}中学", UnitType.SCHOOL) for n in "一二三四五六七八"]
    + [("青山县实验中学", UnitType.SCHOOL), ("青山县职业中学", UnitType.SCHOOL)]
    + [(f"青山县{town}镇中心小学", UnitType.SCHOOL) for town in "东西南北"]
    + [(f"青山县第{n}小学", UnitType.SCHOOL) for n in "一二三四五六七八九"]
    + [
        (f"青山县{town}乡中心学校", UnitType.SCHOOL)
        for town in ["白石", "柳塘", "枫林", "桃源", "云溪", "石门"]
    ]
    + [(f"青山县第{n}幼儿园", UnitType.KINDERGARTEN) for n in "一二三四五"]
    + [
        ("青山县育才实验学校", UnitType.PRIVATE_SCHOOL),
        ("青山县博雅外国语学校", UnitType.PRIVATE_SCHOOL),
        ("青山县启明双语幼儿园", UnitType.PRIVATE_SCHOOL),
        ("青山县明德学校", UnitType.PRIVATE_SCHOOL),
        ("青山县树人中学", UnitType.PRIVATE_SCHOOL),
    ]
)
GROUPS = {
    UnitType.SCHOOL: ["语文组", "数学组", "英语组", "理化生组", "政史地组", "音体美组", "后勤组", "离退休组"],
    UnitType.KINDERGARTEN: ["大班组", "中班组", "小班组", "保育后勤组"],
    UnitType.PRIVATE_SCHOOL: ["小学部", "中学部", "行政后勤组"],
}


@dataclass(frozen=True)
class DemoAccount:
    username: str
    mobile: str
    role_label: str
    org_name: str


Extension = Callable[[dict[str, Any]], None]
_EXTENSIONS: list[Extension] = []


def register_extension(extension: Extension) -> Extension:
    """Other apps add their year of demo records here; they get the context built below."""
    _EXTENSIONS.append(extension)
    return extension


def demo_exists() -> bool:
    return Org.objects.filter(code=ROOT_CODE).exists()


def _user(username: str, name: str, mobile: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = services.user_create(
            actor=None, username=username, name=name, password=DEMO_PASSWORD, mobile=mobile
        )
    return user


@transaction.atomic
def build_demo(*, seed: int = 2026) -> list[DemoAccount]:
    """Create the demo once; calling it again changes nothing and returns the same accounts."""
    if demo_exists():
        return demo_accounts()
    fake = Faker("zh_CN")
    Faker.seed(seed)
    rng = random.Random(seed)
    federation = services.org_create(
        actor=None,
        parent=None,
        name="青山县总工会",
        kind=OrgKind.COUNTY,
        unit_type=UnitType.ORGAN,
        code=ROOT_CODE,
        workforce=0,
    )
    education = services.org_create(
        actor=None,
        parent=federation,
        name="青山县教育工会",
        kind=OrgKind.INDUSTRY,
        unit_type=UnitType.ORGAN,
        code="DEMO-QS-JYGH",
        workforce=42,
    )
    schools: list[Org] = []
    for index, (name, unit_type) in enumerate(SCHOOLS, start=1):
        workforce = rng.randint(45, 70) if unit_type == UnitType.KINDERGARTEN else rng.randint(50, 160)
        school = services.org_create(
            actor=None,
            parent=education,
            name=f"{name}工会",
            short_name=name,
            kind=OrgKind.GRASSROOTS,
            unit_type=unit_type,
            code=f"DEMO-QS-{index:03d}",
            workforce=workforce,
        )
        schools.append(school)
        group_names = GROUPS[UnitType(unit_type)]
        count = len(group_names) if index <= 3 else rng.randint(2, len(group_names))
        for group_name in group_names[:count]:
            services.org_create(actor=None, parent=school, name=f"{name}{group_name}", kind=OrgKind.GROUP)

    first, second = schools[0], schools[1]
    first_group = first.children.order_by("pk")[0]
    people = [
        ("county", "县教育工会管理员", "13800000001", education, Role.SUPERIOR_ADMIN, ""),
        ("chair", fake.name(), "13800000002", first, Role.CHAIR, ""),
        ("vicechair", fake.name(), "13800000003", first, Role.VICE_CHAIR, ""),
        ("committee", fake.name(), "13800000004", first, Role.COMMITTEE, Portfolio.CULTURE),
        ("auditor", fake.name(), "13800000005", first, Role.AUDITOR, Portfolio.AUDIT),
        ("women", fake.name(), "13800000006", first, Role.WOMEN, Portfolio.WOMEN),
        ("leader", fake.name(), "13800000007", first_group, Role.GROUP_LEADER, ""),
        ("delegate", fake.name(), "13800000008", first, Role.DELEGATE, ""),
        ("member", fake.name(), "13800000009", first, Role.MEMBER, ""),
        ("dept", "第一中学总务处", "13800000010", first, Role.DEPARTMENT, ""),
        ("chair2", fake.name(), "13800000011", second, Role.CHAIR, ""),
    ]
    for username, name, mobile, org, role, portfolio in people:
        user = _user(username, name, mobile)
        services.role_assign(actor=None, user=user, org=org, role=role, portfolio=portfolio)
        if role not in (Role.MEMBER, Role.SUPERIOR_ADMIN, Role.DEPARTMENT):
            # Officers, leaders and delegates are members of their union too.
            services.role_assign(
                actor=None, user=user, org=org if org.kind != OrgKind.GROUP else first, role=Role.MEMBER
            )
    # Chairs of the other schools, so the county sees a populated system.
    for index, school in enumerate(schools[2:], start=12):
        user = _user(f"chair{index:02d}", fake.name(), f"138000000{index:02d}")
        services.role_assign(actor=None, user=user, org=school, role=Role.CHAIR)

    services.notification_send(
        users=User.objects.filter(username__in=["chair", "county", "member"]),
        title="欢迎使用工会工作平台",
        body="这里记录全年的工会工作：组织、会员、教代会、评议投票、帮扶慰问，年终总结的数字都来自这些记录。",
    )
    context = {"federation": federation, "education": education, "schools": schools, "rng": rng, "fake": fake}
    for extension in _EXTENSIONS:
        extension(context)
    return demo_accounts()


def demo_accounts() -> list[DemoAccount]:
    names = [
        "county",
        "chair",
        "vicechair",
        "committee",
        "auditor",
        "welfare",
        "women",
        "leader",
        "delegate",
        "member",
        "dept",
        "chair2",
    ]
    users = {u.username: u for u in User.objects.filter(username__in=names).prefetch_related("roles__org")}
    accounts = []
    for username in names:
        user = users.get(username)
        if user is None:
            continue
        main = sorted(user.roles.all(), key=lambda r: list(Role.values).index(r.role))[0]
        accounts.append(
            DemoAccount(
                username=username, mobile=user.mobile or "", role_label=str(main), org_name=main.org.name
            )
        )
    return accounts
