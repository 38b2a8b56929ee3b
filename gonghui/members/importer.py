"""Member import from Excel (.xlsx), a kind of the core import framework (core.imports): the
template (with a 工会 column for a superior union), upload, row-by-row check, preview, and apply
whole or not at all, in one transaction, audited, with progress.

What the member kind adds to the framework, and why:

- Every row goes through `rows.clean_row`, the same validator as the edit form, so a mistake gets
  the same Chinese message whichever way it was entered; the provincial 会员信息采集表's column
  names (证件号码, 移动电话, …) are read too, and errors name the column as the file spells it.
- Numbers already registered are looked up in batches (`id_hash__in`, 1,000 at a time) after
  the rows are checked. A number registered in the row's union is an update (re-importing a file
  never duplicates anyone); one registered in another union is an error whose message names
  that union only if the user may see it.
- Rows are prepared (pinyin, encryption) and written with the fast bulk writers in the
  framework's one transaction: a file with one wrong row writes nothing.
- ID numbers and phone numbers never enter the job, its errors, the audit log or the logs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.access import in_scope
from gonghui.core.enums import OrgKind
from gonghui.core.imports import bulk, kinds
from gonghui.core.imports.kinds import UNION_KEY, Context, ImportKind, Row
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.sheet import mangled_number
from gonghui.core.imports.workbook import ERROR_COLUMN, HELP_SHEET_NAME, Column  # noqa: F401  (public names)
from gonghui.core.models import Org, User

from . import import_files, rows
from .enums import ChangeType
from .import_files import EXAMPLE_ID, KEY_BY_HEADER, KEY_OF_ERROR_HEADER, SHEET_NAME, read_rows  # noqa: F401
from .import_updates import changes_of as _changes
from .models import MEMBER_CHANGE_ROLES, MEMBER_REVEAL_ROLES, Member, MembershipChange
from .privacy import lookup_hash, mask_id, mask_mobile
from .queries import groups_of
from .services import duplicate_message, set_identity, set_name

KEY = "members"
LOOKUP_CHUNK = 1000
WRITE_BATCH = 1000
MEMBER_UNION_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)


@dataclass
class _Planned:
    row: Row
    union: Org
    data: dict[str, Any]
    existing: Member | None = None  # a member of the row's union, matched by ID number
    changes: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Counts:
    creates: int = 0
    updates: int = 0
    unchanged: int = 0


def _counts(items: list[_Planned]) -> _Counts:
    counts = _Counts()
    for planned in items:
        if planned.existing is None:
            counts.creates += 1
        elif planned.changes:
            counts.updates += 1
        else:
            counts.unchanged += 1
    return counts


class MemberImport(ImportKind):
    key = KEY
    title = gettext_lazy("会员")
    sheet_name = SHEET_NAME
    audit_action = "member.import"
    columns = import_files.columns()
    notes = import_files.NOTES
    max_rows = 50000
    id_columns = ("id_number", "mobile")
    preview_headers = (gettext_lazy("工会"), gettext_lazy("姓名"), gettext_lazy("导入后"))

    # --- who and where ---
    def may_import(self, user: Any, org: Org | str) -> bool:
        return in_scope(user, org, MEMBER_CHANGE_ROLES)

    def may_reveal(self, user: Any, org: Org) -> bool:
        return in_scope(user, org, MEMBER_REVEAL_ROLES)

    def accepts_union(self, org: Org) -> bool:
        return org.kind in MEMBER_UNION_KINDS and org.is_active

    def list_url(self, job: ImportJob) -> str:
        return f"{reverse('members:list')}?union={job.org_id}"

    # --- the template ---
    def template_columns(self, org: Org) -> list[Column]:
        # A grassroots union's file needs no 工会 column: its rows are its own.
        return list(self.columns) if self.accepts_union(org) else self.all_columns()

    def lists(self, org: Org, options: dict[str, Any]) -> dict[str, list[str]]:
        return {"group": [g.name for g in groups_of(org)]} if self.accepts_union(org) else {}

    def match_header(self, header: str) -> str | None:
        if self.union_column and header == import_files.UNION_HEADER:
            return UNION_KEY
        return KEY_BY_HEADER.get(header)

    def mask_of(self, key: str) -> Any:
        return mask_mobile if key == "mobile" else mask_id

    # --- checking ---
    def prepare(self, ctx: Context, unions: list[Org]) -> None:
        ctx.state["groups"] = {}  # union id -> {group name: group}, loaded when a row names it
        ctx.state["first_row_of"] = {}  # id hash -> the first row carrying it

    def _groups(self, ctx: Context, union: Org) -> dict[str, Org]:
        groups: dict[int, dict[str, Org]] = ctx.state["groups"]
        if union.pk not in groups:
            groups[union.pk] = {g.name: g for g in groups_of(union)}
        return groups[union.pk]

    def check_row(self, ctx: Context, row: Row) -> _Planned | None:
        assert row.union is not None
        raw = dict(row.cells)
        # 16+ digits typed as a number: Excel keeps 15 significant digits, the rest are gone.
        float_id = mangled_number(raw.get("id_number"))
        if float_id:
            row.id_number("id_number")
            raw["id_number"] = None
        result = rows.clean_row(raw, groups=self._groups(ctx, row.union), today=ctx.today)
        number = result.data.get("id_number")
        if number == EXAMPLE_ID:
            return None  # the template's example, left in a file
        for header, message in result.errors:
            key = KEY_OF_ERROR_HEADER.get(header, header)
            if not (float_id and key == "id_number"):
                row.error(key, message)
        if number and not float_id:
            first_row_of: dict[str, int] = ctx.state["first_row_of"]
            digest = lookup_hash(number)
            if digest in first_row_of:
                row.error("id_number", _("与第%(row)s行的身份证号重复。") % {"row": first_row_of[digest]})
            else:
                first_row_of[digest] = row.number
        if row.errors:
            return None
        result.data["union"] = row.union
        return _Planned(row=row, union=row.union, data=result.data)

    def finish(self, ctx: Context, scan: Any) -> None:
        """Numbers already registered: an update in the row's union, an error anywhere else."""
        planned_by_hash = {lookup_hash(p.data["id_number"]): p for p in scan.items}
        digests = list(planned_by_hash)
        rejected: set[int] = set()
        for start in range(0, len(digests), LOOKUP_CHUNK):
            chunk = digests[start : start + LOOKUP_CHUNK]
            for existing in Member.objects.filter(id_hash__in=chunk).select_related("org"):
                planned = planned_by_hash[existing.id_hash]
                if existing.org.path.startswith(planned.union.path):
                    planned.existing = existing
                    present = set(planned.row.positions) - {UNION_KEY}
                    planned.changes = _changes(existing, planned.data, present)
                else:
                    planned.row.error("id_number", duplicate_message(existing, ctx.actor))
                    scan.reject(planned.row.number, planned.row.errors)
                    rejected.add(planned.row.number)
        if rejected:
            scan.items = [p for p in scan.items if p.row.number not in rejected]

    def summary(self, ctx: Context, scan: Any) -> str:
        counts = _counts(scan.items)
        return _("共%(total)s行：可新增%(created)s人，更新%(updated)s人，无变化%(same)s人") % {
            "total": scan.total_rows, "created": counts.creates, "updated": counts.updates,
            "same": counts.unchanged,
        }  # fmt: skip

    def preview_of(self, item: _Planned) -> list[str]:
        outcome = _("新增") if item.existing is None else _("更新") if item.changes else _("无变化")
        return [item.union.name, item.data["name"], outcome]

    # --- writing ---
    def write(self, ctx: Context, items: list[_Planned]) -> int:
        new_members, updates = _prepare(items, union=ctx.org, today=ctx.today)
        created, updated = _write(union=ctx.org, actor=ctx.actor, new_members=new_members, updates=updates)
        ctx.state["written"] = {"created": created, "updated": updated, "unchanged": _counts(items).unchanged}
        return created + updated

    def audit_after(self, ctx: Context, items: list[_Planned]) -> dict[str, Any]:
        return dict(ctx.state.get("written", {}))

    def done_message(self, ctx: Context, count: int) -> str:
        written = ctx.state.get("written", {})
        return _("导入完成：新增%(created)s人，更新%(updated)s人，无变化%(same)s人。") % {
            "created": written.get("created", 0), "updated": written.get("updated", 0),
            "same": written.get("unchanged", 0),
        }  # fmt: skip


