"""Reads of the members app: the scoped, filtered, searchable list and the figures behind it."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from gonghui.core.access import in_scope, orgs_for, primary_org_id, scoped, visible
from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.models import Org

from . import pinyin
from .enums import AGE_BANDS, CURRENT_STATUSES, LEFT_STATUSES
from .models import MEMBER_CHANGE_ROLES, MEMBER_VIEW_ROLES, Member, Transfer
from .privacy import lookup_hash

# Columns a user may show in the list (key, label); the user's choice is kept in the session.
LIST_COLUMNS: list[tuple[str, str]] = [
    ("name", "姓名"), ("sex", "性别"), ("age", "年龄"), ("org", "所属组织"), ("id_masked", "身份证号"),
    ("mobile", "手机号"), ("political", "政治面貌"), ("education", "学历"), ("position", "工作岗位/职务"),
    ("employment", "用工类别"), ("join_date", "入会日期"), ("card_number", "会员证号"), ("status", "会籍状态"),
    ("flags", "标记"),
]  # fmt: skip
DEFAULT_COLUMNS = ["name", "sex", "age", "org", "mobile", "employment", "status", "flags"]
PAGE_SIZE = 50


def members_in(org: Org) -> QuerySet[Member]:
    """All members registered in `org`'s subtree (a union and its groups)."""
    return Member.objects.filter(org__path__under=org.path)


def unions_for(user: Any) -> QuerySet[Org]:
    """Unions (not groups) in which the user may see members: the list's union filter."""
    return orgs_for(user, MEMBER_VIEW_ROLES)


# The union filter lists at most this many unions; a superior officer with more in scope picks
# a union from the organisation tree (its page links to the union's member list).
UNION_OPTIONS = 500


@dataclass(frozen=True)
class UnionOption:
    pk: int
    name: str
    path: str


def union_options(
    unions: QuerySet[Org], *, chosen: int | None
) -> tuple[list[UnionOption], UnionOption | None, bool]:
    """The unions for the list's filter (first UNION_OPTIONS by name of `unions`, those where the
    user may see members: `unions_for`), the chosen one if among them (looked up on its own when
    it is not among those listed), and whether the list was cut short."""
    listed = [UnionOption(*row) for row in unions.values_list("id", "name", "path")[: UNION_OPTIONS + 1]]
    truncated = len(listed) > UNION_OPTIONS
    listed = listed[:UNION_OPTIONS]
    if chosen is None:
        return listed, None, truncated
    found = next((u for u in listed if u.pk == chosen), None)
    if found is None and truncated:
        row = unions.filter(pk=chosen).values_list("id", "name", "path").first()
        if row is not None:
            found = UnionOption(*row)
            listed.append(found)
    return listed, found, truncated


def group_options(union_id: int) -> list[tuple[int, str]]:
    """The active groups of a union, (id, name) by name."""
    groups = Org.objects.filter(parent_id=union_id, kind=OrgKind.GROUP, status=OrgStatus.ACTIVE)
    return list(groups.order_by("name").values_list("id", "name"))


def is_full_id(text: str) -> bool:
    return bool(re.fullmatch(r"\d{17}[\dXx]|\d{15}", text.strip()))


def search_q(text: str) -> Q:
    """Chinese name, full pinyin or initials (prefix), phone tail, member number or full ID."""
    text = text.strip()
    if not text:
        return Q()
    if is_full_id(text):
        from . import idcard

        try:
            return Q(id_hash=lookup_hash(idcard.parse(text).number))
        except idcard.IdNumberError:
            return Q(pk__in=[])
    if text.isdigit():
        q = Q(card_number=text)
        if len(text) >= 4:
            # mobile_tail (indexed) finds the candidates; endswith checks longer tails.
            q |= Q(mobile_tail=text[-4:], mobile__endswith=text)
        return q
    if re.fullmatch(r"[A-Za-z]+( [A-Za-z]+)*", text):
        # The sort key separates syllables ("li xiao ming"): a run-together search is matched by
        # the spaced forms it can mean, each an indexed prefix.
        lowered = text.lower()
        q = Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
        for spaced in pinyin.spaced_prefixes(lowered.replace(" ", "")):
            q |= Q(name_pinyin__startswith=spaced)
        return q
    return Q(name__contains=text) | Q(card_number=text)


@dataclass
class MemberFilters:
    union: Org | UnionOption | None = None
    group: Org | int | None = None  # a group of `union` (or its id)
    status: str = ""
    employment: str = ""
    flag: str = ""
    age_band: str = ""
    join_year: int | None = None
    q: str = ""
    # The day ages are reckoned on (a figure's period end); today when None.
    age_on: dt.date | None = None


