"""Writes of the members app: keyword-only, atomic, audited. Personal data never enters a log."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import in_scope
from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.services import org_create
from gonghui.core.writes import service

from . import idcard, pinyin
from .enums import (
    STATUS_AFTER_CHANGE,
    TRANSITIONS,
    ChangeType,
    Employment,
    MemberStatus,
)
from .enums import TransferState as TS
from .models import MEMBER_VIEW_ROLES, Member, MembershipChange, Transfer
from .privacy import decrypt, encrypt, lookup_hash, mask_id

# Fields that may be audited with their values (no ID number, no phone number).
AUDITED_FIELDS = [
    "name", "sex", "ethnicity", "birth_date", "political", "education", "position", "join_date", "card_number",
    "employment", "hardship_level", "hardship_cert_no", "single_parent", "model_worker_level", "status", "org_id",
]  # fmt: skip
PLAIN_FIELDS = [
    "name", "sex", "ethnicity", "birth_date", "mobile", "political", "education", "position", "join_date",
    "card_number", "employment", "hardship_level", "hardship_cert_no", "single_parent", "model_worker_level",
]  # fmt: skip


def union_of(org: Org) -> Org:
    """The union a member belongs to: the org itself, or the parent of a union group."""
    if org.kind == OrgKind.GROUP and org.parent is not None:
        return org.parent
    return org


def set_identity(member: Member, id_number: str) -> None:
    member.id_encrypted = encrypt(id_number)
    member.id_hash = lookup_hash(id_number)
    member.id_masked = mask_id(id_number)


def set_name(member: Member, name: str) -> None:
    member.name = name
    member.name_pinyin = pinyin.sort_key(name)
    member.name_initials = pinyin.initials(name)


def duplicate_message(existing: Member, actor: User | None) -> str:
    """Name the other organisation only if the user may see it (else only say it exists)."""
    if actor is not None and in_scope(actor, existing.org, MEMBER_VIEW_ROLES):
        return _("该身份证号已登记为会员(%(org)s：%(name)s)。") % {
            "org": existing.org.name,
            "name": existing.name,
        }
    return _("该身份证号已在其他工会登记为会员，请先办理会员关系转接。")


def _target_org(union: Org, group: Org | None) -> Org:
    if group is None:
        return union
    if group.parent_id != union.pk or group.kind != OrgKind.GROUP:
        raise DomainError(_("所选工会小组不属于本工会。"))
    return group


@service
def member_create(
    *, actor: User | None, union: Org, data: dict[str, Any], group: Org | None = None, reason: str = ""
) -> Member:
    """Register a member (入会) in `union` (optionally in one of its groups)."""
    if union.kind == OrgKind.GROUP:
        raise DomainError(_("请在基层工会下登记会员，再分配到工会小组。"))
    if not union.is_active:
        raise DomainError(_("该工会已撤销，不能登记会员。"))
    data = checked_identity(data)
    existing = Member.objects.select_related("org").filter(id_hash=lookup_hash(data["id_number"])).first()
    if existing is not None:
        raise DomainError(duplicate_message(existing, actor))
    member = Member(org=_target_org(union, group), status=data.get("status") or MemberStatus.ACTIVE)
    _apply(member, data)
    member.join_date = data.get("join_date") or timezone.localdate()
    member.status_date = member.join_date
    member.full_clean(exclude=["id_encrypted", "id_hash", "id_masked", "user"])
    member.save()
    MembershipChange.objects.create(
        member=member,
        org=union,
        change_type=ChangeType.JOIN,
        date=member.join_date,
        reason=reason,
        status_before="",
        status_after=member.status,
        actor=actor,
    )
    audit(action="member.create", actor=actor, org=union, obj=member, after=snapshot(member, AUDITED_FIELDS))
    return member


def checked_identity(data: dict[str, Any]) -> dict[str, Any]:
    """Normalise the ID number and make sex and birth date agree with it (derived when missing)."""
    try:
        info = idcard.parse(data.get("id_number") or "")
    except idcard.IdNumberError as error:
        raise DomainError(str(error)) from error
    data = {**data, "id_number": info.number}
    if data.get("sex") and data["sex"] != info.sex:
        raise DomainError(_("性别与身份证号不符。"))
    if data.get("birth_date") and data["birth_date"] != info.birth_date:
        raise DomainError(_("出生日期与身份证号不符。"))
    data["sex"], data["birth_date"] = info.sex, info.birth_date
    return data


def _apply(member: Member, data: dict[str, Any]) -> None:
    set_name(member, data["name"])
    if data.get("id_number"):
        set_identity(member, data["id_number"])
    for key in PLAIN_FIELDS:
        if key != "name" and key in data:
            setattr(member, key, data[key] if data[key] is not None or key == "join_date" else "")


@service
def member_update(*, actor: User | None, member: Member, data: dict[str, Any]) -> Member:
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = snapshot(member, AUDITED_FIELDS)
    old_mobile = member.mobile
    if data.get("id_number"):
        data = checked_identity(data)
    id_changed = bool(data.get("id_number")) and lookup_hash(data["id_number"]) != member.id_hash
    if id_changed:
        other = Member.objects.select_related("org").filter(id_hash=lookup_hash(data["id_number"])).first()
        if other is not None:
            raise DomainError(duplicate_message(other, actor))
    _apply(member, {k: v for k, v in data.items() if k != "id_number" or id_changed})
    member.full_clean(exclude=["id_encrypted", "id_hash", "id_masked", "user", "org"])
    old, new = changed(before, snapshot(member, AUDITED_FIELDS))
    # Personal data is audited as "changed", never with its values.
    if id_changed:
        old["id_number"], new["id_number"] = "(已修改)", "(已修改)"
    if member.mobile != old_mobile:
        old["mobile"], new["mobile"] = "(已修改)", "(已修改)"
    if new:  # an unchanged form writes nothing
        member.save()
        audit(
            action="member.update", actor=actor, org=union_of(member.org), obj=member, before=old, after=new
        )
    return member


@service
def member_change_status(
    *, actor: User | None, member: Member, change: str, date: dt.date | None = None, reason: str = ""
) -> Member:
    """Apply a membership change (转出, 退会, 退休, 去世, 除名, 恢复…) by the transition table."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    if change not in TRANSITIONS[member.status]:
        raise DomainError(
            _("会员当前状态为“%(status)s”，不能办理“%(change)s”。")
            % {"status": member.get_status_display(), "change": ChangeType(change).label}
        )
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise DomainError(_("变更日期不能晚于今天。"))
    before = member.status
    union = union_of(member.org)
    Member.states.move(
        member, to=STATUS_AFTER_CHANGE[ChangeType(change)], actor=actor, org=union,
        fields={"status_date": date}, after={"change": change, "date": date.isoformat()},
    )  # fmt: skip
    MembershipChange.objects.create(
        member=member,
        org=union,
        change_type=change,
        date=date,
        reason=reason,
        status_before=before,
        status_after=member.status,
        actor=actor,
    )
    return member


