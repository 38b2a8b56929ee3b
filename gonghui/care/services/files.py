"""Hardship files (困难职工档案): open, edit, yearly review, close, documents."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members import services as member_services
from gonghui.members.models import Member

from .. import rules
from ..dates import not_future
from ..enums import (
    FileState,
    ReviewOutcome,
)
from ..models import (
    HardshipDocument,
    HardshipFile,
    HardshipReview,
)
from ._common import _require

# --- hardship files --------------------------------------------------------------------------

FILE_FIELDS = [
    "cause", "level", "family_situation", "household_size", "income_per_head", "cert_no", "cert_issued_on",
    "cert_expires_on", "next_review_on",
]  # fmt: skip
AUDITED_FILE_FIELDS = ["cause", "level", "household_size", "cert_no", "cert_issued_on", "cert_expires_on",
                       "next_review_on", "state"]  # fmt: skip


def one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _sync_member(actor: User | None, member: Member, *, level: str, cert_no: str) -> None:
    """Member.hardship_level mirrors the open file (members.services.member_update, audited)."""
    member = Member.objects.get(pk=member.pk)
    if member.hardship_level == level and member.hardship_cert_no == cert_no:
        return
    member_services.member_update(
        actor=actor,
        member=member,
        data={"name": member.name, "hardship_level": level, "hardship_cert_no": cert_no},
    )


def _check_file(file: HardshipFile) -> None:
    if file.cert_issued_on and file.cert_expires_on and file.cert_expires_on < file.cert_issued_on:
        raise DomainError(_("证件有效期不能早于发证日期。"))
    file.full_clean(exclude=["member", "org", "created_by"])


@service
def hardship_file_open(
    *, actor: User | None, member: Member, opened_on: dt.date | None = None, **data: Any
) -> HardshipFile:
    """Open a 困难职工档案 for a member (one open file per member); next re-check in a year."""
    union = member_services.union_of(member.org)
    _require(actor, rules.FILE_CHANGE, union, _("您无权为该会员建立困难职工档案。"))
    if HardshipFile.objects.filter(member=member, state=FileState.OPEN).exists():
        raise DomainError(_("该会员已有在档的困难职工档案。"))
    opened_on = not_future(opened_on or timezone.localdate(), _("建档日期"))
    unknown = set(data) - set(FILE_FIELDS)
    if unknown:
        raise TypeError(f"unknown hardship file fields: {sorted(unknown)}")
    file = HardshipFile(member=member, org=union, opened_on=opened_on, created_by=actor, state=FileState.OPEN)
    for key, value in data.items():
        setattr(file, key, value if value is not None or key.endswith("_on") else "")
    if not file.next_review_on:
        file.next_review_on = one_year_after(opened_on)
    _check_file(file)
    try:
        with transaction.atomic():
            file.save()
    except IntegrityError as error:
        raise DomainError(_("该会员已有在档的困难职工档案。")) from error
    audit(
        action="care.file_open", actor=actor, org=union, obj=file, after=snapshot(file, AUDITED_FILE_FIELDS)
    )
    _sync_member(actor, member, level=file.level, cert_no=file.cert_no)
    return file


@service
def hardship_file_update(*, actor: User | None, file: HardshipFile, data: dict[str, Any]) -> HardshipFile:
    """Edit an open file (a level change is mirrored onto the member)."""
    file = HardshipFile.objects.select_for_update().select_related("member").get(pk=file.pk)
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权修改该档案。"))
    if file.state != FileState.OPEN:
        raise DomainError(_("档案已销档，不能修改。"))
    unknown = set(data) - set(FILE_FIELDS)
    if unknown:
        raise DomainError(_("这些内容不能在此修改：%(fields)s") % {"fields": "、".join(sorted(unknown))})
    before = snapshot(file, AUDITED_FILE_FIELDS)
    for key, value in data.items():
        setattr(file, key, value if value is not None or key.endswith("_on") else "")
    _check_file(file)
    old, new = changed(before, snapshot(file, AUDITED_FILE_FIELDS))
    if new or data:
        file.save()
        audit(action="care.file_update", actor=actor, org=file.org, obj=file, before=old, after=new)
    _sync_member(actor, file.member, level=file.level, cert_no=file.cert_no)
    return file


@service
def hardship_file_set_state(*, file: HardshipFile, actor: User | None, to: str, **after: Any) -> None:
    HardshipFile.states.move(file, to=to, actor=actor, org=file.org, after=after)


@service
def hardship_file_close(
    *, actor: User | None, file: HardshipFile, reason: str, closed_on: dt.date | None = None
) -> HardshipFile:
    """销档 with a reason; the member's hardship flag is cleared."""
    file = HardshipFile.objects.select_for_update().select_related("member").get(pk=file.pk)
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权销档。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("请填写销档原因。"))
    hardship_file_set_state(file=file, actor=actor, to=FileState.CLOSED, reason=reason)
    file.closed_on, file.close_reason = closed_on or timezone.localdate(), reason[:200]
    file.save(update_fields=["closed_on", "close_reason"])
    _sync_member(actor, file.member, level="", cert_no="")
    return file


@service
def hardship_review(
    *,
    actor: User | None,
    file: HardshipFile,
    outcome: str,
    reviewed_on: dt.date | None = None,
    level: str = "",
    notes: str = "",
) -> HardshipReview:
    """The yearly re-check (复核): continue, change the level, or close the file."""
    file = HardshipFile.objects.select_for_update().select_related("member").get(pk=file.pk)
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权复核该档案。"))
    if file.state != FileState.OPEN:
        raise DomainError(_("档案已销档，不能复核。"))
    reviewed_on = reviewed_on or timezone.localdate()
    level_before = file.level
    if outcome == ReviewOutcome.CHANGE_LEVEL:
        if not level or level == file.level:
            raise DomainError(_("调整困难等级时请选择新的等级。"))
        file.level = level
    elif outcome not in (ReviewOutcome.CONTINUE, ReviewOutcome.CLOSE):
        raise DomainError(_("请选择复核结论。"))
    review = HardshipReview.objects.create(
        file=file, reviewed_on=reviewed_on, by=actor, outcome=outcome, level_before=level_before,
        level_after=file.level if outcome != ReviewOutcome.CLOSE else "", notes=notes,
    )  # fmt: skip
    audit(action="care.file_review", actor=actor, org=file.org, obj=file,
          before={"level": level_before, "next_review_on": file.next_review_on.isoformat()},
          after={"outcome": outcome, "level": review.level_after})  # fmt: skip
    if outcome == ReviewOutcome.CLOSE:
        hardship_file_close(actor=actor, file=file, reason=notes or str(ReviewOutcome.CLOSE.label),
                            closed_on=reviewed_on)  # fmt: skip
        return review
    file.next_review_on = one_year_after(reviewed_on)
    file.save(update_fields=["level", "next_review_on"])
    _sync_member(actor, file.member, level=file.level, cert_no=file.cert_no)
    return review


@service
def hardship_document_add(*, actor: User | None, file: HardshipFile, upload: Any) -> HardshipDocument:
    _require(actor, rules.FILE_CHANGE, file.org, _("您无权上传证明材料。"))
    name = posixpath_basename(getattr(upload, "name", "") or "document")
    document = HardshipDocument.objects.create(file=file, document=upload, name=name[:200], uploaded_by=actor)
    audit(action="care.file_document_add", actor=actor, org=file.org, obj=file, after={"document": name})
    return document


def posixpath_basename(name: str) -> str:
    return name.replace("\\", "/").rsplit("/", 1)[-1]
