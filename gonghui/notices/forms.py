"""Forms of public notices: drafting, objections, resolutions, withdrawal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.core.models import Org

from .enums import NoticeKind
from .models import DEFAULT_DAYS, MAX_DAYS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class NoticeForm(BootstrapMixin, forms.Form):
    union = forms.ModelChoiceField(label=_("发布工会"), queryset=Org.objects.none(), empty_label=None)
    title = forms.CharField(label=_("标题"), max_length=120, error_messages={"required": _("请填写标题。")})
    kind = forms.ChoiceField(label=_("类别"), choices=NoticeKind.choices, initial=NoticeKind.OTHER)
    body = forms.CharField(
        label=_("公示内容"),
        widget=forms.Textarea(attrs={"rows": 10}),
        error_messages={"required": _("请填写公示内容。")},
    )
    starts_on = forms.DateField(
        label=_("公示开始日期"),
        widget=DATE,
        help_text=_("发布时如已过此日期，将自动从发布当日起算；线下已张贴的公示补录时可保留原日期。"),
    )
    days = forms.IntegerField(
        label=_("公示期(工作日)"), min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS,
        help_text=_("按工作日计算，节假日顺延，调休上班日计入。"),
    )  # fmt: skip
    contact = forms.CharField(label=_("联系人及电话"), max_length=120, required=False)
    # Names, not ids: matched among the chosen union's members in the view (notices.queries).
    people = forms.CharField(
        label=_("公示涉及人员(可选)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("每行一个姓名或手机号，须为发布工会的会员；公示发布时将通知本人。"),
    )

    def __init__(self, *args: Any, unions: QuerySet[Org] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if unions is None:  # editing: the union and the people stay
            del self.fields["union"]
            del self.fields["people"]
        else:
            self.fields["union"].queryset = unions  # type: ignore[attr-defined]


class ObjectionForm(BootstrapMixin, forms.Form):
    text = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("请填写异议内容。")},
    )
    anonymous = forms.BooleanField(
        label=_("匿名"),
        required=False,
        help_text=_("勾选后，公示栏上不显示您的姓名；公示工作小组仍可看到，以便核实和答复。"),
    )


class RecordObjectionForm(BootstrapMixin, forms.Form):
    """补录线下异议: an objection received on paper, entered by the panel."""

    objector_name = forms.CharField(
        label=_("异议人"), max_length=60, required=False, help_text=_("匿名异议可不填。")
    )
    text = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写异议内容。")},
    )
    received_on = forms.DateField(
        label=_("收到日期"),
        widget=DATE,
        error_messages={"required": _("请填写收到日期。"), "invalid": _("请填写正确的日期。")},
        help_text=_("不能晚于今天，不能早于公示开始日期。"),
    )
    outcome = forms.ChoiceField(
        label=_("处理结果(已处理的可填)"),
        required=False,
        choices=[("", _("尚未处理")), ("dismissed", _("异议不成立")), ("upheld", _("异议成立"))],
    )
    resolution = forms.CharField(
        label=_("处理意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResolveForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[("dismissed", _("异议不成立")), ("upheld", _("异议成立"))],
        error_messages={"required": _("请选择处理结果。")},
    )
    resolution = forms.CharField(
        label=_("处理意见"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写处理意见。")},
    )


class WithdrawForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("撤回原因"), max_length=300, error_messages={"required": _("撤回公示须写明原因。")}
    )
