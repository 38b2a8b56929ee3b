"""Care fixtures: 第一中学's 生活委员, a vice-chair, the county's care officer, standards, members."""

from __future__ import annotations

import pytest

from gonghui.core.enums import Portfolio, Role
from gonghui.core.models import User
from gonghui.members.models import Member
from tests.conftest import Tree
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from .factories import set_standards


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _persona(username: str, org, role: str, portfolio: str = "") -> User:
    user = UserFactory(username=username)
    RoleAssignmentFactory(user=user, org=org, role=role, portfolio=portfolio)
    return user


@pytest.fixture
def welfare(tree: Tree) -> User:
    """第一中学's 生活委员 (committee member with the welfare portfolio)."""
    return _persona("welfare", tree.school1, Role.COMMITTEE, Portfolio.WELFARE)


@pytest.fixture
def vice_chair(tree: Tree) -> User:
    return _persona("vice_chair", tree.school1, Role.VICE_CHAIR)


@pytest.fixture
def county_care_officer(tree: Tree) -> User:
    """The superior union's care officer: 上级工会管理员 with the 生活 portfolio."""
    return _persona("county_care", tree.county, Role.SUPERIOR_ADMIN, Portfolio.WELFARE)


@pytest.fixture
def standards(tree: Tree) -> None:
    """Hardship aid 2000/payment, 5000/year; student aid 1000/payment, 2000/year (both schools)."""
    set_standards(tree.school1)
    set_standards(tree.school2)


@pytest.fixture
def helped(tree: Tree, standards) -> Member:
    """A member of 第一中学's 语文组 (no account)."""
    return MemberFactory(union=tree.school1, group=tree.school1_group_a, name="王困难")


@pytest.fixture
def helped_with_account(tree: Tree, standards, member: User) -> Member:
    """The `member` persona's own registry record."""
    record = MemberFactory(union=tree.school1, name="普通会员")
    record.user = member
    record.save(update_fields=["user"])
    return record
