"""A congress term's delegates as a poll's electorate: the source registered with
`core.electorates` in CongressConfig.ready(), so the voting app need not import congress."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from gonghui.core import electorates
from gonghui.core.models import Org

from .models import CongressTerm, Delegate


def union_terms(org: Org) -> QuerySet[CongressTerm]:
    """The union's terms, newest first."""
    return CongressTerm.objects.filter(org=org).order_by("-number")


def delegate_member_ids(term: CongressTerm) -> QuerySet[Delegate, Any]:
    """The member ids of the term's active delegates (a subquery for the caller)."""
    return Delegate.objects.filter(term=term, active=True).values("member_id")


SOURCE = electorates.Source("term", bodies=union_terms, member_ids=delegate_member_ids)