def filtered(
    user: Any, filters: MemberFilters, *, today: dt.date, members: QuerySet[Member] | None = None
) -> QuerySet[Member]:
    """The members `user` may see matching `filters`; `members`: those already scoped (a view's
    `request.access.visible(...)`)."""
    queryset = visible(Member.objects.all(), user) if members is None else members
    if filters.union is not None:
        queryset = queryset.filter(org__path__under=filters.union.path)
    if filters.group is not None:
        queryset = queryset.filter(org=filters.group)
    if filters.status == "current":
        queryset = queryset.filter(status__in=CURRENT_STATUSES)
    elif filters.status == "left":
        queryset = queryset.filter(status__in=LEFT_STATUSES)
    elif filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.employment:
        queryset = queryset.filter(employment=filters.employment)
    flag_filters = {
        "hardship": ~Q(hardship_level=""),
        "severe": Q(hardship_level="severe"),
        "single_parent": Q(single_parent=True),
        "model_worker": ~Q(model_worker_level=""),
        "female": Q(sex="2"),
    }
    if filters.flag in flag_filters:
        queryset = queryset.filter(flag_filters[filters.flag])
    if filters.age_band:
        today = filters.age_on or today
        for low, high, label in AGE_BANDS:
            if label == filters.age_band:
                # Born after (today - high years) and on/before (today - low years).
                queryset = queryset.filter(
                    birth_date__gt=_years_ago(today, high), birth_date__lte=_years_ago(today, low)
                )
    if filters.join_year:
        queryset = queryset.filter(join_date__year=filters.join_year)
    if filters.q:
        queryset = queryset.filter(search_q(filters.q))
    return queryset


def _years_ago(today: dt.date, years: int) -> dt.date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def page(queryset: QuerySet[Member], number: int, *, size: int = PAGE_SIZE) -> tuple[list[Member], bool]:
    """One page in pinyin order, plus whether another follows: no COUNT over a million rows.

    Ordered by (name_pinyin, id), which an index serves; OFFSET stays cheap for the first
    hundreds of pages, and the search box is how people reach anyone further down.
    """
    start = (number - 1) * size
    rows = list(queryset.select_related("org").order_by("name_pinyin", "id")[start : start + size + 1])
    return rows[:size], len(rows) > size


def groups_of(union: Org) -> QuerySet[Org]:
    return union.children.filter(kind=OrgKind.GROUP, status=OrgStatus.ACTIVE).order_by("name")


def history(member: Member) -> QuerySet[Any]:
    return member.changes.select_related("org", "actor").order_by("-date", "-id")


def transfer_targets(union: Org) -> QuerySet[Org]:
    """Where a member of `union` may transfer: the unions of the same superior union (names only,
    no member data of theirs)."""
    parent_path = union.parent.path if union.parent else union.path
    return (
        Org.objects.filter(
            path__under=parent_path, kind__in=[OrgKind.GRASSROOTS, OrgKind.JOINT], status=OrgStatus.ACTIVE
        )
        .exclude(pk=union.pk)
        .order_by("name")
    )


def export_org(user: Any, union: Org | UnionOption | None) -> Org:
    """The union an export is filed under: the chosen one, else the user's most senior role's."""
    if union is not None:
        return Org.objects.get(pk=union.pk)
    home = primary_org_id(user)
    if home is not None:
        return Org.objects.get(pk=home)
    return Org.objects.filter(parent__isnull=True).order_by("path")[0]  # a superuser without roles


def own_records(user: Any) -> QuerySet[Member]:
    """The member records of this account (self-service, "我的会员信息")."""
    return Member.objects.filter(user=user).select_related("org")


def transfers_out(user: Any) -> QuerySet[Transfer]:
    return visible(Transfer.objects.all(), user).select_related("member", "from_org", "to_org")


def incoming_transfers(user: Any) -> QuerySet[Transfer]:
    """Transfers waiting for a union the user may change members in (the receiving side)."""
    waiting = Transfer.objects.filter(state="requested")
    return scoped(waiting, user, MEMBER_CHANGE_ROLES, path_lookup="to_org__path").select_related(
        "member", "from_org", "to_org"
    )


def may_decide(user: Any, transfer: Transfer) -> bool:
    return transfer.to_org is not None and in_scope(user, transfer.to_org, MEMBER_CHANGE_ROLES)
