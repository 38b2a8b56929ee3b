"""Forms of the care app (labels and errors in Chinese)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.core.uploads import UploadField

from .enums import (
    ApplicationKind,
    ApplicationState,
    CampaignKind,
    HardshipCause,
    HardshipLevel,
    HealthKind,
    PaymentMethod,
    ReviewOutcome,
)
from .models import AssistanceApplication, HardshipFile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONEY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01")}


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}({obj.org.name})"


class FileForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = HardshipFile
        fields = [
            "cause", "level", "family_situation", "household_size", "income_per_head", "cert_no",
            "cert_issued_on", "cert_expires_on", "next_review_on",
        ]  # fmt: skip
        widgets = {
            "family_situation": forms.Textarea(attrs={"rows": 3}),
            "cert_issued_on": DATE,
            "cert_expires_on": DATE,
            "next_review_on": DATE,
        }


class FileCreateForm(FileForm):
    member = MemberChoiceField(label=_("会员"), queryset=None)
    opened_on = forms.DateField(label=_("建档日期"), widget=DATE)

    class Meta(FileForm.Meta):
        fields = ["member", "opened_on", *FileForm.Meta.fields]

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.fields["next_review_on"].required = False
        self.fields["next_review_on"].help_text = _("留空则为建档一年后。")


class FileFilterForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(label=_("困难等级"), required=False,
                              choices=[("", _("全部等级")), *HardshipLevel.choices[1:]])  # fmt: skip
    cause = forms.ChoiceField(
        label=_("致困原因"), required=False, choices=[("", _("全部原因")), *HardshipCause.choices]
    )
    overdue = forms.BooleanField(label=_("仅看逾期未复核"), required=False)
    closed = forms.BooleanField(label=_("含已销档"), required=False)


class ReviewForm(BootstrapMixin, forms.Form):
    reviewed_on = forms.DateField(label=_("复核日期"), widget=DATE)
    outcome = forms.ChoiceField(label=_("复核结论"), choices=ReviewOutcome.choices)
    level = forms.ChoiceField(label=_("新的困难等级"), required=False,
                              choices=[("", "—"), *HardshipLevel.choices[1:]])  # fmt: skip
    notes = forms.CharField(label=_("复核情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CloseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("销档原因"), max_length=200)


class DocumentForm(BootstrapMixin, forms.Form):
    document = UploadField(label=_("证明材料"))


class ApplicationForm(BootstrapMixin, forms.ModelForm):
    member = MemberChoiceField(label=_("受助会员"), queryset=None)
    submit_now = forms.BooleanField(label=_("直接提交审批"), required=False, initial=True)

    class Meta:
        model = AssistanceApplication
        fields = [
            "member",
            "kind",
            "amount_requested",
            "reason",
            "child_name",
            "school",
            "grade",
            "admission_year",
        ]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        for name in ("child_name", "school", "grade", "admission_year"):
            self.fields[name].help_text = _("金秋助学填写")


class OwnApplicationForm(BootstrapMixin, forms.ModelForm):
    """A member applying for themselves: no member to pick, submitted for approval at once."""

    class Meta:
        model = AssistanceApplication
        fields = ["kind", "amount_requested", "reason", "child_name", "school", "grade", "admission_year"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("child_name", "school", "grade", "admission_year"):
            self.fields[name].help_text = _("金秋助学填写")


class ApplicationFilterForm(BootstrapMixin, forms.Form):
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部状态")), *ApplicationState.choices]
    )
    kind = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部类别")), *ApplicationKind.choices]
    )


class ApproveForm(BootstrapMixin, forms.Form):
    amount = forms.DecimalField(label=_("批准金额(元)"), **MONEY)  # type: ignore[arg-type]
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)
    override_reason = forms.CharField(label=_("超标准特批理由(仅主席)"), max_length=200, required=False)


class RejectForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("不予批准的理由"), max_length=200)


class PayForm(BootstrapMixin, forms.Form):
    method = forms.ChoiceField(label=_("发放方式"), choices=PaymentMethod.choices)
    paid_on = forms.DateField(label=_("发放日期"), widget=DATE)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)


class ReverseForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("冲正原因"), max_length=200)


class StandardForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=ApplicationKind.choices)
    amount = forms.DecimalField(label=_("每次标准(元)"), **MONEY)  # type: ignore[arg-type]
    annual_cap = forms.DecimalField(label=_("每人每年上限(元)"), **MONEY)  # type: ignore[arg-type]


# --- donation drives, health campaigns, 疗休养 ----------------------------------------------------


class UnionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class CampaignForm(BootstrapMixin, forms.Form):
    org = UnionChoiceField(label=_("工会"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("类别"), choices=CampaignKind.choices)
    title = forms.CharField(label=_("名称"), max_length=100)
    beneficiary = MemberChoiceField(label=_("受捐会员"), queryset=None, required=False,
                                    help_text=_("爱心捐款必填。"))  # fmt: skip
    asked_org = UnionChoiceField(label=_("倡议范围(工会小组)"), queryset=None, required=False,
                                 empty_label=_("本工会全体在会会员"))  # fmt: skip
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("截止日期"), widget=DATE)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, unions: Any, groups: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = unions  # type: ignore[attr-defined]
        self.fields["asked_org"].queryset = groups  # type: ignore[attr-defined]
        self.fields["beneficiary"].queryset = members  # type: ignore[attr-defined]


class DonationForm(BootstrapMixin, forms.Form):
    member = MemberChoiceField(label=_("捐款会员"), queryset=None, required=False)
    donor_name = forms.CharField(label=_("或捐款人姓名(非会员)"), max_length=60, required=False)
    amount = forms.DecimalField(label=_("金额(元)"), **MONEY)  # type: ignore[arg-type]
    donated_on = forms.DateField(label=_("捐款日期"), widget=DATE)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class DonationUseForm(BootstrapMixin, forms.Form):
    used_on = forms.DateField(label=_("使用日期"), widget=DATE)
    purpose = forms.CharField(label=_("用途"), max_length=200)
    member = MemberChoiceField(label=_("受助会员"), queryset=None, required=False,
                               help_text=_("发给会员的款项记入帮扶慰问发放记录。"))  # fmt: skip
    payee_name = forms.CharField(label=_("或接收方(单位/个人)"), max_length=100, required=False)
    amount = forms.DecimalField(label=_("金额(元)"), **MONEY)  # type: ignore[arg-type]
    method = forms.ChoiceField(
        label=_("发放方式"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]


class HealthCampaignForm(BootstrapMixin, forms.Form):
    org = UnionChoiceField(label=_("工会"), queryset=None, empty_label=None)
    kind = forms.ChoiceField(label=_("类别"), choices=HealthKind.choices,
                             help_text=_("应检名单在创建时确定：本工会在会会员；妇检为其中的女会员。"))  # fmt: skip
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=100)
    provider = forms.CharField(label=_("体检机构"), max_length=100, required=False)
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    cost = forms.DecimalField(label=_("费用(元)"), required=False, help_text=_("支付给体检机构的费用，记入帮扶慰问发放记录。"),
                              **MONEY)  # type: ignore[arg-type]  # fmt: skip
    method = forms.ChoiceField(
        label=_("支付方式"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER, required=False
    )

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = unions  # type: ignore[attr-defined]


class TripForm(BootstrapMixin, forms.Form):
    org = UnionChoiceField(label=_("工会"), queryset=None, empty_label=None)
    title = forms.CharField(label=_("名称"), max_length=100)
    place = forms.CharField(label=_("地点"), max_length=100)
    provider = forms.CharField(label=_("承办机构"), max_length=100)
    starts_on = forms.DateField(label=_("出发日期"), widget=DATE)
    ends_on = forms.DateField(label=_("返回日期"), widget=DATE)
    participants: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("参加人员"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    cost = forms.DecimalField(label=_("费用(元)"), **MONEY)  # type: ignore[arg-type]
    method = forms.ChoiceField(
        label=_("支付方式"), choices=PaymentMethod.choices, initial=PaymentMethod.TRANSFER
    )

    def __init__(self, *args: Any, unions: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = unions  # type: ignore[attr-defined]
        self.fields["participants"].queryset = members  # type: ignore[attr-defined]
        self.fields["participants"].label_from_instance = lambda m: f"{m.name}({m.org.name})"  # type: ignore[attr-defined]
