"""Forms of the rationalization suggestions (合理化建议): filter, submit, review actions, campaigns."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.core.models import Org

from .enums import SuggestionState
from .models import SuggestionCampaign

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SuggestionFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *SuggestionState.choices]
    )
    campaign = forms.ModelChoiceField(
        label=_("征集活动"),
        required=False,
        queryset=SuggestionCampaign.objects.none(),
        empty_label=_("全部活动"),
    )

    def __init__(self, *args: Any, campaigns: QuerySet[SuggestionCampaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]


class SuggestionForm(BootstrapMixin, forms.Form):
    union = forms.ModelChoiceField(label=_("所在工会"), queryset=Org.objects.none(), empty_label=None)
    campaign = forms.ModelChoiceField(
        label=_("征集活动"),
        required=False,
        queryset=SuggestionCampaign.objects.none(),
        empty_label=_("不参加活动"),
    )
    title = forms.CharField(label=_("标题"), max_length=120, error_messages={"required": _("请填写标题。")})
    body = forms.CharField(
        label=_("内容"),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("请填写建议内容。")},
    )
    anonymous = forms.BooleanField(
        label=_("匿名"), required=False, help_text=_("勾选后，审查人看不到您的姓名；您本人仍可查看。")
    )
    submitted_on = forms.DateField(
        label=_("提出日期"),
        widget=DATE,
        required=False,
        help_text=_("补录以前提出的建议时，填写当时的日期；统计按此日期计入年度。留空为今天。"),
        error_messages={"invalid": _("请填写有效的日期。")},
    )

    def __init__(
        self, *args: Any, unions: QuerySet[Org], campaigns: QuerySet[SuggestionCampaign], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
        self.fields["submitted_on"].initial = timezone.localdate()
        self.fields["submitted_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        if len(unions) == 1:
            self.fields["union"].initial = unions[0].pk
            self.fields["union"].widget = forms.HiddenInput()

    def clean_submitted_on(self) -> Any:
        day = self.cleaned_data["submitted_on"] or timezone.localdate()
        if day > timezone.localdate():
            raise forms.ValidationError(_("提出日期不能晚于今天。"))
        return day

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        union, campaign = data.get("union"), data.get("campaign")
        if union is not None and campaign is not None and campaign.org_id != union.pk:
            self.add_error("campaign", _("该征集活动不属于所选工会。"))
        return data


class AdoptForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("审查意见"), max_length=300, required=False)


class RejectForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("不采纳理由"), max_length=300, error_messages={"required": _("不采纳时须写明理由。")}
    )


class ImplementForm(BootstrapMixin, forms.Form):
    benefit = forms.CharField(
        label=_("效益"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写实施效益。")},
    )
    amount = forms.DecimalField(
        label=_("效益金额(元)"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        error_messages={"invalid": _("请输入正确的金额。"), "min_value": _("金额不能为负数。")},
    )


class RewardForm(BootstrapMixin, forms.Form):
    reward = forms.CharField(
        label=_("奖励"), max_length=200, error_messages={"required": _("请填写奖励内容。")}
    )


class CampaignForm(BootstrapMixin, forms.Form):
    union = forms.ModelChoiceField(label=_("工会"), queryset=Org.objects.none(), empty_label=None)
    name = forms.CharField(
        label=_("活动名称"), max_length=80, error_messages={"required": _("请填写活动名称。")}
    )
    start = forms.DateField(
        label=_("开始日期"), widget=DATE, error_messages={"required": _("请填写开始日期。")}
    )
    end = forms.DateField(
        label=_("结束日期"), widget=DATE, error_messages={"required": _("请填写结束日期。")}
    )

    def __init__(self, *args: Any, unions: QuerySet[Org], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions  # type: ignore[attr-defined]
        if len(unions) == 1:
            self.fields["union"].initial = unions[0].pk
            self.fields["union"].widget = forms.HiddenInput()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("结束日期不能早于开始日期。"))
        return data
