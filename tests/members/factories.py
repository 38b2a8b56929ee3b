"""Factories for the members app.

`MemberFactory` registers a member the way the application does, through
`services.member_create` (so the ID number is encrypted and hashed, the pinyin filled in, a
入会 history row and a `member.create` audit row written). Each member gets a valid synthetic
ID number (`idcard.make`) that no other factory-made member has, a Faker zh_CN name and a
distinct mobile number starting with 138.

    MemberFactory(union=tree.school1)                        # a man born 1985-03-07
    MemberFactory(union=tree.school1, female=True, birth_date=dt.date(1990, 5, 1))
    MemberFactory(union=tree.school1, group=tree.school1_group_a, employment="agency")
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from gonghui.members import idcard, services
from gonghui.members.models import Member
from tests.factories import OrgFactory


def synthetic_id(n: int, *, birth: dt.date, female: bool, area: str = "430121") -> str:
    """The n-th synthetic ID for a birth date: unique per n (sequence and area vary with n)."""
    sequence = (n % 500) * 2 + (0 if female else 1)  # odd male, even female
    area = f"{area[:4]}{(int(area[4:]) + n // 500) % 100:02d}"
    return idcard.make(area, birth, sequence)


class MemberFactory(DjangoModelFactory):
    class Meta:
        model = Member
        skip_postgeneration_save = True

    class Params:
        female = False
        area = "430121"

    # Passed to member_create, not model fields.
    union = factory.SubFactory(OrgFactory)
    group = None
    actor = None

    name = factory.Maybe(
        "female",
        factory.Faker("name_female", locale="zh_CN"),
        factory.Faker("name_male", locale="zh_CN"),
    )
    birth_date = dt.date(1985, 3, 7)
    id_number = factory.LazyAttributeSequence(
        lambda o, n: synthetic_id(n, birth=o.birth_date, female=o.female, area=o.area)
    )
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    ethnicity = "01"
    political = "13"
    education = "bachelor"
    position = "教师"
    join_date = None  # member_create takes today
    card_number = ""
    employment = "established"
    hardship_level = ""
    hardship_cert_no = ""
    single_parent = False
    model_worker_level = ""
    status = "active"

    @classmethod
    def _create(cls, model_class: type[Member], *args: Any, **kwargs: Any) -> Member:
        union = kwargs.pop("union")
        group = kwargs.pop("group")
        actor = kwargs.pop("actor")
        info = idcard.parse(kwargs["id_number"])
        data = {**kwargs, "id_number": info.number, "sex": info.sex, "birth_date": info.birth_date}
        return services.member_create(actor=actor, union=union, data=data, group=group)
