"""The notices demo extension, run on the test tree (the full demo is exercised elsewhere)."""

from __future__ import annotations

import pytest

from gonghui.notices.demo import add_notices
from gonghui.notices.enums import NoticeState, ObjectionState
from gonghui.notices.models import Notice, Objection

pytestmark = pytest.mark.django_db


def test_each_demo_union_gets_a_finished_and_a_running_notice_and_one_resolved_objection(
    tree, chair, member, other_union_chair
):
    add_notices({"schools": [tree.school1, tree.school2]})

    states = sorted(Notice.objects.filter(org=tree.school2).values_list("state", flat=True))
    assert states == sorted([NoticeState.PUBLISHED, NoticeState.FINAL])
    assert Notice.objects.filter(org=tree.school1, state=NoticeState.DRAFT).count() == 1
    objection = Objection.objects.get()
    assert (objection.submitted_by, objection.state, objection.notice.state) == (
        member, ObjectionState.DISMISSED, NoticeState.FINAL,
    )  # fmt: skip
