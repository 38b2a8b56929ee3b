"""会员关系转接: inside the tree (request → accept/reject/cancel) and out of the system."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from gonghui.core.access import visible
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.members import queries, services
from gonghui.members.enums import ChangeType, MemberStatus, TransferState
from gonghui.members.models import Member, MembershipChange, Transfer
from tests.factories import OrgFactory

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def leaving(tree, chair) -> Member:
    return MemberFactory(union=tree.school1, group=tree.school1_group_a, name="陈静", female=True)


def test_the_receiving_chair_sees_the_request_and_accepting_moves_the_member(
    tree, chair, other_union_chair, leaving
):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2, reason="工作调动")

    assert list(queries.incoming_transfers(other_union_chair)) == [transfer]
    assert not queries.incoming_transfers(chair).exists()
    assert list(queries.transfers_out(chair)) == [transfer]

    services.transfer_accept(actor=other_union_chair, transfer=transfer)

    leaving.refresh_from_db()
    transfer.refresh_from_db()
    assert leaving.org == tree.school2
    assert leaving.status == MemberStatus.ACTIVE
    assert transfer.state == TransferState.ACCEPTED
    assert transfer.decided_by == other_union_chair
    assert not queries.incoming_transfers(other_union_chair).exists()


def test_an_accepted_transfer_leaves_out_and_in_rows_in_the_history(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    services.transfer_accept(actor=other_union_chair, transfer=transfer)

    history = {(c.change_type, c.org_id) for c in MembershipChange.objects.filter(member=leaving)}
    assert history == {
        (ChangeType.JOIN, tree.school1.pk),
        (ChangeType.TRANSFER_OUT, tree.school1.pk),
        (ChangeType.TRANSFER_IN, tree.school2.pk),
    }
    shown = [c.get_change_type_display() for c in queries.history(leaving)]
    assert "转出" in shown
    assert "转入" in shown


def test_after_acceptance_only_the_receiving_union_sees_the_member(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)
    assert visible(Member.objects.all(), chair).filter(pk=leaving.pk).exists()
    assert not visible(Member.objects.all(), other_union_chair).filter(pk=leaving.pk).exists()

    services.transfer_accept(actor=other_union_chair, transfer=transfer)

    assert not visible(Member.objects.all(), chair).filter(pk=leaving.pk).exists()
    assert visible(Member.objects.all(), other_union_chair).filter(pk=leaving.pk).exists()


def test_accepting_into_a_group_puts_the_member_in_that_group(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    services.transfer_accept(actor=other_union_chair, transfer=transfer, group=tree.school2_group)

    leaving.refresh_from_db()
    assert leaving.org == tree.school2_group


def test_a_transfer_to_a_group_goes_to_its_union(tree, chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2_group)

    assert transfer.to_org == tree.school2


def test_a_transfer_request_is_audited(tree, chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    event = AuditEvent.objects.get(action="member.transfer", object_id=str(transfer.pk))
    assert event.actor == chair
    assert event.org == tree.school1
    assert event.after == {"state": "requested", "to_org": "第二小学工会"}


def test_rejecting_requires_a_note(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    with pytest.raises(DomainError, match="原因"):
        services.transfer_reject(actor=other_union_chair, transfer=transfer, note="   ")

    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED


def test_a_rejected_transfer_keeps_the_member_where_they_were(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    services.transfer_reject(actor=other_union_chair, transfer=transfer, note="本校无此岗位")

    transfer.refresh_from_db()
    leaving.refresh_from_db()
    assert transfer.state == TransferState.REJECTED
    assert transfer.decision_note == "本校无此岗位"
    assert leaving.org == tree.school1_group_a
    assert not queries.incoming_transfers(other_union_chair).exists()


def test_the_sender_can_cancel_an_open_transfer(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    services.transfer_cancel(actor=chair, transfer=transfer)

    transfer.refresh_from_db()
    assert transfer.state == TransferState.CANCELLED
    assert not queries.incoming_transfers(other_union_chair).exists()


def test_a_decided_transfer_cannot_be_decided_again(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)
    services.transfer_cancel(actor=chair, transfer=transfer)

    with pytest.raises(DomainError, match="已撤回"):
        services.transfer_accept(actor=other_union_chair, transfer=transfer)

    leaving.refresh_from_db()
    assert leaving.org == tree.school1_group_a


def test_a_member_has_at_most_one_open_transfer(tree, chair, leaving):
    services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)
    school3 = OrgFactory(name="第三小学工会", parent=tree.county)

    with pytest.raises(DomainError, match="待接收"):
        services.transfer_request(actor=chair, member=leaving, to_org=school3)

    assert Transfer.objects.filter(member=leaving).count() == 1


def test_the_database_also_refuses_a_second_open_transfer(tree, chair, leaving):
    first = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(member=leaving, from_org=first.from_org, to_org=tree.school2)


def test_after_a_cancel_a_new_transfer_may_be_requested(tree, chair, leaving):
    services.transfer_cancel(
        actor=chair, transfer=services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)
    )

    again = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    assert again.state == TransferState.REQUESTED


def test_a_transfer_into_the_same_union_is_refused(tree, chair, leaving):
    with pytest.raises(DomainError, match="相同"):
        services.transfer_request(actor=chair, member=leaving, to_org=tree.school1_group_b)


def test_a_transfer_into_a_superior_union_is_refused(tree, chair, leaving):
    with pytest.raises(DomainError, match="基层工会"):
        services.transfer_request(actor=chair, member=leaving, to_org=tree.county)


def test_a_transfer_outside_the_tree_marks_the_member_transferred_out_at_once(tree, chair, leaving):
    transfer = services.transfer_request(
        actor=chair, member=leaving, destination=" 外省某中学 ", reason="随迁"
    )

    leaving.refresh_from_db()
    assert leaving.status == MemberStatus.TRANSFERRED_OUT
    assert transfer.state == TransferState.COMPLETED_OUTSIDE
    assert transfer.destination == "外省某中学"
    assert transfer.to_org is None
    change = MembershipChange.objects.get(member=leaving, change_type=ChangeType.TRANSFER_OUT)
    assert "外省某中学" in change.reason
    # Still the sending union's record (history kept), just no longer a current member.
    assert visible(Member.objects.all(), chair).filter(pk=leaving.pk).exists()


def test_a_transfer_outside_needs_a_destination(tree, chair, leaving):
    with pytest.raises(DomainError, match="系统外"):
        services.transfer_request(actor=chair, member=leaving, destination="  ")

    leaving.refresh_from_db()
    assert leaving.status == MemberStatus.ACTIVE


def test_a_transferred_out_member_cannot_be_transferred_again(tree, chair, leaving):
    services.transfer_request(actor=chair, member=leaving, destination="外省某中学")

    with pytest.raises(DomainError):
        services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)
    with pytest.raises(DomainError):
        services.transfer_request(actor=chair, member=leaving, destination="另一单位")

    assert Transfer.objects.filter(member=leaving).count() == 1


def test_a_retired_member_can_be_transferred(tree, chair, other_union_chair, leaving):
    retired = services.member_retire(actor=chair, member=leaving)

    transfer = services.transfer_request(actor=chair, member=retired, to_org=tree.school2)
    services.transfer_accept(actor=other_union_chair, transfer=transfer)

    retired.refresh_from_db()
    assert retired.org == tree.school2
    assert retired.status == MemberStatus.RETIRED


def test_may_decide_is_true_only_for_the_receiving_union(tree, chair, other_union_chair, leaving):
    transfer = services.transfer_request(actor=chair, member=leaving, to_org=tree.school2)

    assert queries.may_decide(other_union_chair, transfer)
    assert not queries.may_decide(chair, transfer)
