"""Drill-down: from a figure to exactly the records behind it (DESIGN.md §6).

A fact links to an app's list page with the union and the period it was computed for:
`?union=<org id>&from=<ISO date>&to=<ISO date>` (+ `subtree=0` for the union alone, + the page's
own filters). The list page reads those with `Drilldown.from_request`, narrows its already
access-scoped queryset with `Drilldown.narrow`, and shows the banner `core/_drilldown.html` with
the number of rows, which is the fact's `record_count`. One parameter set for every app, so the
facts, the banner and the tests speak the same language.

The union must lie in the user's scope (404 otherwise, like any foreign object); narrowing never
widens what the access helpers already allow.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import access_of, deny, require_roles
from .enums import OrgKind, Role
from .facts import Period
from .models import Org
from .params import int_param

PARAMS = ("union", "from", "to", "subtree")

# Who may open a list page for a union, by URL name; apps register the pages whose rule is
# narrower than "has a role covering the union" (e.g. care lists need the 生活 portfolio).
Guard = Callable[[Any, Org | None], bool]
_GUARDS: dict[str, Guard] = {}


def guard(url_name: str, check: Guard) -> None:
    _GUARDS[url_name] = check


class Linker:
    """Links from figures for one user: `linker(url)` is `url` if the user may open it, else ""
    (the figure is then shown without a link rather than as a link to a 403). A page without a
    registered guard keeps its own scoping. The unions are looked up once per Linker, so a
    dashboard of sixty figures costs one query per distinct union."""

    def __init__(self, user: Any) -> None:
        self.user = user
        self._orgs: dict[str, Org | None] = {}

    def __call__(self, link: str) -> str:
        if not link or not link.startswith("/"):
            return ""
        parts = urlsplit(link)
        try:
            name = resolve(parts.path).view_name
        except Resolver404:
            return ""
        check = _GUARDS.get(name)
        if check is None or getattr(self.user, "is_superuser", False):
            return link
        raw = parse_qs(parts.query).get("union", [""])[0]
        if raw not in self._orgs:
            org_id = int_param(raw)
            self._orgs[raw] = Org.objects.filter(pk=org_id).first() if org_id is not None else None
        return link if check(self.user, self._orgs[raw]) else ""


def url(name: str, org: Org, period: Period | None = None, *, subtree: bool = True, **params: Any) -> str:
    """The list page `name` narrowed to `org` (and its subtree) and `period`, plus `params`."""
    query: dict[str, Any] = {"union": org.pk}
    if period is not None:
        query["from"], query["to"] = period.start.isoformat(), period.end.isoformat()
    if not subtree:
        query["subtree"] = "0"
    query.update({k: v for k, v in params.items() if v not in (None, "")})
    return f"{reverse(name)}?{urlencode(query, doseq=True)}"  # a list value repeats its key


def _date(raw: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def day_start(day: dt.date) -> dt.datetime:
    """The first instant of `day` in the current time zone."""
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


@dataclass(frozen=True)
class Drilldown:
    org: Org | None = None
    subtree: bool = True
    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def from_request(
        cls, request: HttpRequest, *, roles: Any = None, union_param: str = "union"
    ) -> Drilldown:
        """Read `?union=&from=&to=&subtree=`; a union outside the user's scope for `roles` (any
        role when None) is refused as missing (404). Inside it, the page's registered guard must
        allow the union too, else 403 (audited): the same rule that hides the figure's link.
        Unreadable dates are ignored, not guessed."""
        user: Any = request.user
        raw = request.GET.get(union_param, "")
        org = None
        if raw:
            org_id = int_param(raw)
            org = Org.objects.filter(pk=org_id).first() if org_id is not None else None
            access = access_of(request)  # the page's other checks share the scopes
            if org is None or not access.may(Role.values if roles is None else roles, org):
                deny(user, request=request, what=f"core.org:{raw}")
            match = getattr(request, "resolver_match", None)
            check = _GUARDS.get(match.view_name) if match is not None else None
            if check is not None and not access.unrestricted and not check(user, org):
                require_roles(user, frozenset(), request=request, what=f"core.org:{org.pk}")
        start, end = _date(request.GET.get("from", "")), _date(request.GET.get("to", ""))
        return cls(org, request.GET.get("subtree", "1") != "0", start, end)

    @property
    def active(self) -> bool:
        return self.org is not None or self.start is not None or self.end is not None

    def org_q(self, org_field: str = "org") -> Q:
        """Rows of the union's subtree, or of the union itself and its groups (subtree=0)."""
        if self.org is None:
            return Q()
        if self.subtree:
            return Q(**{f"{org_field}__path__under": self.org.path})
        return Q(**{org_field: self.org}) | Q(
            **{f"{org_field}__parent": self.org, f"{org_field}__kind": OrgKind.GROUP}
        )

    def date_q(self, date_field: str, *, is_datetime: bool = False) -> Q:
        """Rows dated in [start, end]; a datetime field is compared as a half-open instant range in
        the local time zone (cheaper than the date of every row, and exact at midnight)."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{date_field}__gte": day_start(self.start) if is_datetime else self.start})
        if self.end is not None:
            if is_datetime:
                q &= Q(**{f"{date_field}__lt": day_start(self.end + dt.timedelta(days=1))})
            else:
                q &= Q(**{f"{date_field}__lte": self.end})
        return q

    def narrow(
        self, queryset: QuerySet, *, org_field: str | None = "org", date_field: str | None = None,
        is_datetime: bool = False,
    ) -> QuerySet:  # fmt: skip
        if org_field is not None:
            queryset = queryset.filter(self.org_q(org_field))
        if date_field is not None:
            queryset = queryset.filter(self.date_q(date_field, is_datetime=is_datetime))
        return queryset

    def describe(self) -> str:
        """ "北浦县总工会(含下级单位) · 2025-01-01 至 2025-12-31" for the banner."""
        parts = []
        if self.org is not None:
            parts.append(self.org.name + (_("(含下级单位)") if self.subtree else _("(本级)")))
        if self.start or self.end:
            start = self.start.isoformat() if self.start else "…"
            end = self.end.isoformat() if self.end else "…"
            parts.append(_("%(start)s 至 %(end)s") % {"start": start, "end": end})
        return " · ".join(parts)

    def banner(self, request: HttpRequest, count: int) -> dict[str, Any]:
        """The context of `core/_drilldown.html`: what is shown, how many rows, and a link back to
        the page without the drill-down parameters (its other filters kept)."""
        rest = [
            (k, v) for k, values in request.GET.lists() for v in values if k not in PARAMS and k != "page"
        ]
        clear = request.path + (f"?{urlencode(rest)}" if rest else "")
        return {"active": self.active, "text": self.describe(), "count": count, "clear_url": clear}
