"""Member export to Excel: the user's list columns, or exactly the provincial 会员信息采集表.

xlsxwriter in constant-memory mode streams rows to disk as they are written, and the queryset is
read in chunks, so a 100,000-member export needs neither 100,000 model objects nor a 100,000-row
worksheet in memory. ID numbers and phone numbers are masked unless the caller has checked the
reveal permission (`export_allowed`); they are decrypted only then. Every export is audited.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import xlsxwriter
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import in_scope, primary_org_id, scopes_for, unrestricted
from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User

from .enums import (
    ETHNICITY_CHOICES,
    ChangeType,
    Education,
    Employment,
    HardshipLevel,
    MemberStatus,
    Political,
    Sex,
)
from .models import Member, MembershipChange
from .privacy import decrypt, mask_mobile
from .queries import LIST_COLUMNS, UnionOption
from .services import union_of

LARGE_EXPORT = 1000
CHUNK = 2000

NATIONAL_HEADERS = [
    "序号", "姓名", "性别", "出生日期", "民族", "就业状况", "有效证件类别", "证件号码", "学历", "技术等级", "移动电话",
    "户籍类型", "户籍所在地", "会籍变化类型", "会籍变化日期", "会籍变化原因", "政治面貌", "工作单位", "籍贯",
    "是否农民工会员",
]  # fmt: skip
# 会籍变化类型 of the national form; our own events (退休, 去世, 恢复会籍) are not on it.
NATIONAL_CHANGES = [
    ChangeType.JOIN, ChangeType.TRANSFER_IN, ChangeType.KEEP, ChangeType.TRANSFER_OUT, ChangeType.EXPEL,
    ChangeType.WITHDRAW,
]  # fmt: skip


def _labels(choices: Any) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices}


SEX_LABELS = {Sex.MALE.value: "男", Sex.FEMALE.value: "女"}
ETHNICITY_LABELS = dict(ETHNICITY_CHOICES)
POLITICAL_LABELS = _labels(Political.choices)
EDUCATION_LABELS = _labels(Education.choices)
EMPLOYMENT_LABELS = _labels(Employment.choices)
STATUS_LABELS = _labels(MemberStatus.choices)
CHANGE_LABELS = _labels(ChangeType.choices)
LIST_LABELS = dict(LIST_COLUMNS)


# --- permission -------------------------------------------------------------------------------


def _covered(actor: User, union: Org | UnionOption | None, roles: frozenset[str]) -> bool:
    """May `actor` act with `roles` over `union` — or, with no union chosen, over every part of
    the tree where they can see members (so the whole export is covered)?"""
    if unrestricted(actor):
        return True
    if union is not None:
        return in_scope(actor, union, roles)
    granting = scopes_for(actor, roles)
    seeing = scopes_for(actor, Member.access.roles_for("view"))
    if not granting or not seeing:
        return False
    return all(
        any(g.covers(s.path) and (not g.this_org_only or s.this_org_only) for g in granting) for s in seeing
    )


def export_allowed(actor: User, union: Org | UnionOption | None, count: int, *, reveal: bool = False) -> None:
    """Refuse (DomainError, in Chinese) an export the user may not make.

    More than 1,000 rows needs the chair's role (Member.access "export_large"); full ID and phone
    numbers need the reveal permission (Member.access "reveal")."""
    if union is not None and not in_scope(actor, union, Member.access.roles_for("view")):
        raise DomainError(_("您没有查看该工会会员的权限。"))
    if count > LARGE_EXPORT and not _covered(actor, union, Member.access.roles_for("export_large")):
        raise DomainError(
            _("一次导出超过%(n)s条会员记录需要工会主席权限；请缩小筛选范围后分批导出，或请主席导出。")
            % {"n": LARGE_EXPORT}
        )
    if reveal and not _covered(actor, union, Member.access.roles_for("reveal")):
        raise DomainError(_("您没有导出完整身份证号和手机号的权限，请导出打码版本。"))


# --- export -----------------------------------------------------------------------------------


def export_members(
    *, actor: User, queryset: QuerySet[Member], columns: list[str], reveal: bool, fmt: str = "list"
) -> bytes:
    """An .xlsx of `queryset` (already scoped to what `actor` may see; call `export_allowed` first).

    fmt "list": the chosen list columns (keys of queries.LIST_COLUMNS), labels not codes.
    fmt "national": exactly the columns of the provincial 会员信息采集表 (REFERENCE.md §1)."""
    if fmt not in ("list", "national"):
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "list" and reveal:
        columns = with_identity(columns)
    unknown = [key for key in columns if key not in LIST_LABELS]
    if fmt == "list" and unknown:
        raise ValueError(f"unknown export columns {unknown!r}")
    today = timezone.localdate()
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
    formats = {
        "header": book.add_format(
            {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1, "align": "center"}
        ),
        "text": book.add_format({"num_format": "@"}),
        "date": book.add_format({"num_format": "yyyy/mm/dd"}),
    }
    queryset = queryset.select_related("org", "org__parent")
    if fmt == "national":
        sheet = book.add_worksheet("会员信息")
        writer = _national_writer(sheet, formats, reveal=reveal)
        queryset = queryset.prefetch_related(
            Prefetch(
                "changes",
                queryset=MembershipChange.objects.filter(change_type__in=NATIONAL_CHANGES).order_by(
                    "-date", "-id"
                ),
                to_attr="national_changes",
            )
        )
    else:
        sheet = book.add_worksheet("会员名单")
        writer = _list_writer(sheet, formats, columns=columns, reveal=reveal, today=today)
    sheet.freeze_panes(1, 0)
    count = 0
    for member in queryset.iterator(chunk_size=CHUNK):
        count += 1
        writer(count, member)
    book.close()
    audit(
        action="member.export", actor=actor, org=primary_org_id(actor), object_type="members.member",
        after={"count": count, "fmt": fmt, "masked": not reveal, "columns": columns if fmt == "list" else []},
        detail=_("导出会员%(n)s条（%(masked)s）") % {"n": count, "masked": _("未打码") if reveal else _("已打码")},
    )  # fmt: skip
    return buffer.getvalue()


Writer = Callable[[int, Member], None]


def with_identity(columns: list[str]) -> list[str]:
    """The columns of a full-information export: the ID and phone numbers it is made for are
    always in it (after the name), whichever columns the list shows."""
    wanted = [key for key in ("id_masked", "mobile") if key not in columns]
    if not wanted:
        return columns
    at = columns.index("name") + 1 if "name" in columns else 0
    return [*columns[:at], *wanted, *columns[at:]]


def _id_number(member: Member, reveal: bool) -> str:
    return decrypt(member.id_encrypted) if reveal else member.id_masked


def _mobile(member: Member, reveal: bool) -> str:
    return member.mobile if reveal else mask_mobile(member.mobile)


def _flags(member: Member) -> str:
    flags = []
    if member.hardship_level == HardshipLevel.SEVERE:
        flags.append("特困")
    elif member.hardship_level:
        flags.append("困难")
    if member.single_parent:
        flags.append("单亲")
    if member.model_worker_level:
        flags.append("劳模")
    return "、".join(flags)


def _list_writer(
    sheet: Any, formats: dict[str, Any], *, columns: list[str], reveal: bool, today: dt.date
) -> Writer:
    for position, key in enumerate(columns):
        sheet.write_string(0, position, LIST_LABELS[key], formats["header"])
        width = {"id_masked": 22, "org": 24, "position": 16, "mobile": 14, "join_date": 12, "flags": 14}.get(
            key, 10
        )
        sheet.set_column(position, position, width)
    text = formats["text"]
    date = formats["date"]

    def value(key: str, member: Member) -> Any:
        match key:
            case "name":
                return member.name
            case "sex":
                return SEX_LABELS.get(member.sex, "")
            case "age":
                return member.age_on(today)
            case "org":
                return member.org.name
            case "id_masked":
                return _id_number(member, reveal)
            case "mobile":
                return _mobile(member, reveal)
            case "political":
                return POLITICAL_LABELS.get(member.political, "")
            case "education":
                return EDUCATION_LABELS.get(member.education, "")
            case "employment":
                return EMPLOYMENT_LABELS.get(member.employment, "")
            case "status":
                return STATUS_LABELS.get(member.status, "")
            case "flags":
                return _flags(member)
            case "join_date":
                return member.join_date
            case _:
                return str(getattr(member, key) or "")

    def write(row: int, member: Member) -> None:
        for position, key in enumerate(columns):
            cell = value(key, member)
            if cell is None or cell == "":
                continue
            if isinstance(cell, dt.date):
                sheet.write_datetime(row, position, dt.datetime(cell.year, cell.month, cell.day), date)
            elif isinstance(cell, int):
                sheet.write_number(row, position, cell)
            else:
                sheet.write_string(row, position, cell, text)

    return write


def _employment_status(member: Member) -> str:
    """就业状况 of the national form, from our status and employment category."""
    if member.status == MemberStatus.RETIRED or member.employment == Employment.RETIRED:
        return "退休"
    if member.employment == Employment.INTERNAL_RETIRED:
        return "退养（内退）"
    if member.status == MemberStatus.ACTIVE:
        return "在岗"
    return "其他"


def _work_unit(member: Member) -> str:
    union = union_of(member.org)
    return union.short_name or union.name.removesuffix("工会")


def _national_writer(sheet: Any, formats: dict[str, Any], *, reveal: bool) -> Writer:
    widths = {"姓名": 10, "出生日期": 12, "证件号码": 22, "移动电话": 14, "会籍变化日期": 13, "会籍变化原因": 24,
              "工作单位": 26, "有效证件类别": 12, "是否农民工会员": 14}  # fmt: skip
    for position, header in enumerate(NATIONAL_HEADERS):
        sheet.write_string(0, position, header, formats["header"])
        sheet.set_column(position, position, widths.get(header, 9))
    text = formats["text"]

    def write(row: int, member: Member) -> None:
        changes = getattr(member, "national_changes", None) or []
        change = changes[0] if changes else None
        if change is not None:
            change_type, change_date, reason = CHANGE_LABELS[change.change_type], change.date, change.reason
        else:  # no recorded event: the member joined on their join date
            change_type, change_date, reason = CHANGE_LABELS[ChangeType.JOIN], member.join_date, ""
        values = [
            str(row),
            member.name,
            SEX_LABELS.get(member.sex, ""),
            f"{member.birth_date:%Y/%m/%d}",
            ETHNICITY_LABELS.get(member.ethnicity, ""),
            _employment_status(member),
            "居民身份证",
            _id_number(member, reveal),
            EDUCATION_LABELS.get(member.education, ""),
            "无",
            _mobile(member, reveal),
            "",
            "",
            change_type,
            f"{change_date:%Y/%m/%d}" if change_date else "",
            reason,
            POLITICAL_LABELS.get(member.political, ""),
            _work_unit(member),
            "",
            "是" if member.employment == Employment.MIGRANT else "否",
        ]
        sheet.write_number(row, 0, row)
        for position, cell in enumerate(values[1:], start=1):
            if cell:
                sheet.write_string(row, position, cell, text)

    return write
