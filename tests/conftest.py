"""Shared fixtures: a small county tree and the personas of DESIGN.md §7.

县教育总工会 (county)
├── 第一中学工会 (grassroots, school)
│   ├── 语文组工会小组 (group)
│   └── 数学组工会小组 (group)
└── 第二小学工会 (grassroots, school)
    └── 低年级组工会小组 (group)
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from gonghui.core.enums import OrgKind, Portfolio, Role, UnitType
from gonghui.core.models import Org, User

from .factories import OrgFactory, RoleAssignmentFactory, UserFactory

# GONGHUI_FIELD_KEY is required with DEBUG off, as the suite runs. scripts/pytest.sh exports this
# key; a bare `pytest` gets it here (settings are loaded before this file, so set both).
TEST_FIELD_KEY = "gonghui-test-field-key-not-for-production-0123456789"
if not getattr(settings, "GONGHUI_FIELD_KEY", ""):
    settings.GONGHUI_FIELD_KEY = TEST_FIELD_KEY
os.environ.setdefault("GONGHUI_FIELD_KEY", settings.GONGHUI_FIELD_KEY)


# Background jobs (imports, summaries, scheduled jobs) run at once, in-process, where they are
# queued. core.tasks.enqueue queues on commit: a test in the `db` transaction runs them with
# `django_capture_on_commit_callbacks(execute=True)`; live_server tests commit for real.
IMMEDIATE_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
}
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """django-tasks resets its backends when TASKS changes (its setting_changed receiver)."""
    settings.TASKS = IMMEDIATE_TASKS


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path_factory):
    """Uploads and built files go under this run's (and this xdist worker's) temporary directory,
    never into var/media, where two workers would clean up each other's files."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def migrations_restored():
    """For a test that migrates the schema back: afterwards every app is migrated forward to its
    latest migration again, so the next test in this process (xdist runs them in any order)
    finds the whole schema, not an old core table."""
    yield
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """PBKDF2 at production strength costs ~0.3 s per hash; tests check behaviour, not cost."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass(frozen=True)
class Tree:
    county: Org
    school1: Org
    school1_group_a: Org
    school1_group_b: Org
    school2: Org
    school2_group: Org

    def all(self) -> list[Org]:
        return [
            self.county,
            self.school1,
            self.school1_group_a,
            self.school1_group_b,
            self.school2,
            self.school2_group,
        ]


@pytest.fixture
def tree(db) -> Tree:
    county = OrgFactory(name="县教育总工会", kind=OrgKind.COUNTY, unit_type=UnitType.ORGAN)
    school1 = OrgFactory(
        name="第一中学工会", parent=county, kind=OrgKind.GRASSROOTS, unit_type=UnitType.SCHOOL
    )
    school2 = OrgFactory(
        name="第二小学工会", parent=county, kind=OrgKind.GRASSROOTS, unit_type=UnitType.SCHOOL
    )
    return Tree(
        county=county,
        school1=school1,
        school1_group_a=OrgFactory(name="语文组工会小组", parent=school1, kind=OrgKind.GROUP, unit_type=""),
        school1_group_b=OrgFactory(name="数学组工会小组", parent=school1, kind=OrgKind.GROUP, unit_type=""),
        school2=school2,
        school2_group=OrgFactory(name="低年级组工会小组", parent=school2, kind=OrgKind.GROUP, unit_type=""),
    )


def _persona(username: str, name: str, org: Org, role: str, **role_kwargs) -> User:
    user = UserFactory(username=username, name=name)
    RoleAssignmentFactory(user=user, org=org, role=role, **role_kwargs)
    return user


@pytest.fixture
def county_officer(tree: Tree) -> User:
    return _persona("county_officer", "县总工会干部", tree.county, Role.SUPERIOR_ADMIN)


@pytest.fixture
def chair(tree: Tree) -> User:
    return _persona("chair", "第一中学主席", tree.school1, Role.CHAIR)


@pytest.fixture
def committee_member(tree: Tree) -> User:
    return _persona("committee_member", "文体委员", tree.school1, Role.COMMITTEE, portfolio=Portfolio.CULTURE)


@pytest.fixture
def member(tree: Tree) -> User:
    return _persona("member", "普通会员", tree.school1, Role.MEMBER, this_org_only=True)


@pytest.fixture
def other_union_chair(tree: Tree) -> User:
    return _persona("other_union_chair", "第二小学主席", tree.school2, Role.CHAIR)


@pytest.fixture
def department_handler(tree: Tree) -> User:
    return _persona("department_handler", "总务处", tree.school1, Role.DEPARTMENT)


@pytest.fixture
def client_for(db) -> Callable[[User], Client]:
    """`client_for(user)`: a test Client already logged in as `user`."""

    def make(user: User) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return make
