"""Forms of the members app. The ID and phone rules are the same functions the import uses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin, SafeTextMixin
from gonghui.core.models import Org
from gonghui.core.params import int_list

from . import idcard
from .enums import (
    AGE_BANDS,
    ETHNICITY_CHOICES,
    ChangeType,
    Education,
    Employment,
    HardshipLevel,
    MemberStatus,
    ModelWorkerLevel,
    Political,
    Sex,
)
from .privacy import is_mobile, normalise_mobile
from .queries import LIST_COLUMNS

FLAG_CHOICES = [
    ("", _("全部")), ("hardship", _("困难职工")), ("severe", _("特困")), ("single_parent", _("单亲")),
    ("model_worker", _("劳模")), ("female", _("女职工")),
]  # fmt: skip


class MemberFilterForm(BootstrapMixin, forms.Form):
    """The list's filter bar. Union and group are plain choices over (id, name) pairs the view
    has already fetched within the user's scope, so validating them costs no query."""

    q = forms.CharField(
        label=_("搜索"), required=False, help_text=_("姓名、拼音、首字母、手机尾号、会员证号")
    )
    union = forms.TypedChoiceField(label=_("工会"), coerce=int, required=False, empty_value=None)
    group = forms.TypedChoiceField(label=_("工会小组"), coerce=int, required=False, empty_value=None)
    status = forms.ChoiceField(
        label=_("会籍状态"),
        required=False,
        choices=[
            ("current", _("在会及离退休")),
            ("left", _("已减少(转出、退会、除名、去世)")),
            ("", _("全部")),
            *MemberStatus.choices,
        ],
    )
    employment = forms.ChoiceField(
        label=_("用工类别"), required=False, choices=[("", _("全部")), *Employment.choices]
    )
    flag = forms.ChoiceField(label=_("标记"), required=False, choices=FLAG_CHOICES)
    age_band = forms.ChoiceField(
        label=_("年龄段"), required=False, choices=[("", _("全部"))] + [(b[2], b[2]) for b in AGE_BANDS]
    )
    join_year = forms.IntegerField(label=_("入会年份"), required=False, min_value=1950, max_value=2100)

    def __init__(
        self, *args: Any, unions: list[tuple[int, str]], groups: list[tuple[int, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = ("", _("全部"))
        self.fields["union"].choices = [everything, *unions]  # type: ignore[attr-defined]
        self.fields["group"].choices = [everything, *groups]  # type: ignore[attr-defined]


class MemberForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=40)
    id_number = forms.CharField(label=_("身份证号"), max_length=18, required=False)
    sex = forms.ChoiceField(label=_("性别"), choices=[("", _("按身份证号"))] + [c for c in Sex.choices if c[0] in "12"],
                            required=False)  # fmt: skip
    ethnicity = forms.ChoiceField(label=_("民族"), choices=ETHNICITY_CHOICES, initial="01")
    mobile = forms.CharField(label=_("手机号"), max_length=20, required=False)
    political = forms.ChoiceField(label=_("政治面貌"), choices=Political.choices, initial=Political.MASSES)
    education = forms.ChoiceField(label=_("学历"), choices=[("", "—"), *Education.choices], required=False)
    position = forms.CharField(label=_("工作岗位/职务"), max_length=60, required=False)
    join_date = forms.DateField(
        label=_("入会日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    card_number = forms.CharField(label=_("会员证号"), max_length=30, required=False)
    employment = forms.ChoiceField(label=_("用工类别"), choices=Employment.choices)
    group = forms.ModelChoiceField(
        label=_("工会小组"), queryset=Org.objects.none(), required=False, empty_label="—"
    )
    hardship_level = forms.ChoiceField(label=_("困难职工"), choices=HardshipLevel.choices, required=False)
    hardship_cert_no = forms.CharField(label=_("困难职工证号"), max_length=40, required=False)
    single_parent = forms.BooleanField(label=_("单亲"), required=False)
    model_worker_level = forms.ChoiceField(label=_("劳模"), choices=ModelWorkerLevel.choices, required=False)

    def __init__(self, *args: Any, groups: Any, id_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups  # type: ignore[attr-defined]
        self.id_required = id_required
        self.fields["id_number"].required = id_required
        if not id_required:
            self.fields["id_number"].help_text = _("不修改请留空")

    def clean_id_number(self) -> str:
        raw = self.cleaned_data.get("id_number", "")
        if not raw:
            return ""
        try:
            return idcard.parse(raw).number
        except idcard.IdNumberError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_mobile(self) -> str:
        mobile = normalise_mobile(self.cleaned_data.get("mobile", ""))
        if mobile and not is_mobile(mobile):
            raise forms.ValidationError(_("手机号应为11位大陆手机号码。"))
        return mobile

    def clean_join_date(self) -> Any:
        join = self.cleaned_data.get("join_date")
        if join and join > timezone.localdate():
            raise forms.ValidationError(_("入会日期不能晚于今天。"))
        return join

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        number = data.get("id_number")
        if number:
            info = idcard.parse(number)
            if data.get("sex") and data["sex"] != info.sex:
                self.add_error("sex", _("性别与身份证号不符。"))
            data["sex"] = info.sex
            data["birth_date"] = info.birth_date
        if data.get("hardship_cert_no") and not data.get("hardship_level"):
            self.add_error("hardship_level", _("填写了困难职工证号，请同时选择困难类别。"))
        return data

    def member_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("group", None)
        if not data.get("id_number"):
            data.pop("id_number", None)
            data.pop("sex", None)
            data.pop("birth_date", None)
        if not self.id_required and not data.get("mobile"):
            data.pop("mobile", None)  # editing: blank means "keep the number on file"
        return data


class StatusForm(BootstrapMixin, forms.Form):
    change = forms.ChoiceField(label=_("办理事项"), choices=[
        (c.value, c.label) for c in ChangeType if c not in (ChangeType.JOIN, ChangeType.TRANSFER_IN, ChangeType.TRANSFER_OUT)
    ])  # fmt: skip
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    reason = forms.CharField(label=_("原因"), max_length=200, required=False)


class BulkForm(SafeTextMixin, forms.Form):
    ids = forms.CharField()  # comma-separated; each is re-checked through core.access
    action = forms.ChoiceField(choices=[("move", "move"), ("status", "status")])
    group = forms.IntegerField(required=False)
    change = forms.ChoiceField(choices=ChangeType.choices, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "status" and not data.get("change"):
            # The menu starts on "选择操作…": nothing is done to members unless a change is chosen.
            raise forms.ValidationError(_("请选择要办理的操作。"))
        return data

    def id_list(self) -> list[int]:
        return int_list(self.cleaned_data["ids"].split(","))


class ColumnsForm(SafeTextMixin, forms.Form):
    columns = forms.MultipleChoiceField(
        label=_("显示列"), choices=LIST_COLUMNS, widget=forms.CheckboxSelectMultiple
    )


class TransferForm(BootstrapMixin, forms.Form):
    to_org = forms.ModelChoiceField(label=_("转入工会(系统内)"), queryset=Org.objects.none(), required=False)
    destination = forms.CharField(label=_("或：转入系统外单位"), max_length=120, required=False)
    reason = forms.CharField(label=_("转接原因"), max_length=200, required=False)

    def __init__(self, *args: Any, unions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = unions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("to_org") and not (data.get("destination") or "").strip():
            raise forms.ValidationError(_("请选择转入的工会，或填写系统外单位名称。"))
        if data.get("to_org") and (data.get("destination") or "").strip():
            raise forms.ValidationError(_("系统内工会与系统外单位只能填写一项。"))
        return data


class RejectForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("退回原因"), max_length=200)
