"""Forms of the annual summary: which union, period and scope to draft; a paragraph's text."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import SUPERIOR_KINDS
from gonghui.core.forms import SafeTextMixin
from gonghui.core.models import Org

from .models import PeriodKind

AUTO, SUBTREE, OWN = "auto", "subtree", "own"


class SummaryCreateForm(SafeTextMixin, forms.Form):
    org = forms.ModelChoiceField(label=_("工会"), queryset=Org.objects.none())
    period_kind = forms.ChoiceField(
        label=_("统计口径"), choices=PeriodKind.choices, initial=PeriodKind.CALENDAR
    )
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    scope = forms.ChoiceField(
        label=_("统计范围"),
        required=False,
        choices=[
            (AUTO, _("按工会层级（上级工会含下级工会）")),
            (SUBTREE, _("含下级工会")),
            (OWN, _("仅本级")),
        ],
        initial=AUTO,
    )

    def __init__(self, *args: Any, orgs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = orgs  # type: ignore[attr-defined]
        self.fields["year"].initial = timezone.localdate().year

    def clean(self) -> dict[str, Any]:
        """`subtree`: a superior union's summary counts its whole subtree unless "仅本级" is
        chosen (its own records alone would leave out every subordinate union's work); a
        grassroots union's counts itself unless "含下级工会" is chosen."""
        data = super().clean() or {}
        org, scope = data.get("org"), data.get("scope") or AUTO
        if scope == AUTO:
            data["subtree"] = org is not None and org.kind in SUPERIOR_KINDS
        else:
            data["subtree"] = scope == SUBTREE
        return data


class ParagraphForm(SafeTextMixin, forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)


class PlanForm(SafeTextMixin, forms.Form):
    items = forms.CharField(
        label=_("下一年工作打算（每行一项）"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )


class GuidingIdeasForm(SafeTextMixin, forms.Form):
    text = forms.CharField(label=_("指导思想"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)


class WorkPlanItemForm(SafeTextMixin, forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class MonthlyActivityForm(SafeTextMixin, forms.Form):
    month = forms.IntegerField(label=_("月份"), min_value=1, max_value=12)
    text = forms.CharField(label=_("活动安排"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
