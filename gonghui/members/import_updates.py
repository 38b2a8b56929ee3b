"""What re-importing a registered member changes: only the columns the file has; blank dates and
groups keep what is registered; sex and birth date follow the (matching) ID number."""

from __future__ import annotations

from typing import Any

from .enums import Employment
from .models import Member

# Fields an update may change, by the column that carries them. Sex and birth date come from the
# ID number (which matched), status changes go through the status machine, never through import.
UPDATE_FIELDS_BY_KEY: dict[str, tuple[str, ...]] = {
    "name": ("name", "name_pinyin", "name_initials"),
    "ethnicity": ("ethnicity",),
    "mobile": ("mobile",),
    "political": ("political",),
    "education": ("education",),
    "position": ("position",),
    "join_date": ("join_date",),
    "card_number": ("card_number",),
    "employment": ("employment",),
    "group": ("org",),
    "hardship_level": ("hardship_level",),
    "hardship_cert_no": ("hardship_cert_no",),
    "single_parent": ("single_parent",),
    "model_worker_level": ("model_worker_level",),
}
ALWAYS_UPDATED = ("sex", "birth_date")


def changes_of(member: Member, data: dict[str, Any], present: set[str]) -> dict[str, Any]:
    """The fields of `member` the row changes (only columns the file has; blanks keep dates/groups)."""
    wanted: dict[str, Any] = {name: data[name] for name in ALWAYS_UPDATED}
    for key in present:
        for name in UPDATE_FIELDS_BY_KEY.get(key, ()):
            if name in ("name_pinyin", "name_initials"):
                continue
            if name == "org":
                if data["group"] is not None:
                    wanted["org_id"] = data["group"].pk
            elif name == "join_date":
                if data["join_date"] is not None:
                    wanted["join_date"] = data["join_date"]
            else:
                wanted[name] = data[name]
    if "migrant" in present and "employment" not in present and data["employment"] == Employment.MIGRANT:
        wanted["employment"] = Employment.MIGRANT
    return {name: value for name, value in wanted.items() if getattr(member, name) != value}
