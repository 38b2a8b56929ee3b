"""The member list's rows: fetched as plain values and rendered to HTML here.

The list is the registry's busiest page. Model instances, a template loop and a tag call per
cell cost many times the query that fetches the rows (see `make bench`), so the rows come as
dicts of exactly the columns shown and each row is one string format. Every value is escaped;
personal data leaves this module masked (`id_masked` is stored masked, mobiles are masked here).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .models import Member
from .privacy import mask_mobile

PAGE_SIZE = 50
PLACEHOLDER = 987654321

# The database fields each list column needs (keys of queries.LIST_COLUMNS).
COLUMN_FIELDS: dict[str, tuple[str, ...]] = {
    "name": ("name",),
    "sex": ("sex",),
    "age": ("birth_date",),
    "org": ("org__name",),
    "id_masked": ("id_masked",),
    "mobile": ("mobile",),
    "political": ("political",),
    "education": ("education",),
    "position": ("position",),
    "employment": ("employment",),
    "join_date": ("join_date",),
    "card_number": ("card_number",),
    "status": ("status",),
    "flags": ("hardship_level", "single_parent", "model_worker_level"),
}


@lru_cache(maxsize=64)
def labels(language: str, field: str) -> dict[str, str]:
    """A field's choice labels as plain strings, built once per language."""
    return {str(value): str(label) for value, label in Member._meta.get_field(field).flatchoices}  # type: ignore[union-attr]


def _age(row: dict[str, Any], today: dt.date) -> str:
    born = row["birth_date"]
    if born is None:
        return ""
    return str(today.year - born.year - ((today.month, today.day) < (born.month, born.day)))


def _date(value: dt.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def _flags(row: dict[str, Any], language: str) -> str:
    flags = []
    if row["hardship_level"]:
        flags.append(labels(language, "hardship_level").get(row["hardship_level"], ""))
    if row["single_parent"]:
        flags.append("单亲")
    if row["model_worker_level"]:
        flags.append(labels(language, "model_worker_level").get(row["model_worker_level"], ""))
    return escape(" ".join(flags))


Cell = Callable[[dict[str, Any]], str]
WRAPPING = frozenset({"org", "position", "flags"})  # long values: the only columns that may wrap


def _cells(columns: Iterable[str], today: dt.date, language: str, detail: str) -> list[Cell]:
    """One function per column turning a row into its escaped cell HTML."""

    def choice(field: str) -> Cell:
        names = labels(language, field)
        return lambda row: escape(names.get(row[field], row[field] or ""))

    def plain(field: str) -> Cell:
        return lambda row: escape(row[field] or "")

    special: dict[str, Cell] = {
        "name": lambda row: (
            f'<a href="{detail.replace(str(PLACEHOLDER), str(row["id"]))}">{escape(row["name"])}</a>'
        ),
        "age": lambda row: _age(row, today),
        "org": lambda row: escape(row["org__name"]),
        "mobile": lambda row: mask_mobile(row["mobile"]),
        "join_date": lambda row: _date(row["join_date"]),
        "flags": lambda row: _flags(row, language),
    }
    choices = {"sex", "political", "education", "employment", "status"}
    return [special.get(c) or (choice(c) if c in choices else plain(c)) for c in columns]


def fetch(
    queryset: QuerySet[Member], columns: list[str], number: int, *, size: int = PAGE_SIZE
) -> tuple[list[dict[str, Any]], bool]:
    """One page of rows (dicts of the columns' fields) in pinyin order, and whether another follows.

    Ordered by (name_pinyin, id), which an index serves; no COUNT over a million rows."""
    fields = {"id", "name"}
    for column in columns:
        fields.update(COLUMN_FIELDS[column])
    start = (number - 1) * size
    rows = list(queryset.order_by("name_pinyin", "id").values(*sorted(fields))[start : start + size + 1])
    return rows[:size], len(rows) > size


def render(rows: list[dict[str, Any]], columns: list[str], *, today: dt.date, selectable: bool) -> SafeString:
    """The <tr> elements of the table body."""
    # One reverse() for the page: the detail URL of a placeholder id, the real id put in per row.
    detail = reverse("members:detail", args=[PLACEHOLDER])
    cells = _cells(columns, today, get_language() or "", detail)
    # Chinese text may break between any two characters: on a phone the table (which scrolls
    # sideways) would squeeze a name to one character per line. Short values never wrap; long
    # ones wrap but keep a few characters per line.
    opens = [
        '<td class="min-w-8rem">' if column in WRAPPING else '<td class="text-nowrap">' for column in columns
    ]
    lines = []
    for row in rows:
        check = (
            f'<td><input type="checkbox" class="form-check-input member-check" value="{row["id"]}" '
            f'aria-label="{escape(row["name"])}"></td>'
            if selectable
            else ""
        )
        lines.append(
            "<tr>"
            + check
            + "".join(f"{td}{cell(row)}</td>" for td, cell in zip(opens, cells, strict=True))
            + "</tr>"
        )
    return mark_safe("\n".join(lines))  # every value above is escaped
