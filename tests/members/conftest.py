"""Fixtures of the members tests: uploads in a temporary MEDIA_ROOT, a group leader, linked members."""

from __future__ import annotations

import pytest

from gonghui.core.enums import Role
from gonghui.core.models import User
from tests.conftest import Tree
from tests.factories import RoleAssignmentFactory, UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def group_leader(tree: Tree) -> User:
    """工会小组长 of 语文组 (school 1, group A): sees that group's members only."""
    user = UserFactory(username="group_leader", name="语文组组长")
    RoleAssignmentFactory(user=user, org=tree.school1_group_a, role=Role.GROUP_LEADER)
    return user


@pytest.fixture
def vice_chair(tree: Tree) -> User:
    user = UserFactory(username="vice_chair", name="第一中学副主席")
    RoleAssignmentFactory(user=user, org=tree.school1, role=Role.VICE_CHAIR)
    return user
