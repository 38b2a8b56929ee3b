"""Electorate sources: bodies of people another app keeps that a poll's electorate can be taken
from (a congress term's delegates), without the voting app importing that app.

The owning app registers a source in its `AppConfig.ready()`:

    electorates.register(electorates.Source(
        "term",
        bodies=lambda org: CongressTerm.objects.filter(org=org).order_by("-number"),
        member_ids=lambda term: Delegate.objects.filter(term=term, active=True).values("member_id"),
    ))

and voting asks `electorates.source("term")`: `bodies(org)` lists the union's bodies (their pk
and str() fill the electorate form's choice), `member_ids(body)` is a one-column queryset of
member ids, used as a subquery so taking the electorate stays one query.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from .models import Org


@dataclass(frozen=True)
class Source:
    key: str  # the electorate form's choice ("term")
    bodies: Callable[[Org], QuerySet[Any]]  # the union's bodies, in the order offered
    member_ids: Callable[[Any], QuerySet[Any]]  # the member ids of one body (a values() queryset)


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> Source:
    _SOURCES[source.key] = source
    return source


def source(key: str) -> Source | None:
    """The registered source, or None when the app that keeps it is not installed."""
    return _SOURCES.get(key)
