"""Forms of the proposal pages (提案): filters, a new proposal, and one form per lifecycle action."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.core.models import User
from gonghui.core.uploads import UploadField

from .enums import Implementation, ProposalCategory, ProposalState, Rating
from .models import CongressSession, Delegate, Proposal

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProposalFilterForm(BootstrapMixin, forms.Form):
    session = forms.TypedChoiceField(label=_("会议"), required=False, coerce=int, empty_value=None)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *ProposalState.choices]
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *ProposalCategory.choices]
    )
    overdue = forms.BooleanField(label=_("仅看超期未答复(督办)"), required=False)

    def __init__(self, *args: Any, sessions: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["session"].choices = [("", _("全部")), *sessions]  # type: ignore[attr-defined]


def session_label(session: CongressSession) -> str:
    """第六届教职工代表大会第二次会议（2026年3月15日）."""
    day = session.date
    return f"{session}（{day.year}年{day.month}月{day.day}日）"


class ProposalCreateForm(BootstrapMixin, forms.Form):
    session = forms.ModelChoiceField(
        label=_("会议"),
        queryset=CongressSession.objects.none(),
        empty_label=None,
        error_messages={"required": _("请选择提案提交给哪一次会议。")},
    )
    title = forms.CharField(label=_("案由"), max_length=120)
    category = forms.ChoiceField(label=_("类别"), choices=ProposalCategory.choices)
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=_("建议措施"), widget=forms.Textarea(attrs={"rows": 4}))
    cosigners = forms.ModelMultipleChoiceField(
        label=_("附议人"),
        queryset=Delegate.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("所选代表确认附议后，提案方可提交。"),
    )

    def __init__(self, *args: Any, sessions: Any, cosigners: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["session"]
        # In the order they are numbered, each named with its date. With more than one session
        # open nothing is chosen for the delegate: a silent default (it used to be the latest-dated
        # one) filed proposals under a session the delegate did not mean, whose report then
        # counted them while the meant session's said 收到提案0件.
        sessions = sessions.order_by("term__number", "number")
        field.queryset = sessions  # type: ignore[attr-defined]
        field.label_from_instance = session_label  # type: ignore[attr-defined]
        if len(sessions) > 1:
            field.empty_label = _("请选择会议")  # type: ignore[attr-defined]
        self.fields["cosigners"].queryset = cosigners  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        session, chosen = data.get("session"), data.get("cosigners") or []
        if session is not None and any(d.term_id != session.term_id for d in chosen):
            self.add_error("cosigners", _("附议人须为本次会议所属届的在任代表。"))
        return data


class ReviewForm(BootstrapMixin, forms.Form):
    DECISIONS = [
        (ProposalState.REGISTERED, _("立案")),
        (ProposalState.NOT_REGISTERED, _("不立案")),
        (ProposalState.MERGED, _("并案")),
        (ProposalState.CONVERTED, _("转为建议")),
    ]
    decision = forms.ChoiceField(label=_("审查结论"), choices=DECISIONS)
    note = forms.CharField(
        label=_("审查意见"), max_length=300, required=False, help_text=_("不立案或转为建议时须写明理由。")
    )
    merge_into = forms.ModelChoiceField(
        label=_("并入提案"),
        queryset=Proposal.objects.none(),
        required=False,
        help_text=_("仅并案时选择。"),
    )

    def __init__(self, *args: Any, targets: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["merge_into"].queryset = targets  # type: ignore[attr-defined]


class AssignForm(BootstrapMixin, forms.Form):
    departments = forms.ModelMultipleChoiceField(
        label=_("承办部门"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        error_messages={"required": _("请至少选择一个承办部门。")},
    )
    deadline = forms.DateField(label=_("答复期限"), widget=DATE_WIDGET)

    def __init__(self, *args: Any, departments: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"deadline": timezone.localdate() + dt.timedelta(days=30)})
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = departments  # type: ignore[attr-defined]
        self.fields["departments"].label_from_instance = lambda user: user.name or user.username  # type: ignore[attr-defined]


class AnswerForm(BootstrapMixin, forms.Form):
    body = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 5}))
    attachment = UploadField(label=_("附件"), required=False)


class ReassignRequestForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("申请改派理由"), max_length=200)


class RateForm(BootstrapMixin, forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label=_("意见"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rating"].widget.attrs["class"] = "form-check-input"


class ImplementForm(BootstrapMixin, forms.Form):
    status = forms.ChoiceField(label=_("落实情况"), choices=Implementation.choices)
    note = forms.CharField(label=_("落实说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


def first_error(form: forms.Form) -> str:
    """The first error of a bound, invalid form, for a messages.error after a redirect."""
    for errors in form.errors.values():
        return str(errors[0])
    return str(_("请检查填写的内容。"))