def retirees_group(union: Org, *, actor: User | None) -> Org:
    """The union's retirees' group (离退休组), created the first time someone retires."""
    group = union.children.filter(kind=OrgKind.GROUP, status=OrgStatus.ACTIVE, name__contains="退休").first()
    if group is None:
        group = org_create(
            actor=actor, parent=union, name=f"{union.short_name or union.name}离退休组", kind=OrgKind.GROUP
        )
    return group


@service
def member_retire(*, actor: User | None, member: Member, date: dt.date | None = None) -> Member:
    """Retirement: status 离退休, category 离退休, moved into the retirees' group, kept for visits."""
    member = member_change_status(
        actor=actor, member=member, change=ChangeType.RETIRE, date=date, reason="退休"
    )
    union = union_of(member.org)
    before = {"group": member.org.name, "employment": member.employment}
    member.org = retirees_group(union, actor=actor)
    member.employment = Employment.RETIRED
    member.save(update_fields=["org", "employment", "updated_at"])
    audit(
        action="member.retire_move", actor=actor, org=union, obj=member,
        before=before, after={"group": member.org.name, "employment": member.employment},
    )  # fmt: skip
    return member


@service
def members_move_to_group(
    *, actor: User | None, members: Iterable[Member], union: Org, group: Org | None
) -> int:
    """Bulk action: put the selected members of `union` into `group` (None: the union itself)."""
    target = _target_org(union, group)
    ids = [m.pk for m in members if union_of(m.org).pk == union.pk]
    moved = (
        Member.objects.filter(pk__in=ids).exclude(org=target).update(org=target, updated_at=timezone.now())
    )
    audit(
        action="member.bulk_move",
        actor=actor,
        org=union,
        object_type="members.member",
        after={"group": target.name, "count": moved},
    )
    return moved


@service
def members_change_status(
    *,
    actor: User | None,
    members: Iterable[Member],
    change: str,
    date: dt.date | None = None,
    reason: str = "",
) -> tuple[int, list[str]]:
    """Bulk status change; members whose status does not allow it are listed, not changed."""
    done, refused = 0, []
    for member in members:
        try:
            if change == ChangeType.RETIRE:
                member_retire(actor=actor, member=member, date=date)
            else:
                member_change_status(actor=actor, member=member, change=change, date=date, reason=reason)
        except DomainError:
            refused.append(member.name)
        else:
            done += 1
    return done, refused


@service
def member_reveal(*, actor: User, member: Member) -> dict[str, str]:
    """The full ID and mobile for a user with the reveal permission; every reveal is audited."""
    audit(
        action="member.reveal", actor=actor, org=union_of(member.org), obj=member, detail="身份证号、手机号"
    )
    return {"id_number": decrypt(member.id_encrypted), "mobile": member.mobile}