def _prepare(
    items: list[_Planned], *, union: Org, today: dt.date
) -> tuple[list[Member], list[tuple[Member, tuple[str, ...]]]]:
    """Build the rows to write (pinyin, encryption) outside the transaction: the new members, and
    the changed ones with the fields (attnames) that changed."""
    new_members: list[Member] = []
    updates: list[tuple[Member, tuple[str, ...]]] = []
    now = timezone.now()
    for planned in items:
        data = planned.data
        if planned.existing is None:
            join_date = data["join_date"] or today
            member = Member(
                org_id=(data["group"] or data.get("union") or union).pk, sex=data["sex"], ethnicity=data["ethnicity"],
                birth_date=data["birth_date"], mobile=data["mobile"], political=data["political"],
                education=data["education"], position=data["position"], join_date=join_date,
                card_number=data["card_number"], employment=data["employment"],
                hardship_level=data["hardship_level"], hardship_cert_no=data["hardship_cert_no"],
                single_parent=data["single_parent"], model_worker_level=data["model_worker_level"],
                status=data["status"], status_date=join_date, created_at=now, updated_at=now,
            )  # fmt: skip
            set_name(member, data["name"])
            set_identity(member, data["id_number"])
            member._import_union_id = (data.get("union") or union).pk  # type: ignore[attr-defined]
            new_members.append(member)
        elif planned.changes:
            member = planned.existing
            fields = set(planned.changes)
            for name, value in planned.changes.items():
                setattr(member, name, value)
            if "name" in planned.changes:
                set_name(member, planned.changes["name"])
                fields.update(("name_pinyin", "name_initials"))
            member.updated_at = now
            fields.add("updated_at")
            updates.append((member, tuple(sorted(fields))))
    return new_members, updates


