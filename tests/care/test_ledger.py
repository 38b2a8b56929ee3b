"""The payout ledger: append-only entries, reversal by a negated entry, totals as sums."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from gonghui.care import queries, services
from gonghui.care.enums import ApplicationState, SpendingCategory
from gonghui.care.models import AssistanceApplication, LedgerEntry
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from .factories import make_application, set_standards

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


@pytest.fixture
def entry(helped, welfare) -> LedgerEntry:
    application = make_application(helped, state=ApplicationState.PAID, approver=welfare, amount="1200")
    return LedgerEntry.objects.get(application=application)


def test_an_entry_cannot_be_saved_again_or_deleted(entry):
    entry.amount = Decimal("1")

    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("1200.00")


def test_the_queryset_refuses_update_and_delete(entry):
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1"))
    with pytest.raises(PermissionError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.count() == 1


def test_reversal_is_the_negated_entry_and_nets_the_totals(entry, chair):
    reversal = services.ledger_reverse(actor=chair, entry=entry, reason="会员已调离，退回")

    assert reversal.amount == Decimal("-1200.00")
    assert (reversal.reverses, reversal.member, reversal.category, reversal.kind, reversal.org) == (
        entry, entry.member, entry.category, entry.kind, entry.org,
    )  # fmt: skip
    assert LedgerEntry.objects.filter(member=entry.member).total() == Decimal("0.00")
    assert queries.member_total(entry.member, year=today().year) == Decimal("0.00")
    event = AuditEvent.objects.get(action="care.ledger_reverse")
    assert event.actor == chair and event.after["reason"] == "会员已调离，退回"


def test_reversing_twice_is_refused(entry, chair):
    services.ledger_reverse(actor=chair, entry=entry, reason="第一次")

    with pytest.raises(DomainError, match="已经冲正"):
        services.ledger_reverse(actor=chair, entry=entry, reason="第二次")
    assert LedgerEntry.objects.count() == 2


def test_a_reversal_cannot_be_reversed(entry, chair):
    reversal = services.ledger_reverse(actor=chair, entry=entry, reason="冲正")

    with pytest.raises(DomainError, match="不能再冲正"):
        services.ledger_reverse(actor=chair, entry=reversal, reason="再冲正")


def test_a_reversal_needs_a_reason_and_the_chair(entry, chair, welfare):
    with pytest.raises(DomainError, match="冲正原因"):
        services.ledger_reverse(actor=chair, entry=entry, reason=" ")
    with pytest.raises(DomainError, match="只有工会主席"):
        services.ledger_reverse(actor=welfare, entry=entry, reason="理由")
    assert LedgerEntry.objects.count() == 1


def test_the_database_keeps_one_reversal_per_entry_and_the_signs_right(entry):
    def reversal(amount: str) -> LedgerEntry:
        return LedgerEntry(org=entry.org, attributed_org=entry.attributed_org, kind=entry.kind,
                           category=entry.category, amount=Decimal(amount), method=entry.method,
                           paid_on=entry.paid_on, reverses=entry)  # fmt: skip

    with pytest.raises(IntegrityError), transaction.atomic():
        reversal("1200").save()  # a reversal must be negative
    reversal("-1200").save()
    with pytest.raises(IntegrityError), transaction.atomic():
        reversal("-1200").save()


def test_ledger_record_is_generic_for_entries_without_a_source(tree, helped, chair):
    entry = services.ledger_record(actor=chair, org=tree.school1, kind="condolence",
                                   category=SpendingCategory.FESTIVAL, amount=Decimal("200"), method="goods",
                                   paid_on=today(), member=helped)  # fmt: skip

    assert entry.payee_name == helped.name and entry.attributed_org == tree.school1_group_a
    assert AuditEvent.objects.filter(action="care.ledger_record", object_id=str(entry.pk)).exists()


@pytest.mark.parametrize("amount", ["0", "-5", "1.005"])
def test_ledger_record_refuses_bad_amounts(amount, tree, chair):
    with pytest.raises(DomainError):
        services.ledger_record(actor=chair, org=tree.school1, kind="other", category="other",
                               amount=Decimal(amount), method="cash", paid_on=today())  # fmt: skip


def test_year_totals_by_category_and_kind(tree, helped, welfare, chair):
    make_application(helped, amount="1000", state=ApplicationState.PAID, approver=welfare)
    make_application(helped, amount="500", state=ApplicationState.REVERSED, approver=welfare)
    make_application(helped, kind="student_aid", amount="800", state=ApplicationState.PAID, approver=welfare)
    services.ledger_record(actor=chair, org=tree.school1, kind="condolence", category="festival",
                           amount=Decimal("150.50"), method="goods", paid_on=today())  # fmt: skip

    totals = queries.year_totals(LedgerEntry.objects.all(), today().year)

    assert totals.by_category == {
        "hardship": Decimal("1000.00"), "student_aid": Decimal("800.00"), "festival": Decimal("150.50"),
    }  # fmt: skip
    assert totals.total == Decimal("1950.50")
    hardship = next(r for r in totals.rows if r.category == "hardship")
    assert (hardship.payments, hardship.reversals) == (2, 1)


# --- hypothesis: totals always equal the sum of entries ----------------------------------------


class LedgerMachine(RuleBasedStateMachine):
    """Approve, pay and reverse random applications; after every step the ledger's totals (per
    category and per member) equal the sum of what the model says was paid, in Decimal."""

    def __init__(self) -> None:
        super().__init__()
        county = OrgFactory(kind="county")
        self.union = OrgFactory(parent=county)
        set_standards(self.union, hardship="100000", hardship_cap="10000000", student="100000",
                      student_cap="10000000")  # fmt: skip
        self.chair = UserFactory()
        RoleAssignmentFactory(user=self.chair, org=self.union, role="chair")
        self.members = [MemberFactory(union=self.union) for _ in range(3)]
        self.approved: list[AssistanceApplication] = []
        self.entries: list[LedgerEntry] = []  # payments that stand
        self.reversed: list[LedgerEntry] = []
        self.expected: list[tuple[int, str, Decimal]] = []  # (member, category, amount) of all entries

    @rule(
        who=st.integers(0, 2),
        kind=st.sampled_from(["hardship_aid", "student_aid"]),
        amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("5000"), places=2),
    )
    def approve(self, who: int, kind: str, amount: Decimal) -> None:
        self.approved.append(
            make_application(
                self.members[who], kind=kind, amount=amount, state="approved", approver=self.chair
            )
        )

    @precondition(lambda self: self.approved)
    @rule(index=st.integers(0, 1000))
    def pay(self, index: int) -> None:
        application = self.approved.pop(index % len(self.approved))
        entry = services.assistance_pay(actor=self.chair, application=application, method="cash")
        self.entries.append(entry)
        self.expected.append((entry.member_id, entry.category, entry.amount))
        with pytest.raises(DomainError):
            services.assistance_pay(actor=self.chair, application=application, method="cash")

    @precondition(lambda self: self.entries)
    @rule(index=st.integers(0, 1000))
    def reverse(self, index: int) -> None:
        entry = self.entries.pop(index % len(self.entries))
        reversal = services.ledger_reverse(actor=self.chair, entry=entry, reason="冲正")
        self.reversed.append(entry)
        self.expected.append((entry.member_id, entry.category, reversal.amount))

    @precondition(lambda self: self.reversed)
    @rule(index=st.integers(0, 1000))
    def reverse_again(self, index: int) -> None:
        entry = self.reversed[index % len(self.reversed)]
        with pytest.raises(DomainError):
            services.ledger_reverse(actor=self.chair, entry=entry, reason="再冲正")

    @invariant()
    def totals_equal_the_sum_of_entries(self) -> None:
        entries = LedgerEntry.objects.filter(org=self.union)
        by_category: dict[str, Decimal] = {}
        by_member: dict[int, Decimal] = {}
        for member_id, category, amount in self.expected:
            by_category[category] = by_category.get(category, Decimal("0")) + amount
            by_member[member_id] = by_member.get(member_id, Decimal("0")) + amount
        assert queries.totals_by_category(entries) == {k: v for k, v in by_category.items()}
        for member in self.members:
            assert queries.member_total(member, year=today().year) == by_member.get(member.pk, Decimal("0"))
        standing = sum((e.amount for e in self.entries), Decimal("0"))
        assert entries.total() == standing
        assert entries.count() == len(self.expected)


def test_ledger_totals_always_equal_the_sum_of_entries(db):
    LedgerMachine.TestCase.settings = settings(
        max_examples=12, stateful_step_count=15, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )  # fmt: skip
    LedgerMachine.TestCase().runTest()
