"""Fixtures of the congress tests (uploads in a temporary MEDIA_ROOT): 第一中学's 第六届教代会, an open session, delegates, departments."""

from __future__ import annotations

import pytest

from gonghui.congress.enums import SessionStatus
from gonghui.congress.models import CongressSession, CongressTerm, Delegate
from gonghui.core.models import User
from tests.conftest import Tree

from .factories import DelegateFactory, SessionFactory, TermFactory, department_user


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def term(tree: Tree) -> CongressTerm:
    """第一中学 第六届教职工代表大会; a proposal needs two confirmed co-signers."""
    return TermFactory(org=tree.school1, number=6, cosigners_required=2)


@pytest.fixture
def session(term: CongressTerm) -> CongressSession:
    """第六届第一次教代会, approved by the Party branch and in session."""
    return SessionFactory(term=term, status=SessionStatus.IN_SESSION)


@pytest.fixture
def delegates(term: CongressTerm) -> list[Delegate]:
    """Four delegates of the term, each with a login account."""
    return [DelegateFactory(term=term) for _ in range(4)]


@pytest.fixture
def proposer(delegates: list[Delegate]) -> Delegate:
    return delegates[0]


@pytest.fixture
def cosigners(delegates: list[Delegate]) -> list[Delegate]:
    return delegates[1:3]


@pytest.fixture
def second_department(tree: Tree) -> User:
    """教务处: a second handling department of 第一中学."""
    return department_user(tree.school1, name="教务处")
