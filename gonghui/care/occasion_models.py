"""慰问事由 as a table (issue 12 §2): the occasions a union visits on are its own, not a fixed list.

The system's list (org empty, seeded from `enums.Occasion` by migration) is every union's; a
union adds its own (育龄女职工, 三八节, 妇女病…), which its subordinate unions inherit. A visit
and a standard name their occasion by `code` (unique across the table, so a figure can follow a
code wherever it was recorded). What a figure needs to know about an occasion is a flag on its
row, not its name: `festival` (节日慰问: the 节日走访慰问离退休老同志 figure counts the retired
members visited on these), `retirees` (an occasion of visiting retirees, e.g. 重阳: the
走访慰问离退休老同志 figure counts the retired members visited on these), `hospital` (看望住院),
`bereavement` (丧事慰问); `category` is the budget line its cash is charged to. Both retiree
figures count members whose status is 离退休, never a serving member visited on the day.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy

from .enums import SpendingCategory


class VisitOccasion(models.Model):
    org = models.ForeignKey(
        Org, null=True, blank=True, on_delete=models.PROTECT, related_name="visit_occasions",
        verbose_name=_("工会"), help_text=_("为空：系统通用事由，各工会都可使用。"),
    )  # fmt: skip
    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("慰问事由"), max_length=40)
    category = models.CharField(
        _("支出科目"), max_length=20, choices=SpendingCategory.choices, default=SpendingCategory.CONDOLENCE
    )
    festival = models.BooleanField(_("节日慰问"), default=False)
    retirees = models.BooleanField(_("慰问离退休老同志"), default=False)
    hospital = models.BooleanField(_("看望住院"), default=False)
    bereavement = models.BooleanField(_("丧事慰问"), default=False)
    active = models.BooleanField(_("启用"), default=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=frozenset({Role.CHAIR, Role.VICE_CHAIR}), change=frozenset({Role.CHAIR})
    )

    class Meta:
        verbose_name = _("慰问事由")
        verbose_name_plural = _("慰问事由")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["org", "name"], name="care_occasion_name_per_union"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(org__isnull=True), name="care_occasion_name_system"
            ),
        ]

    def __str__(self) -> str:
        return self.name


def occasion_name(code: str) -> str:
    """The occasion's name, the code itself if it has no row."""
    name = VisitOccasion.objects.filter(code=code).values_list("name", flat=True).first()
    return name or code
