"""Dashboard test data: a known year of records in both schools of the county tree.

第一中学: 3 members (plus the delegates' own), a held congress with 2 submitted proposals and a
draft, one hardship payout of 1000 元; 第二小学: 2 members, a held congress with 1 proposal,
a hardship payout of 2000 元. Nothing else happens in the year.

Import the fixtures into a test module: `from .dashboard_data import known_year, media_in_tmp`.
"""

from __future__ import annotations

import pytest

from gonghui.congress.enums import ProposalState, SessionStatus
from gonghui.core.models import Org, User
from tests.care.factories import make_application, set_standards
from tests.conftest import Tree
from tests.congress.factories import ProposalFactory, SessionFactory, TermFactory
from tests.members.factories import MemberFactory


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def union_year(org: Org, *, members: int, proposals: int, aid: str | None, approver: User | None) -> None:
    people = [MemberFactory(union=org) for _ in range(members)]
    session = SessionFactory(term=TermFactory(org=org), status=SessionStatus.IN_SESSION)
    for _ in range(proposals):
        ProposalFactory(session=session, state=ProposalState.SUBMITTED)
    if aid is not None:
        set_standards(org)
        make_application(people[0], amount=aid, state="paid", approver=approver)


@pytest.fixture
def known_year(tree: Tree, chair: User, other_union_chair: User) -> Tree:
    union_year(tree.school1, members=3, proposals=2, aid="1000", approver=chair)
    session = tree.school1.congress_sessions.get()
    ProposalFactory(session=session, state=ProposalState.DRAFT)
    union_year(tree.school2, members=2, proposals=1, aid="2000", approver=other_union_chair)
    return tree
