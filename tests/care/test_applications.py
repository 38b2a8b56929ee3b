"""Assistance applications: the transition table, approval rules, payment exactly once, reversal."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from gonghui.care import services
from gonghui.care.enums import APPLICATION_TRANSITIONS, ApplicationState, PaymentMethod
from gonghui.care.models import AssistanceApplication, LedgerEntry
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from tests.members.factories import MemberFactory

from .factories import make_application

pytestmark = pytest.mark.django_db
S = ApplicationState


def _force_state(application: AssistanceApplication, state: str) -> AssistanceApplication:
    AssistanceApplication.objects.filter(pk=application.pk).update(state=state)
    return AssistanceApplication.objects.get(pk=application.pk)


@pytest.mark.parametrize("before", list(S))
@pytest.mark.parametrize("after", list(S))
def test_set_state_follows_the_transition_table_exactly(before, after, helped, chair):
    application = _force_state(make_application(helped, state=S.DRAFT), before)

    if after in APPLICATION_TRANSITIONS[before]:
        services.application_set_state(application=application, actor=chair, to=after)
        assert AssistanceApplication.objects.get(pk=application.pk).state == after
        assert AuditEvent.objects.filter(
            action="care.application_state", object_id=str(application.pk)
        ).exists()
    else:
        with pytest.raises(DomainError):
            services.application_set_state(application=application, actor=chair, to=after)
        assert AssistanceApplication.objects.get(pk=application.pk).state == before


def test_the_lifecycle_runs_draft_to_paid_to_reversed(helped, chair):
    application = make_application(helped, state=S.DRAFT)
    application = services.application_submit(actor=chair, application=application)
    application = services.application_approve(actor=chair, application=application, amount=Decimal("1500"))
    entry = services.assistance_pay(actor=chair, application=application, method=PaymentMethod.CASH)
    assert AssistanceApplication.objects.get(pk=application.pk).state == S.PAID
    services.ledger_reverse(actor=chair, entry=entry, reason="重复发放")

    assert AssistanceApplication.objects.get(pk=application.pk).state == S.REVERSED
    assert LedgerEntry.objects.filter(application=application).total() == Decimal("0.00")


@pytest.mark.parametrize("state", [S.DRAFT, S.APPROVED, S.REJECTED, S.PAID, S.REVERSED])
def test_only_a_submitted_application_can_be_approved(state, helped, chair, welfare):
    application = make_application(helped, state=state, approver=welfare)

    with pytest.raises(DomainError):
        services.application_approve(actor=chair, application=application, amount=Decimal("100"))


def test_a_draft_cannot_be_paid(helped, chair):
    application = make_application(helped, state=S.DRAFT)

    with pytest.raises(DomainError, match="尚未批准"):
        services.assistance_pay(actor=chair, application=application, method=PaymentMethod.CASH)


def test_a_rejected_application_cannot_be_paid(helped, chair):
    application = make_application(helped, state=S.REJECTED, approver=chair)

    with pytest.raises(DomainError):
        services.assistance_pay(actor=chair, application=application, method=PaymentMethod.CASH)
    assert not LedgerEntry.objects.exists()


# --- who approves ----------------------------------------------------------------------------


def test_the_applicant_cannot_approve_their_own_application(helped, welfare, chair):
    application = services.application_create(actor=welfare, member=helped, kind="hardship_aid",
                                              amount_requested=Decimal("500"), reason="病", submit=True)  # fmt: skip

    with pytest.raises(DomainError, match="申请人不能审批"):
        services.application_approve(actor=welfare, application=application, amount=Decimal("500"))
    services.application_approve(actor=chair, application=application, amount=Decimal("500"))


def test_nobody_approves_aid_to_themselves(tree, standards, chair, welfare):
    record = MemberFactory(union=tree.school1)
    record.user = chair
    record.save(update_fields=["user"])
    application = services.application_create(actor=welfare, member=record, kind="hardship_aid",
                                              amount_requested=Decimal("500"), reason="病", submit=True)  # fmt: skip

    with pytest.raises(DomainError, match="不能审批给自己"):
        services.application_approve(actor=chair, application=application, amount=Decimal("500"))


def test_a_member_may_apply_for_themselves_but_not_approve(helped_with_account, member, chair):
    application = services.application_create(actor=member, member=helped_with_account, kind="hardship_aid",
                                              amount_requested=Decimal("500"), reason="病", submit=True)  # fmt: skip

    with pytest.raises(DomainError):
        services.application_approve(actor=member, application=application, amount=Decimal("500"))
    services.application_approve(actor=chair, application=application, amount=Decimal("500"))


@pytest.mark.parametrize("approver", ["chair", "vice_chair", "welfare"])
def test_chair_vice_chair_and_welfare_officer_approve(approver, helped, request):
    application = make_application(helped)

    services.application_approve(actor=request.getfixturevalue(approver), application=application,
                                 amount=Decimal("800"))  # fmt: skip

    assert AssistanceApplication.objects.get(pk=application.pk).state == S.APPROVED


@pytest.mark.parametrize("approver", ["committee_member", "member", "other_union_chair", "county_officer"])
def test_others_may_not_approve(approver, helped, request):
    application = make_application(helped)

    with pytest.raises(DomainError, match="只有工会主席"):
        services.application_approve(actor=request.getfixturevalue(approver), application=application,
                                     amount=Decimal("800"))  # fmt: skip


# --- standard and cap ------------------------------------------------------------------------


def test_an_amount_above_the_standard_is_refused_for_the_welfare_officer(helped, welfare):
    application = make_application(helped, amount="2500")

    with pytest.raises(DomainError, match=r"超过标准2000\.00元"):
        services.application_approve(actor=welfare, application=application, amount=Decimal("2000.01"),
                                     override_reason="特殊情况")  # fmt: skip
    services.application_approve(actor=welfare, application=application, amount=Decimal("2000.00"))


def test_the_annual_cap_counts_what_was_paid_this_year_net_of_reversals(helped, welfare, chair):
    make_application(helped, amount="2000", state=S.PAID, approver=welfare)
    make_application(helped, amount="2000", state=S.PAID, approver=welfare)
    make_application(helped, amount="1000", state=S.REVERSED, approver=welfare)
    third = make_application(helped, amount="1500")

    with pytest.raises(DomainError, match=r"已获4000\.00元"):
        services.application_approve(actor=welfare, application=third, amount=Decimal("1000.01"))
    services.application_approve(actor=welfare, application=third, amount=Decimal("1000"))


def test_approved_but_unpaid_amounts_count_against_the_cap(helped, welfare):
    make_application(helped, amount="2000", state=S.APPROVED, approver=welfare)
    make_application(helped, amount="2000", state=S.APPROVED, approver=welfare)

    with pytest.raises(DomainError, match="上限"):
        make_application(helped, amount="1500", state=S.APPROVED, approver=welfare)


def test_last_years_payments_do_not_count_against_this_years_cap(helped, welfare):
    last_year = dt.date(dt.date.today().year - 1, 6, 1)
    make_application(helped, amount="2000", state=S.PAID, approver=welfare, paid_on=last_year)
    make_application(helped, amount="2000", state=S.PAID, approver=welfare, paid_on=last_year)
    make_application(helped, amount="2000", state=S.PAID, approver=welfare, paid_on=last_year)

    make_application(helped, amount="2000", state=S.APPROVED, approver=welfare)


def test_caps_are_per_kind(helped, welfare):
    for _ in range(2):
        make_application(helped, kind="student_aid", amount="1000", state=S.PAID, approver=welfare)

    make_application(helped, kind="hardship_aid", amount="2000", state=S.APPROVED, approver=welfare)
    with pytest.raises(DomainError, match="上限"):
        make_application(helped, kind="student_aid", amount="1", state=S.APPROVED, approver=welfare)


def test_without_a_standard_only_the_chair_may_approve_with_a_reason(tree, chair, welfare):
    unset = MemberFactory(union=tree.school1)  # no `standards` fixture: nothing configured
    application = make_application(unset)

    with pytest.raises(DomainError, match="尚未设置"):
        services.application_approve(actor=welfare, application=application, amount=Decimal("100"))
    services.application_approve(actor=chair, application=application, amount=Decimal("100"),
                                 override_reason="标准制定前的紧急救助")  # fmt: skip
    assert AssistanceApplication.objects.get(pk=application.pk).override


def test_the_chair_overrides_the_standard_only_with_a_reason(helped, chair):
    application = make_application(helped, amount="3000")

    with pytest.raises(DomainError, match="特批须填写理由"):
        services.application_approve(actor=chair, application=application, amount=Decimal("3000"))
    with pytest.raises(DomainError, match="特批须填写理由"):
        services.application_approve(actor=chair, application=application, amount=Decimal("3000"),
                                     override_reason="   ")  # fmt: skip
    services.application_approve(actor=chair, application=application, amount=Decimal("3000"),
                                 override_reason="突发重病，经委员会研究同意")  # fmt: skip

    application.refresh_from_db()
    assert application.override and application.override_reason == "突发重病，经委员会研究同意"
    event = AuditEvent.objects.get(action="care.application_override", object_id=str(application.pk))
    assert event.actor == chair
    assert event.after["reason"] == "突发重病，经委员会研究同意"
    assert event.after["approved_amount"] == "3000.00"


def test_the_vice_chair_cannot_override(helped, vice_chair):
    application = make_application(helped, amount="3000")

    with pytest.raises(DomainError, match="须由工会主席特批"):
        services.application_approve(actor=vice_chair, application=application, amount=Decimal("3000"),
                                     override_reason="理由")  # fmt: skip


def test_an_override_reason_within_the_standard_is_no_override(helped, chair):
    application = make_application(helped, amount="500")

    services.application_approve(actor=chair, application=application, amount=Decimal("500"),
                                 override_reason="多余的理由")  # fmt: skip

    application.refresh_from_db()
    assert not application.override and application.override_reason == ""
    assert not AuditEvent.objects.filter(action="care.application_override").exists()


# --- never edit after approval ---------------------------------------------------------------


def test_a_submitted_application_may_still_be_corrected(helped, welfare):
    application = make_application(helped, amount="1000")

    services.application_update(
        actor=welfare, application=application, data={"amount_requested": Decimal("900")}
    )

    assert AssistanceApplication.objects.get(pk=application.pk).amount_requested == Decimal("900")


@pytest.mark.parametrize("state", [S.APPROVED, S.REJECTED, S.PAID, S.REVERSED])
def test_nothing_changes_after_the_decision(state, helped, chair, welfare):
    application = make_application(helped, state=state, approver=welfare)

    with pytest.raises(DomainError, match="已审批"):
        services.application_update(
            actor=chair, application=application, data={"amount_requested": Decimal("1")}
        )
    with pytest.raises(DomainError):
        services.application_update(actor=chair, application=application, data={"reason": "改理由"})


@pytest.mark.parametrize("field", ["member", "org", "kind", "approved_amount", "state"])
def test_member_union_kind_and_decision_are_never_edited(field, helped, welfare):
    application = make_application(helped)

    with pytest.raises(DomainError, match="不能修改"):
        services.application_update(actor=welfare, application=application, data={field: None})


# --- payment exactly once --------------------------------------------------------------------


def test_paying_twice_is_refused_and_leaves_one_entry(helped, welfare):
    application = make_application(helped, state=S.APPROVED, approver=welfare)
    entry = services.assistance_pay(actor=welfare, application=application, method=PaymentMethod.TRANSFER)

    with pytest.raises(DomainError, match="已经发放"):
        services.assistance_pay(actor=welfare, application=application, method=PaymentMethod.TRANSFER)

    assert list(LedgerEntry.objects.filter(application=application)) == [entry]
    assert entry.amount == Decimal("1000.00") and entry.member == helped and entry.category == "hardship"
    assert entry.payer == welfare and entry.attributed_org == helped.org


def test_paying_a_stale_copy_is_refused_too(helped, welfare):
    application = make_application(helped, state=S.APPROVED, approver=welfare)
    stale = AssistanceApplication.objects.get(pk=application.pk)
    services.assistance_pay(actor=welfare, application=application, method=PaymentMethod.CASH)

    with pytest.raises(DomainError):
        services.assistance_pay(actor=welfare, application=stale, method=PaymentMethod.CASH)
    assert LedgerEntry.objects.filter(application=application).count() == 1


def test_the_database_refuses_a_second_payment_entry(helped, welfare):
    application = make_application(helped, state=S.PAID, approver=welfare)
    first = LedgerEntry.objects.get(application=application)
    second = LedgerEntry(org=first.org, attributed_org=first.attributed_org, kind=first.kind,
                         category=first.category, amount=first.amount, method=first.method, paid_on=first.paid_on,
                         member=first.member, application=application)  # fmt: skip

    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_a_reversed_application_cannot_be_paid_again(helped, welfare):
    application = make_application(helped, state=S.REVERSED, approver=welfare)

    with pytest.raises(DomainError):
        services.assistance_pay(actor=welfare, application=application, method=PaymentMethod.CASH)
    assert LedgerEntry.objects.filter(application=application).count() == 2


def test_the_committee_member_without_portfolio_cannot_pay(helped, welfare, committee_member):
    application = make_application(helped, state=S.APPROVED, approver=welfare)

    with pytest.raises(DomainError, match="无权"):
        services.assistance_pay(actor=committee_member, application=application, method=PaymentMethod.CASH)
