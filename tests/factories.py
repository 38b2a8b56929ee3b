"""Factories for the core models.

They go through the same services as the application (`org_create`, `role_assign`), so a
factory-made org has a correct path and depth and a factory-made role is what a chair would
have granted. The only side effects are the ones those services always have: an `org.create`
or `role.assign` row in the audit log. Tests that count audit rows filter by action.
"""

from __future__ import annotations

from typing import Any

import factory
from factory.django import DjangoModelFactory

from gonghui.core import services
from gonghui.core.enums import OrgKind, Role, UnitType
from gonghui.core.models import Org, RoleAssignment, User

PASSWORD = "Gonghui@2026"


class UserFactory(DjangoModelFactory):
    """A login account whose password is PASSWORD (hashed with set_password, never stored raw)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n:04d}")
    name = factory.Faker("name", locale="zh_CN")
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    password = PASSWORD

    @classmethod
    def _build(cls, model_class: type[User], *args: Any, password: str = PASSWORD, **kwargs: Any) -> User:
        user = model_class(*args, **kwargs)
        user.set_password(password)
        return user

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, password: str = PASSWORD, **kwargs: Any) -> User:
        user = cls._build(model_class, *args, password=password, **kwargs)
        user.save()
        return user


class OrgFactory(DjangoModelFactory):
    """An organisation created through `services.org_create`; pass `parent=` to place it (default: a root)."""

    class Meta:
        model = Org

    class Params:
        unit = factory.Faker("company", locale="zh_CN")

    parent = None
    name = factory.LazyAttribute(lambda o: f"{o.unit}工会")
    kind = OrgKind.GRASSROOTS
    unit_type = UnitType.SCHOOL
    code = None
    workforce = factory.Faker("random_int", min=10, max=500)
    short_name = ""

    @classmethod
    def _create(cls, model_class: type[Org], *args: Any, **kwargs: Any) -> Org:
        return services.org_create(actor=kwargs.pop("actor", None), **kwargs)


class RoleAssignmentFactory(DjangoModelFactory):
    """A role granted through `services.role_assign` (this-org-only follows the role's default)."""

    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    org = factory.SubFactory(OrgFactory)
    role = Role.MEMBER
    portfolio = ""
    this_org_only = None

    @classmethod
    def _create(cls, model_class: type[RoleAssignment], *args: Any, **kwargs: Any) -> RoleAssignment:
        return services.role_assign(actor=kwargs.pop("actor", None), **kwargs)
