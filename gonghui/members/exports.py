"""The member list as Excel, built by the worker (core.exports): a county's list takes minutes
and must not hold a web worker. The page checks the export is allowed (the row count, the
reveal permission) and hands over its filters; the worker scopes the list to the requester
again, checks again, and `exporter.export_members` audits the export as it always did."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.exports.kinds import XLSX, Document, ExportKind, register
from gonghui.core.models import Org, User

from . import exporter, queries


def filters_to_params(filters: queries.MemberFilters) -> dict[str, Any]:
    """The list's filters as JSON values for the job row."""
    values = asdict(filters)
    values["union"] = filters.union.pk if filters.union is not None else None
    group = filters.group
    values["group"] = group.pk if isinstance(group, Org) else group
    values["age_on"] = filters.age_on.isoformat() if filters.age_on else None
    return values


def filters_from_params(values: dict[str, Any]) -> queries.MemberFilters:
    """The filters again, the union as it stands now (moved unions are followed by their id)."""
    union = None
    if values.get("union") is not None:
        row = Org.objects.filter(pk=values["union"]).values_list("id", "name", "path").first()
        if row is None:
            raise Org.DoesNotExist
        union = queries.UnionOption(*row)
    age_on = values.get("age_on")
    return queries.MemberFilters(**{
        **values, "union": union, "age_on": dt.date.fromisoformat(age_on) if age_on else None,
    })  # fmt: skip


def _members(actor: User, params: dict[str, Any]) -> Document:
    filters = filters_from_params(params["filters"])
    queryset = queries.filtered(actor, filters, today=timezone.localdate())
    reveal = bool(params.get("reveal"))
    exporter.export_allowed(actor, filters.union, queryset.count(), reveal=reveal)
    content = exporter.export_members(
        actor=actor, queryset=queryset, columns=list(params["columns"]), reveal=reveal, fmt=params["fmt"]
    )
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    return Document(content, _("会员名单-%(stamp)s.xlsx") % {"stamp": stamp}, XLSX)


MEMBERS = register(ExportKind("members.export", gettext_lazy("会员名单(Excel)"), _members))