# --- transfers (会员关系转接) -------------------------------------------------------------


def _transfer_set_state(transfer: Transfer, *, actor: User | None, to: str, note: str = "") -> None:
    Transfer.states.move(
        transfer,
        to=to,
        actor=actor,
        org=transfer.from_org,
        fields={"decided_by": actor, "decision_note": note},
    )


@service
def transfer_request(
    *, actor: User | None, member: Member, to_org: Org | None = None, destination: str = "", reason: str = ""
) -> Transfer:
    """Start a transfer. Inside the tree the receiving union must accept; outside it is final."""
    member = Member.objects.select_for_update().select_related("org").get(pk=member.pk)
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.RETIRED):
        raise DomainError(_("只有在会或离退休会员可以办理转出。"))
    if Transfer.objects.filter(member=member, state=TS.REQUESTED).exists():
        raise DomainError(_("该会员已有一条待接收的转接申请。"))
    from_union = union_of(member.org)
    if to_org is None:
        if not destination.strip():
            raise DomainError(_("请填写转入的系统外单位名称。"))
        transfer = Transfer.objects.create(
            member=member,
            from_org=from_union,
            destination=destination.strip(),
            reason=reason,
            state=TS.COMPLETED_OUTSIDE,
            requested_by=actor,
            decided_by=actor,
            decided_at=timezone.now(),
        )
        member_change_status(
            actor=actor, member=member, change=ChangeType.TRANSFER_OUT, reason=f"转出至{destination.strip()}"
        )
        return transfer
    to_union = union_of(to_org)
    if to_union.pk == from_union.pk:
        raise DomainError(_("转入工会与当前工会相同；调整小组请使用“移入小组”。"))
    if to_union.kind not in (OrgKind.GRASSROOTS, OrgKind.JOINT) or not to_union.is_active:
        raise DomainError(_("只能转入正常运行的基层工会。"))
    transfer = Transfer.objects.create(
        member=member, from_org=from_union, to_org=to_union, reason=reason, requested_by=actor
    )
    audit(
        action="member.transfer",
        actor=actor,
        org=from_union,
        obj=transfer,
        after={"state": TS.REQUESTED, "to_org": to_union.name},
    )
    return transfer


@service
def transfer_accept(*, actor: User | None, transfer: Transfer, group: Org | None = None) -> Transfer:
    """The receiving union accepts: the member moves with their history; both sides see the change."""
    transfer = (
        Transfer.objects.select_for_update(of=("self",))
        .select_related("member", "to_org")
        .get(pk=transfer.pk)
    )
    assert transfer.to_org is not None
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if member.status not in (MemberStatus.ACTIVE, MemberStatus.RETIRED):
        # The sending union changed the member's status after asking (e.g. 去世): nothing to receive.
        raise DomainError(
            _("该会员当前状态为“%(status)s”，不能接收。") % {"status": member.get_status_display()}
        )
    _transfer_set_state(transfer, actor=actor, to=TS.ACCEPTED)
    today = timezone.localdate()
    MembershipChange.objects.create(
        member=member,
        org=transfer.from_org,
        change_type=ChangeType.TRANSFER_OUT,
        date=today,
        reason=f"转入{transfer.to_org.name}",
        status_before=member.status,
        status_after=member.status,
        actor=actor,
    )
    member.org = _target_org(transfer.to_org, group)
    member.status_date = today
    member.save(update_fields=["org", "status_date", "updated_at"])
    MembershipChange.objects.create(
        member=member,
        org=transfer.to_org,
        change_type=ChangeType.TRANSFER_IN,
        date=today,
        reason=f"由{transfer.from_org.name}转入",
        status_before=member.status,
        status_after=member.status,
        actor=actor,
    )
    return transfer


@service
def transfer_reject(*, actor: User | None, transfer: Transfer, note: str) -> Transfer:
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    if not note.strip():
        raise DomainError(_("退回时请填写原因。"))
    _transfer_set_state(transfer, actor=actor, to=TS.REJECTED, note=note.strip())
    return transfer


@service
def transfer_cancel(*, actor: User | None, transfer: Transfer) -> Transfer:
    transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
    _transfer_set_state(transfer, actor=actor, to=TS.CANCELLED)
    return transfer


@service
def member_link_user(*, actor: User | None, member: Member, user: User) -> Member:
    """Link a member record to a login account (self-service, delegates voting on a phone)."""
    if Member.objects.filter(user=user).exclude(pk=member.pk).exists():
        raise DomainError(_("该账号已关联其他会员。"))
    member.user = user
    member.save(update_fields=["user", "updated_at"])
    audit(
        action="member.link_user",
        actor=actor,
        org=union_of(member.org),
        obj=member,
        after={"user": user.username},
    )
    return member
