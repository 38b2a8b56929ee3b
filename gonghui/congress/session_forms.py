"""Forms of the congress session pages: terms, sessions, Party approval, agenda items, delegates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin, SafeTextMixin
from gonghui.core.uploads import UploadField

from .enums import VoteChoice
from .models import CongressTerm

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _clean_quorum(form: forms.BaseForm, data: dict[str, Any]) -> None:
    numerator, denominator = data.get("quorum_numerator"), data.get("quorum_denominator")
    if numerator is not None and denominator is not None and not 0 < numerator <= denominator:
        form.add_error("quorum_numerator", _("法定到会比例须大于0且不超过1。"))


class TermForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CongressTerm
        fields = [
            "number", "kind", "start", "end", "cosigners_required", "quorum_numerator",
            "quorum_denominator", "quota_women", "quota_frontline", "quota_young",
        ]  # fmt: skip
        widgets = {"start": DATE_WIDGET, "end": DATE_WIDGET}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _clean_quorum(self, data)
        return data


class TermSettingsForm(BootstrapMixin, forms.ModelForm):
    """What the chair may change on a running term (services.TERM_SETTINGS)."""

    class Meta:
        model = CongressTerm
        fields = [
            "end", "cosigners_required", "quorum_numerator", "quorum_denominator",
            "quota_women", "quota_frontline", "quota_young",
        ]  # fmt: skip
        widgets = {"end": DATE_WIDGET}
        help_texts = {
            "cosigners_required": _("提案提交前须有多少名代表确认附议。"),
            "quorum_numerator": _("例如2/3：分子填2，分母填3。"),
            "quota_women": _("填0表示不设比例要求。"),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        _clean_quorum(self, data)
        return data


class SessionForm(BootstrapMixin, forms.Form):
    term = forms.ModelChoiceField(label=_("届"), queryset=CongressTerm.objects.none())
    date = forms.DateField(label=_("会议日期"), widget=DATE_WIDGET)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)

    def __init__(self, *args: Any, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms  # type: ignore[attr-defined]


class PartyApprovalForm(BootstrapMixin, forms.Form):
    on = forms.DateField(label=_("党支部审批日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class ItemForm(BootstrapMixin, forms.Form):
    order = forms.IntegerField(label=_("序号"), min_value=1, initial=1)
    title = forms.CharField(label=_("议题"), max_length=120)
    document = UploadField(label=_("文件(可选)"), required=False)


class ResultForm(BootstrapMixin, forms.Form):
    votes_for = forms.IntegerField(label=_("赞成"), min_value=0)
    votes_against = forms.IntegerField(label=_("反对"), min_value=0, initial=0)
    votes_abstain = forms.IntegerField(label=_("弃权"), min_value=0, initial=0)
    revise = forms.BooleanField(label=_("修改后再议"), required=False)


class ReviseForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("修改后的议题"), max_length=120, required=False)
    document = UploadField(label=_("修改后的文件"), required=False)


class NamedVoteCloseForm(SafeTextMixin, forms.Form):
    revise = forms.BooleanField(label=_("修改后再议"), required=False)


class VoteForm(SafeTextMixin, forms.Form):
    choice = forms.ChoiceField(label=_("表决意见"), choices=VoteChoice.choices)


class DelegationForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("代表团名称"), max_length=60)


class DelegationUpdateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("代表团名称"), max_length=60)
    head: forms.ModelChoiceField = forms.ModelChoiceField(label=_("团长"), queryset=None, required=False)

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = members  # type: ignore[attr-defined]


class AssignDelegationForm(SafeTextMixin, forms.Form):
    delegates: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("代表"), queryset=None, error_messages={"required": _("请先勾选要调整的代表。")}
    )
    delegation: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("调整到"), queryset=None, required=False, empty_label=_("不分团")
    )

    def __init__(self, *args: Any, delegates: Any, delegations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["delegates"].queryset = delegates  # type: ignore[attr-defined]
        self.fields["delegation"].queryset = delegations  # type: ignore[attr-defined]


class ElectForm(BootstrapMixin, forms.Form):
    member: forms.ModelChoiceField = forms.ModelChoiceField(label=_("会员"), queryset=None)
    replaces: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("替补(补选)代表"), queryset=None, required=False
    )
    is_frontline = forms.BooleanField(label=_("一线教职工"), required=False, initial=True)
    is_leader = forms.BooleanField(label=_("领导干部"), required=False)
    is_young = forms.BooleanField(label=_("青年(35岁以下)"), required=False)
    is_party = forms.BooleanField(label=_("党员"), required=False)

    FLAGS = ("is_frontline", "is_leader", "is_young", "is_party")

    def __init__(self, *args: Any, members: Any, delegates: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members  # type: ignore[attr-defined]
        self.fields["replaces"].queryset = delegates  # type: ignore[attr-defined]

    def flags(self) -> dict[str, bool]:
        return {name: bool(self.cleaned_data[name]) for name in self.FLAGS}
