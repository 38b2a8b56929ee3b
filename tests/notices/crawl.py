"""Notice URL fillers for the cross-organisation crawl (merged into tests/test_crawl.py).

URL name -> a function (tree, personas) returning the id of an object that belongs to school 2.
"""

from __future__ import annotations

from typing import Any

from gonghui.notices.enums import NoticeState
from gonghui.notices.models import Notice, Objection

from .factories import NoticeFactory, ObjectionFactory

TITLE = "第二小学评优结果公示"


def _school2_notice(tree: Any, p: Any) -> int:
    """A notice of 第二小学 running today, with an objection of one of its members."""
    existing = Notice.objects.filter(org=tree.school2, title=TITLE).first()
    if existing is not None:  # the crawl fills the same pattern more than once
        return existing.pk
    notice = NoticeFactory(org=tree.school2, title=TITLE, state=NoticeState.PUBLISHED)
    ObjectionFactory(notice=notice)
    return notice.pk


def _school2_objection(tree: Any, p: Any) -> int:
    return Objection.objects.filter(notice_id=_school2_notice(tree, p)).order_by("pk").first().pk  # type: ignore[union-attr]


FOREIGN_OBJECTS: dict = {
    "notices:detail": _school2_notice,
    "notices:edit": _school2_notice,
    "notices:publish": _school2_notice,
    "notices:withdraw": _school2_notice,
    "notices:object": _school2_notice,
    "notices:objection_record": _school2_notice,
    "notices:print": _school2_notice,
    "notices:objection_resolve": _school2_objection,
}
