"""Writes of the members app: registration, duplicates, status changes, retirement, bulk moves,
reveals, and the audit log that never holds a full ID number or mobile number."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from django.utils import timezone

from gonghui.core.access import visible
from gonghui.core.enums import OrgKind
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Org
from gonghui.members import idcard, services
from gonghui.members.enums import (
    STATUS_AFTER_CHANGE,
    TRANSITIONS,
    ChangeType,
    Employment,
    MemberStatus,
)
from gonghui.members.models import Member, MembershipChange
from gonghui.members.privacy import decrypt, lookup_hash

from .factories import MemberFactory

pytestmark = pytest.mark.django_db

CHINESE = re.compile(r"[\u4e00-\u9fff]")
FULL_ID = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
FULL_MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
BIRTH = dt.date(1988, 11, 20)


def ident(sequence: int, birth: dt.date = BIRTH) -> str:
    return idcard.make("430121", birth, sequence)


def data_for(number: str, name: str = "李红", **extra) -> dict:
    """Form-like data for member_create: sex and birth date as the form derives them."""
    info = idcard.parse(number)
    return {"name": name, "id_number": info.number, "sex": info.sex, "birth_date": info.birth_date,
            "mobile": "13912340000", **extra}  # fmt: skip


# --- registration -------------------------------------------------------------------------------


def test_member_create_stores_the_id_encrypted_with_a_hash_and_a_mask(tree, chair):
    number = ident(124)

    member = services.member_create(actor=chair, union=tree.school1, data=data_for(number))

    member.refresh_from_db()
    assert decrypt(member.id_encrypted) == number
    assert member.id_hash == lookup_hash(number)
    assert member.id_masked == f"{number[:4]}**********{number[-4:]}"
    assert number not in member.id_encrypted
    assert member.name_pinyin == "li hong"
    assert member.name_initials == "lh"


def test_member_create_records_a_join_row_and_an_audit_event(tree, chair):
    member = services.member_create(
        actor=chair, union=tree.school1, data=data_for(ident(2), join_date=dt.date(2015, 9, 1))
    )

    change = MembershipChange.objects.get(member=member)
    assert (change.change_type, change.date, change.org, change.actor) == (
        ChangeType.JOIN, dt.date(2015, 9, 1), tree.school1, chair,
    )  # fmt: skip
    assert change.status_after == MemberStatus.ACTIVE
    event = AuditEvent.objects.get(action="member.create", object_id=str(member.pk))
    assert event.actor == chair
    assert event.org == tree.school1
    assert event.after["name"] == "李红"


def test_member_create_without_a_join_date_joins_today(tree, chair):
    member = services.member_create(actor=chair, union=tree.school1, data=data_for(ident(2)))

    assert member.join_date == timezone.localdate()
    assert member.status == MemberStatus.ACTIVE


def test_member_create_derives_sex_and_birth_date_from_the_id_number(tree, chair):
    number = ident(124, birth=dt.date(1979, 2, 28))  # even sequence: female
    data = {"name": "周敏", "id_number": number, "mobile": ""}

    member = services.member_create(actor=chair, union=tree.school1, data=data)

    assert member.sex == "2"
    assert member.birth_date == dt.date(1979, 2, 28)


def test_member_create_refuses_a_sex_that_contradicts_the_id_number(tree, chair):
    data = data_for(ident(124)) | {"sex": "1"}  # the number says female

    with pytest.raises(DomainError) as caught:
        services.member_create(actor=chair, union=tree.school1, data=data)

    assert "性别" in str(caught.value)
    assert not Member.objects.exists()


def test_member_create_refuses_an_invalid_id_number(tree, chair):
    number = ident(3)
    broken = number[:17] + ("1" if number[17] != "1" else "2")
    data = {"name": "周敏", "id_number": broken, "sex": "1", "birth_date": BIRTH, "mobile": ""}

    with pytest.raises(DomainError):
        services.member_create(actor=chair, union=tree.school1, data=data)

    assert not Member.objects.exists()


def test_member_create_treats_a_lowercase_x_as_the_same_id_number(tree, chair):
    number = next(ident(s) for s in range(1000) if ident(s).endswith("X"))
    services.member_create(actor=chair, union=tree.school1, data=data_for(number))
    lowercase = data_for(number) | {"id_number": number[:17] + "x"}

    with pytest.raises(DomainError):
        services.member_create(actor=chair, union=tree.school1, data=lowercase)

    assert Member.objects.count() == 1


def test_member_create_puts_the_member_in_the_chosen_group(tree, chair):
    member = services.member_create(
        actor=chair, union=tree.school1, data=data_for(ident(5)), group=tree.school1_group_a
    )

    assert member.org == tree.school1_group_a
    assert services.union_of(member.org) == tree.school1
    assert MembershipChange.objects.get(member=member).org == tree.school1


def test_member_create_refuses_a_group_of_another_union(tree, chair):
    with pytest.raises(DomainError, match="不属于本工会"):
        services.member_create(
            actor=chair, union=tree.school1, data=data_for(ident(5)), group=tree.school2_group
        )

    assert not Member.objects.exists()


def test_member_create_directly_under_a_union_group_is_refused(tree, chair):
    with pytest.raises(DomainError) as caught:
        services.member_create(actor=chair, union=tree.school1_group_a, data=data_for(ident(7)))

    assert "基层工会" in str(caught.value)
    assert not Member.objects.exists()


def test_member_create_in_a_dissolved_union_is_refused(tree, chair):
    Org.objects.filter(pk=tree.school2.pk).update(status="dissolved")
    tree.school2.refresh_from_db()

    with pytest.raises(DomainError, match="撤销"):
        services.member_create(actor=chair, union=tree.school2, data=data_for(ident(7)))


# --- duplicates ---------------------------------------------------------------------------------


def test_a_duplicate_id_in_the_same_union_names_the_existing_member_for_its_chair(tree, chair):
    number = ident(9)
    services.member_create(actor=chair, union=tree.school1, data=data_for(number, name="王强"))

    with pytest.raises(DomainError) as caught:
        services.member_create(actor=chair, union=tree.school1, data=data_for(number, name="王强强"))

    assert "第一中学工会" in str(caught.value)
    assert "王强" in str(caught.value)
    assert Member.objects.count() == 1


def test_a_duplicate_id_in_another_union_is_refused_without_naming_that_union(tree, chair, other_union_chair):
    number = ident(9)
    services.member_create(actor=chair, union=tree.school1, data=data_for(number, name="王强"))

    with pytest.raises(DomainError) as caught:
        services.member_create(actor=other_union_chair, union=tree.school2, data=data_for(number))

    message = str(caught.value)
    assert CHINESE.search(message)
    assert "第一中学" not in message
    assert "王强" not in message
    assert "转接" in message
    assert Member.objects.count() == 1


def test_a_duplicate_found_in_a_group_is_refused_anywhere_in_the_tree(tree, chair, other_union_chair):
    number = ident(11)
    services.member_create(actor=chair, union=tree.school1, data=data_for(number), group=tree.school1_group_b)

    with pytest.raises(DomainError):
        services.member_create(actor=None, union=tree.school2, data=data_for(number))


def test_a_duplicate_through_an_edit_of_the_id_number_is_refused(tree, chair):
    first = MemberFactory(union=tree.school1)
    second = MemberFactory(union=tree.school1)
    number = decrypt(first.id_encrypted)

    with pytest.raises(DomainError):
        services.member_update(actor=chair, member=second, data={"name": second.name, "id_number": number})

    second.refresh_from_db()
    assert decrypt(second.id_encrypted) != number


# --- edits --------------------------------------------------------------------------------------


def test_member_update_changes_fields_and_audits_before_and_after(tree, chair):
    member = MemberFactory(union=tree.school1, position="语文教师")

    services.member_update(actor=chair, member=member, data={"name": member.name, "position": "教研组长"})

    member.refresh_from_db()
    assert member.position == "教研组长"
    event = AuditEvent.objects.get(action="member.update", object_id=str(member.pk))
    assert event.before == {"position": "语文教师"}
    assert event.after == {"position": "教研组长"}


def test_member_update_with_a_new_id_number_rehashes_and_audits_only_that_it_changed(tree, chair):
    member = MemberFactory(union=tree.school1)
    new_number = ident(401)

    services.member_update(actor=chair, member=member, data={"name": member.name, "id_number": new_number})

    member.refresh_from_db()
    assert decrypt(member.id_encrypted) == new_number
    assert member.id_hash == lookup_hash(new_number)
    event = AuditEvent.objects.get(action="member.update", object_id=str(member.pk))
    assert event.after["id_number"] == "(已修改)"


def test_changing_only_the_mobile_is_audited_without_the_number(tree, chair):
    member = MemberFactory(union=tree.school1, mobile="13811112222")

    services.member_update(actor=chair, member=member, data={"name": member.name, "mobile": "13933334444"})

    member.refresh_from_db()
    assert member.mobile == "13933334444"
    event = AuditEvent.objects.filter(action="member.update", object_id=str(member.pk)).first()
    assert event is not None, "a change of the mobile number leaves no trace in the audit log"
    assert "13933334444" not in json.dumps([event.before, event.after])


# --- status changes -----------------------------------------------------------------------------

ALL_CHANGES = [(status, change) for status in MemberStatus.values for change in ChangeType.values]


@pytest.mark.parametrize(("status", "change"), ALL_CHANGES)
def test_status_changes_follow_the_transition_table(tree, chair, status, change):
    member = MemberFactory(union=tree.school1)
    Member.objects.filter(pk=member.pk).update(status=status)

    if change in TRANSITIONS[status]:
        result = services.member_change_status(actor=chair, member=member, change=change)
        assert result.status == STATUS_AFTER_CHANGE[ChangeType(change)]
    else:
        with pytest.raises(DomainError) as caught:
            services.member_change_status(actor=chair, member=member, change=change)
        assert CHINESE.search(str(caught.value))
        assert str(MemberStatus(status).label) in str(caught.value)
        member.refresh_from_db()
        assert member.status == status


def test_a_deceased_member_cannot_be_reinstated(tree, chair):
    member = MemberFactory(union=tree.school1)
    services.member_change_status(actor=chair, member=member, change=ChangeType.DECEASE)

    with pytest.raises(DomainError) as caught:
        services.member_change_status(actor=chair, member=member, change=ChangeType.REINSTATE)

    assert "去世" in str(caught.value)
    assert "恢复会籍" in str(caught.value)
    member.refresh_from_db()
    assert member.status == MemberStatus.DECEASED


def test_a_withdrawn_member_can_be_reinstated(tree, chair):
    member = MemberFactory(union=tree.school1)
    services.member_change_status(actor=chair, member=member, change=ChangeType.WITHDRAW)

    services.member_change_status(actor=chair, member=member, change=ChangeType.REINSTATE)

    member.refresh_from_db()
    assert member.status == MemberStatus.ACTIVE


def test_each_status_change_writes_a_history_row_and_an_audit_event(tree, chair):
    member = MemberFactory(union=tree.school1, group=tree.school1_group_a)
    day = timezone.localdate() - dt.timedelta(days=3)

    services.member_change_status(
        actor=chair, member=member, change=ChangeType.WITHDRAW, date=day, reason="个人要求退会"
    )

    change = MembershipChange.objects.get(member=member, change_type=ChangeType.WITHDRAW)
    assert (change.date, change.reason, change.org, change.actor) == (
        day,
        "个人要求退会",
        tree.school1,
        chair,
    )
    assert (change.status_before, change.status_after) == (MemberStatus.ACTIVE, MemberStatus.WITHDRAWN)
    member.refresh_from_db()
    assert member.status_date == day
    event = AuditEvent.objects.get(action="member.status", object_id=str(member.pk))
    assert event.actor == chair
    assert event.org == tree.school1
    assert event.before == {"status": "active"}
    assert event.after == {"status": "withdrawn", "change": "withdraw", "date": day.isoformat()}


def test_a_refused_status_change_writes_no_history_and_no_audit(tree, chair):
    member = MemberFactory(union=tree.school1)

    with pytest.raises(DomainError):
        services.member_change_status(actor=chair, member=member, change=ChangeType.TRANSFER_IN)

    assert not MembershipChange.objects.exclude(change_type=ChangeType.JOIN).exists()
    assert not AuditEvent.objects.filter(action="member.status").exists()


def test_a_status_change_dated_in_the_future_is_refused(tree, chair):
    member = MemberFactory(union=tree.school1)

    with pytest.raises(DomainError, match="晚于今天"):
        services.member_change_status(
            actor=chair,
            member=member,
            change=ChangeType.WITHDRAW,
            date=timezone.localdate() + dt.timedelta(days=1),
        )


# --- retirement ---------------------------------------------------------------------------------


def test_retirement_moves_the_member_into_a_new_retirees_group(tree, chair):
    member = MemberFactory(union=tree.school1, group=tree.school1_group_a)
    assert not tree.school1.children.filter(name__contains="退休").exists()

    retired = services.member_retire(actor=chair, member=member)

    retired.refresh_from_db()
    assert retired.status == MemberStatus.RETIRED
    assert retired.employment == Employment.RETIRED
    assert retired.org.kind == OrgKind.GROUP
    assert retired.org.parent == tree.school1
    assert "退休" in retired.org.name
    assert MembershipChange.objects.filter(member=member, change_type=ChangeType.RETIRE).exists()


def test_a_second_retirement_reuses_the_retirees_group(tree, chair):
    first = services.member_retire(actor=chair, member=MemberFactory(union=tree.school1))
    second = services.member_retire(actor=chair, member=MemberFactory(union=tree.school1))

    assert first.org == second.org
    assert tree.school1.children.filter(name__contains="退休").count() == 1


def test_a_retired_member_stays_visible_to_the_union(tree, chair):
    member = services.member_retire(actor=chair, member=MemberFactory(union=tree.school1))

    assert visible(Member.objects.all(), chair).filter(pk=member.pk).exists()


def test_bulk_status_change_lists_members_whose_status_does_not_allow_it(tree, chair):
    active = MemberFactory(union=tree.school1, name="赵一")
    dead = MemberFactory(union=tree.school1, name="钱二")
    Member.objects.filter(pk=dead.pk).update(status=MemberStatus.DECEASED)

    done, refused = services.members_change_status(
        actor=chair, members=[active, dead], change=ChangeType.WITHDRAW
    )

    assert (done, refused) == (1, ["钱二"])
    active.refresh_from_db()
    assert active.status == MemberStatus.WITHDRAWN


def test_bulk_retirement_moves_each_member_to_the_retirees_group(tree, chair):
    members = [MemberFactory(union=tree.school1) for _ in range(2)]

    done, refused = services.members_change_status(actor=chair, members=members, change=ChangeType.RETIRE)

    assert (done, refused) == (2, [])
    orgs = {m.org for m in Member.objects.filter(pk__in=[m.pk for m in members])}
    assert len(orgs) == 1
    assert "退休" in orgs.pop().name


# --- moving between groups ----------------------------------------------------------------------


def test_members_move_to_a_group_of_their_union(tree, chair):
    members = [MemberFactory(union=tree.school1) for _ in range(2)]

    moved = services.members_move_to_group(
        actor=chair, members=members, union=tree.school1, group=tree.school1_group_b
    )

    assert moved == 2
    assert set(Member.objects.values_list("org", flat=True)) == {tree.school1_group_b.pk}
    event = AuditEvent.objects.get(action="member.bulk_move")
    assert event.after == {"group": "数学组工会小组", "count": 2}


def test_members_move_back_to_the_union_itself_with_no_group(tree, chair):
    member = MemberFactory(union=tree.school1, group=tree.school1_group_a)

    services.members_move_to_group(actor=chair, members=[member], union=tree.school1, group=None)

    member.refresh_from_db()
    assert member.org == tree.school1


def test_members_move_to_group_refuses_a_group_of_another_union(tree, chair):
    member = MemberFactory(union=tree.school1)

    with pytest.raises(DomainError, match="不属于本工会"):
        services.members_move_to_group(
            actor=chair, members=[member], union=tree.school1, group=tree.school2_group
        )

    member.refresh_from_db()
    assert member.org == tree.school1


def test_members_move_to_group_leaves_members_of_other_unions_alone(tree, chair):
    ours = MemberFactory(union=tree.school1)
    theirs = MemberFactory(union=tree.school2)

    moved = services.members_move_to_group(
        actor=chair, members=[ours, theirs], union=tree.school1, group=tree.school1_group_a
    )

    assert moved == 1
    theirs.refresh_from_db()
    assert theirs.org == tree.school2


# --- reveal and the audit log -------------------------------------------------------------------


def test_member_reveal_returns_the_full_values_and_writes_an_audit_event(tree, chair):
    member = MemberFactory(union=tree.school1, mobile="13855556666")
    number = decrypt(member.id_encrypted)

    revealed = services.member_reveal(actor=chair, member=member)

    assert revealed == {"id_number": number, "mobile": "13855556666"}
    event = AuditEvent.objects.get(action="member.reveal")
    assert (event.actor, event.org, event.object_id) == (chair, tree.school1, str(member.pk))
    assert event.object_type == "members.member"


def test_every_reveal_is_audited_again(tree, chair):
    member = MemberFactory(union=tree.school1)

    for _ in range(3):
        services.member_reveal(actor=chair, member=member)

    assert AuditEvent.objects.filter(action="member.reveal", object_id=str(member.pk)).count() == 3


def test_the_audit_log_never_holds_a_full_id_number_or_mobile(tree, chair, other_union_chair):
    first = MemberFactory(union=tree.school1, mobile="13810000001")
    second = MemberFactory(union=tree.school1, group=tree.school1_group_a, mobile="13810000002", female=True)
    third = MemberFactory(union=tree.school1, mobile="13810000003")
    known = {decrypt(m.id_encrypted) for m in (first, second, third)} | {
        "13810000001", "13810000002", "13810000003",
    }  # fmt: skip
    new_number = ident(777)
    known |= {new_number, "13899998888"}

    services.member_update(
        actor=chair,
        member=first,
        data={"name": "改名字", "id_number": new_number, "mobile": "13899998888", "position": "校长"},
    )
    services.member_reveal(actor=chair, member=first)
    services.member_change_status(actor=chair, member=second, change=ChangeType.WITHDRAW, reason="调离")
    services.member_change_status(actor=chair, member=second, change=ChangeType.REINSTATE)
    services.members_move_to_group(
        actor=chair, members=[second], union=tree.school1, group=tree.school1_group_b
    )
    services.member_retire(actor=chair, member=first)
    transfer = services.transfer_request(actor=chair, member=second, to_org=tree.school2, reason="调动")
    services.transfer_accept(actor=other_union_chair, transfer=transfer)
    services.transfer_request(actor=chair, member=third, destination="外省某中学")
    with pytest.raises(DomainError):
        services.member_create(actor=other_union_chair, union=tree.school2, data=data_for(new_number))

    events = list(AuditEvent.objects.all())
    assert {"member.create", "member.update", "member.reveal", "member.status", "member.transfer",
            "member.bulk_move"} <= {e.action for e in events}  # fmt: skip
    for event in events:
        text = json.dumps([event.before, event.after], ensure_ascii=False, default=str)
        text += f" {event.detail} {event.object_repr} {event.object_id} {event.actor_label}"
        assert not any(value in text for value in known), (event.action, text)
        assert not FULL_ID.search(text), (event.action, text)
        assert not FULL_MOBILE.search(text), (event.action, text)