def _write(
    *,
    union: Org,
    actor: User | None,
    new_members: list[Member],
    updates: list[tuple[Member, tuple[str, ...]]],
) -> tuple[int, int]:
    """Insert the new members and their 入会 events, update the changed ones (inside the caller's
    transaction)."""
    created = 0
    actor_id = actor.pk if actor is not None else None
    for start in range(0, len(new_members), WRITE_BATCH):
        batch = new_members[start : start + WRITE_BATCH]
        _insert(Member, batch)
        ids = dict(Member.objects.filter(id_hash__in=[m.id_hash for m in batch]).values_list("id_hash", "id"))
        changes = []
        for member in batch:
            member.pk = ids[member.id_hash]
            member._state.adding = False
            changes.append(
                MembershipChange(
                    member_id=member.pk,
                    org_id=getattr(member, "_import_union_id", union.pk),
                    change_type=ChangeType.JOIN,
                    date=cast(dt.date, member.join_date),  # set by _prepare
                    status_before="",
                    status_after=member.status,
                    actor_id=actor_id,
                )
            )
        _insert(MembershipChange, changes)
        created += len(batch)
    by_fields: dict[tuple[str, ...], list[Member]] = {}
    for member, fields in updates:
        by_fields.setdefault(fields, []).append(member)
    for fields, members in by_fields.items():
        for start in range(0, len(members), WRITE_BATCH):
            _update(Member, members[start : start + WRITE_BATCH], fields)
    return created, len(updates)


# Module names the tests patch: the fast writers shared by every import (core.imports.bulk).
_insert = bulk.insert
_update = bulk.update


MEMBERS = kinds.register(MemberImport())
