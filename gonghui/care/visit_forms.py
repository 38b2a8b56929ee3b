"""Forms of condolence visits (慰问), standards and "五必访" reports (labels in Chinese)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.core.params import int_list
from gonghui.core.uploads import ImageUploadField
from gonghui.members.enums import MemberStatus

from . import occasions
from .enums import LifeEventKind, PaymentMethod, SpendingCategory
from .forms import DATE, MemberChoiceField

MONEY: dict[str, Any] = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0")}


class CondolenceStandardForm(BootstrapMixin, forms.Form):
    occasion = forms.ChoiceField(label=_("慰问事由"), choices=())
    amount = forms.DecimalField(label=_("慰问金标准(元/人)"), required=False, **MONEY)
    gift = forms.CharField(label=_("慰问品"), required=False, max_length=100)
    gift_value = forms.DecimalField(label=_("慰问品价值(元/人)"), required=False, **MONEY)
    annual_cap = forms.DecimalField(label=_("每人每年上限(元)"), required=False, **MONEY)

    def __init__(self, *args: Any, union: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["occasion"].choices = occasions.choices_for([union] if union is not None else [])  # type: ignore[attr-defined]


class OccasionForm(BootstrapMixin, forms.Form):
    """A union's own 慰问事由; the flags say how the figures count it."""

    name = forms.CharField(label=_("慰问事由"), max_length=40)
    category = forms.ChoiceField(label=_("支出科目"), choices=SpendingCategory.choices,
                                 initial=SpendingCategory.CONDOLENCE)  # fmt: skip
    festival = forms.BooleanField(label=_("节日慰问（计入节日走访慰问离退休老同志）"), required=False)
    retirees = forms.BooleanField(label=_("慰问离退休老同志（计入走访慰问离退休老同志）"), required=False)
    hospital = forms.BooleanField(label=_("看望住院"), required=False)
    bereavement = forms.BooleanField(label=_("丧事慰问"), required=False)


class VisitForm(BootstrapMixin, forms.Form):
    """A visit of the members listed (ids from the due-list) plus, optionally, all members of the
    union matching a filter (e.g. every retiree of the school)."""

    org: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label=_("工会"), queryset=None)
    occasion = forms.ChoiceField(label=_("慰问事由"), choices=())
    visited_on = forms.DateField(label=_("慰问日期"), widget=DATE)
    members: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label=_("慰问对象"), queryset=None, required=False, widget=forms.MultipleHiddenInput
    )
    add_status = forms.ChoiceField(
        label=_("按条件添加会员"),
        required=False,
        choices=[("", _("不添加")), (MemberStatus.RETIRED, _("全部离退休会员")),
                 (MemberStatus.ACTIVE, _("全部在会会员"))],
    )  # fmt: skip
    amount_each = forms.DecimalField(label=_("每人慰问金(元)"), required=False, **MONEY)
    gift = forms.CharField(label=_("慰问品"), required=False, max_length=100)
    gift_value = forms.DecimalField(label=_("慰问品价值(元/人)"), required=False, **MONEY)
    i_visited = forms.BooleanField(label=_("我参加了慰问"), required=False, initial=True)
    visitor_names = forms.CharField(label=_("其他慰问人"), required=False, max_length=200)
    notes = forms.CharField(label=_("慰问情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    reports = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, unions: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = unions  # type: ignore[attr-defined]
        self.fields["members"].queryset = members  # type: ignore[attr-defined]
        # The occasions of the user's unions (the system's, theirs and their superiors'); the
        # service checks the chosen one is the visiting union's.
        self.fields["occasion"].choices = [("", "---------"), *occasions.choices_for(unions)]  # type: ignore[attr-defined]
        self.fields["amount_each"].help_text = _("留空则按本工会该事由的标准。")

    def report_ids(self) -> list[int]:
        raw = self.cleaned_data.get("reports") or ""
        return int_list(raw.split(","))


class VisitApproveForm(BootstrapMixin, forms.Form):
    override_reason = forms.CharField(label=_("特批理由(超标准时填写)"), required=False, max_length=200)


class VisitRecordForm(BootstrapMixin, forms.Form):
    method = forms.ChoiceField(label=_("发放方式"), choices=PaymentMethod.choices)
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)


class VisitCancelForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("取消原因"), max_length=200)


class PhotoForm(BootstrapMixin, forms.Form):
    photo = ImageUploadField(label=_("照片"))


class ReportForm(BootstrapMixin, forms.Form):
    member = MemberChoiceField(label=_("会员"), queryset=None)
    kind = forms.ChoiceField(label=_("事由"), choices=LifeEventKind.choices)
    event_on = forms.DateField(label=_("日期"), widget=DATE)
    place = forms.CharField(label=_("医院/地点"), required=False, max_length=100)
    note = forms.CharField(label=_("情况说明"), required=False, max_length=200)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
