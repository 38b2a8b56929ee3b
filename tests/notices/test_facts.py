"""Notice figures: 公示 held, with objections, objections received, resolved and upheld."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.core.facts import Period, collect
from gonghui.notices import services
from gonghui.notices.enums import NoticeState

from .factories import NoticeFactory, ObjectionFactory

pytestmark = pytest.mark.django_db


def test_year_facts_count_notices_and_objections(tree, chair):
    quiet = NoticeFactory(org=tree.school1, starts_on=dt.date(2026, 3, 2), state=NoticeState.FINAL)
    contested = NoticeFactory(org=tree.school1, starts_on=dt.date(2026, 4, 7), state=NoticeState.PUBLISHED)
    first = ObjectionFactory(notice=contested)
    ObjectionFactory(notice=contested)
    services.objection_resolve(actor=chair, objection=first, upheld=True, resolution="成立",
                               today=dt.date(2026, 4, 8))  # fmt: skip
    NoticeFactory(org=tree.school2, starts_on=dt.date(2026, 5, 6), state=NoticeState.PUBLISHED)
    NoticeFactory(org=tree.school1, starts_on=dt.date(2026, 5, 6))  # a draft: not held
    NoticeFactory(org=tree.school1, starts_on=dt.date(2025, 5, 6), state=NoticeState.FINAL)  # last year
    assert quiet.is_final

    facts = {
        f.key: f.value
        for f in collect(tree.school1, Period.calendar_year(2026))
        if f.key.startswith("notices.")
    }
    county = {
        f.key: f.value for f in collect(tree.county, Period.calendar_year(2026)) if f.key == "notices.held"
    }

    assert facts == {
        "notices.held": 2,
        "notices.final": 1,
        "notices.with_objections": 1,
        "notices.objections": 2,
        "notices.objections_resolved": 1,
        "notices.objections_upheld": 1,
    }
    assert county == {"notices.held": 3}
