"""Hardship files: open, edit, yearly review, close; the member's flag follows the file."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.care import queries, services
from gonghui.care.enums import FileState, ReviewOutcome
from gonghui.care.models import HardshipFile
from gonghui.core.errors import DomainError
from gonghui.members.models import Member

from .factories import open_file

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


def _level(member: Member) -> tuple[str, str]:
    member.refresh_from_db()
    return member.hardship_level, member.hardship_cert_no


def test_opening_a_file_flags_the_member_and_sets_the_recheck_a_year_on(helped, welfare):
    file = open_file(
        helped, actor=welfare, level="severe", cert_no="KN2026001", opened_on=dt.date(2024, 2, 29)
    )

    assert _level(helped) == ("severe", "KN2026001")
    assert file.next_review_on == dt.date(2025, 2, 28)


def test_one_open_file_per_member(helped, welfare):
    open_file(helped, actor=welfare)

    with pytest.raises(DomainError, match="已有在档"):
        open_file(helped, actor=welfare)


def test_a_level_change_on_review_is_mirrored_on_the_member(helped, welfare):
    file = open_file(helped, actor=welfare, level="ordinary")

    services.hardship_review(actor=welfare, file=file, outcome=ReviewOutcome.CHANGE_LEVEL, level="severe",
                             reviewed_on=today())  # fmt: skip

    file.refresh_from_db()
    assert file.level == "severe" and _level(helped)[0] == "severe"
    assert file.next_review_on == services.one_year_after(today())


def test_closing_clears_the_member_flag_and_needs_a_reason(helped, welfare):
    file = open_file(helped, actor=welfare, cert_no="KN1")

    with pytest.raises(DomainError, match="销档原因"):
        services.hardship_file_close(actor=welfare, file=file, reason="")
    services.hardship_file_close(actor=welfare, file=file, reason="家庭收入已好转")

    file.refresh_from_db()
    assert file.state == FileState.CLOSED and _level(helped) == ("", "")
    with pytest.raises(DomainError):
        services.hardship_file_close(actor=welfare, file=file, reason="再次销档")
    with pytest.raises(DomainError):
        services.hardship_file_update(actor=welfare, file=file, data={"household_size": 3})


def test_a_review_may_close_the_file(helped, welfare):
    file = open_file(helped, actor=welfare)

    services.hardship_review(actor=welfare, file=file, outcome=ReviewOutcome.CLOSE, notes="已脱困")

    assert HardshipFile.objects.get(pk=file.pk).state == FileState.CLOSED
    assert _level(helped)[0] == ""


def test_overdue_rechecks_are_open_files_past_their_date(tree, standards, welfare):
    from tests.members.factories import MemberFactory

    overdue = open_file(
        MemberFactory(union=tree.school1), actor=welfare, next_review_on=today() - dt.timedelta(days=1)
    )
    open_file(MemberFactory(union=tree.school1), actor=welfare, next_review_on=today())
    closed = open_file(
        MemberFactory(union=tree.school1), actor=welfare, next_review_on=today() - dt.timedelta(days=5)
    )
    services.hardship_file_close(actor=welfare, file=closed, reason="调离")

    assert list(queries.overdue_files(HardshipFile.objects.all(), today=today())) == [overdue]


@pytest.mark.parametrize(
    "persona", ["committee_member", "member", "vice_chair", "other_union_chair", "county_officer"]
)
def test_only_the_chair_and_welfare_officer_open_files(persona, helped, request):
    with pytest.raises(DomainError):
        open_file(helped, actor=request.getfixturevalue(persona))
