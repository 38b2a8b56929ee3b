"""Reads and writes of the 慰问事由 table (occasion_models.VisitOccasion).

ensure_system_occasions()                    the system list, created if missing
available(org) -> QuerySet                   the union's occasions: the system's, its own and
                                             its superior unions' (inherited down the tree)
choices_for(orgs) -> [(code, name)]          for forms and filters
is_available(org, code) -> bool
get(code) -> VisitOccasion | None
codes_flagged(flag) -> QuerySet of codes     festival / hospital / bereavement
occasion_create(*, actor, org, name, category, festival, hospital, bereavement) -> VisitOccasion
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from gonghui.core.access import may
from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service

from . import rules
from .enums import OCCASION_CATEGORY, Occasion, SpendingCategory
from .occasion_models import VisitOccasion

FLAGS = ("festival", "retirees", "hospital", "bereavement")
SYSTEM_FLAGS: dict[str, dict[str, bool]] = {
    Occasion.SPRING_FESTIVAL: {"festival": True, "retirees": True},
    Occasion.CHONGYANG: {"festival": True, "retirees": True},
    Occasion.HOSPITAL: {"hospital": True},
    Occasion.FUNERAL: {"bereavement": True},
}


@service(audited_elsewhere="restores the built-in list that migration care 0004 seeds; no one's data")
def ensure_system_occasions() -> None:
    """The system list (seeded by migration care 0004) exists: recreated if a flush removed it."""
    if VisitOccasion.objects.filter(org__isnull=True).exists():
        return
    for order, occasion in enumerate(Occasion, start=1):
        VisitOccasion.objects.get_or_create(
            code=occasion.value,
            defaults={"name": str(occasion.label), "category": OCCASION_CATEGORY[occasion], "order": order * 10,
                      **SYSTEM_FLAGS.get(occasion, {})},
        )  # fmt: skip


def _ancestors_q(orgs: Iterable[Org]) -> Q:
    """Rows of the system or of a union on the path of one of `orgs` (itself or above)."""
    q = Q(org__isnull=True)
    ids: set[int] = set()
    for org in orgs:
        ids |= {int(part) for part in org.path.strip("/").split("/") if part.isdigit()}
    return q | Q(org_id__in=ids) if ids else q


def available(org: Org) -> QuerySet[VisitOccasion]:
    ensure_system_occasions()
    return VisitOccasion.objects.filter(_ancestors_q([org]), active=True)


def choices_for(orgs: Iterable[Org]) -> list[tuple[str, str]]:
    """The occasions of any of `orgs` (a form's unions), system ones first."""
    ensure_system_occasions()
    rows = VisitOccasion.objects.filter(_ancestors_q(list(orgs)), active=True).order_by("order", "pk")
    return [(row.code, row.name) for row in rows]


def filter_choices(unions: QuerySet[Org]) -> list[tuple[str, str]]:
    """A list filter's occasions in one query: the system's and those of `unions` (the viewer's)."""
    rows = VisitOccasion.objects.filter(Q(org__isnull=True) | Q(org__in=unions.values("pk")), active=True)
    return [(row.code, row.name) for row in rows.order_by("order", "pk")]


def is_available(org: Org, code: str) -> bool:
    return bool(code) and available(org).filter(code=code).exists()


def get(code: str) -> VisitOccasion | None:
    ensure_system_occasions()
    return VisitOccasion.objects.filter(code=code).first()


def name_subquery() -> Subquery:
    """The occasion's name for each row of a visit list (annotated as `occasion_name`)."""
    return Subquery(VisitOccasion.objects.filter(code=OuterRef("occasion")).values("name")[:1])


def codes_flagged(flag: str) -> QuerySet[Any]:
    """The codes of the occasions with `flag` (a subquery for figures: no query of its own)."""
    assert flag in FLAGS
    return VisitOccasion.objects.filter(**{flag: True}).values("code")


@service
def occasion_create(
    *,
    actor: User | None,
    org: Org,
    name: str,
    category: str = SpendingCategory.CONDOLENCE,
    festival: bool = False,
    retirees: bool = False,
    hospital: bool = False,
    bereavement: bool = False,
) -> VisitOccasion:
    """A union's own occasion (e.g. 育龄女职工, 三八节, 妇女病), which its subordinate unions
    inherit; the chair sets it, like the standards."""
    if actor is not None and not may(actor, rules.STANDARDS_CHANGE, org):
        raise DomainError(_("只有工会主席可以设置慰问事由。"))
    name = (name or "").strip()[:40]
    if not name:
        raise DomainError(_("请填写慰问事由。"))
    if category not in SpendingCategory.values:
        raise DomainError(_("请选择支出科目。"))
    if available(org).filter(name=name).exists():
        raise DomainError(_("“%(name)s”已在本工会的慰问事由中。") % {"name": name})
    row = VisitOccasion(
        org=org, code=f"u{uuid.uuid4().hex[:12]}", name=name, category=category, festival=festival,
        retirees=retirees, hospital=hospital, bereavement=bereavement, created_by=actor,
    )  # fmt: skip
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as error:
        raise DomainError(_("“%(name)s”已在本工会的慰问事由中。") % {"name": name}) from error
    audit(action="care.occasion_create", actor=actor, org=org, obj=row,
          after={"name": name, "category": category, "festival": festival, "retirees": retirees,
                 "hospital": hospital, "bereavement": bereavement})  # fmt: skip
    return row
