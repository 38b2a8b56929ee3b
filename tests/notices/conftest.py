"""Fixtures of the notice tests: a second member of 第一中学, and a signal recorder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from gonghui.core.models import User
from gonghui.notices.models import Notice
from gonghui.notices.signals import notice_finalized
from tests.conftest import Tree

from .factories import union_member


@pytest.fixture
def colleague(tree: Tree) -> User:
    """Another plain member of 第一中学, who reads the board."""
    return union_member(tree.school1, name="同事甲")


@pytest.fixture
def finalized() -> Iterator[list[Notice]]:
    """The notices `notice_finalized` was sent for, in order."""
    sent: list[Notice] = []

    def record(sender: type[Notice], notice: Notice, **kwargs: object) -> None:
        sent.append(notice)

    notice_finalized.connect(record, dispatch_uid="tests.notices.record")
    yield sent
    notice_finalized.disconnect(dispatch_uid="tests.notices.record")
