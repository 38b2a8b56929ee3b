"""Forms of the voting app. Ballot sheets are built in the view from the poll's options (their
shape varies by kind), and cleaned by `services.clean_choices`, the one place that validates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.errors import DomainError
from gonghui.core.forms import BootstrapMixin, SafeTextMixin
from gonghui.core.params import int_param
from gonghui.core.uploads import UploadField

from . import rules
from .enums import PollKind
from .models import Poll

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

KIND_FIELDS: dict[str, list[str]] = {
    PollKind.ELECTION: ["choose_max", "diff_ratio", "quorum_percent", "majority_percent", "allow_write_in"],
    PollKind.EVALUATION: ["scale", "min_respondents", "drop_extremes"],
    PollKind.AWARD: ["award_name", "award_level", "choose_max", "majority_percent"],
    PollKind.SIMPLE: ["choose_max"],
}
COMMON_FIELDS = ["title", "description", "opens_at", "closes_at"]


class PollForm(BootstrapMixin, forms.ModelForm):
    """Create or edit a poll; the fields shown depend on its kind."""

    class Meta:
        model = Poll
        fields = [*COMMON_FIELDS, "choose_max", "allow_write_in", "diff_ratio", "quorum_percent", "majority_percent",
                  "min_respondents", "scale", "drop_extremes", "award_name", "award_level"]  # fmt: skip
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "opens_at": DATETIME,
            "closes_at": DATETIME,
        }

    def __init__(self, *args: Any, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = set(COMMON_FIELDS) | set(KIND_FIELDS[kind])
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if "choose_max" in self.fields:
            labels: dict[str, Any] = {
                PollKind.ELECTION: _("应选人数"), PollKind.AWARD: _("评选名额"), PollKind.SIMPLE: _("每人最多可选")
            }  # fmt: skip
            self.fields["choose_max"].label = labels[kind]
            # The control's accessible name follows its visible label (BootstrapMixin set the old one).
            self.fields["choose_max"].widget.attrs["aria-label"] = str(labels[kind])
        for name in ("opens_at", "closes_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]  # type: ignore[attr-defined]
        self.kind = kind
        if "quorum_percent" in self.fields:
            self.fields["quorum_percent"].required = False  # left empty: the law's two thirds

    def clean(self) -> dict[str, Any]:
        """An election's rule may be stricter than the law's, never looser (voting.rules)."""
        data: dict[str, Any] = super().clean() or self.cleaned_data
        if "quorum_percent" in self.fields and data.get("quorum_percent") is None:
            data["quorum_percent"] = 0
        if self.kind == PollKind.ELECTION:
            majority, quorum = data.get("majority_percent"), data.get("quorum_percent")
            if majority is not None and majority < rules.ELECTION_MIN_MAJORITY_PERCENT:
                self.add_error(
                    "majority_percent", _("选举的当选票数须超过应到会有选举权人数的半数，不能低于50%。")
                )
            if quorum and quorum < rules.ELECTION_MIN_QUORUM_PERCENT:
                self.add_error(
                    "quorum_percent", _("选举须有超过三分之二的人参加：填0按条例执行，或填67及以上。")
                )
        return data


class KindForm(SafeTextMixin, forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=PollKind.choices)


class CloseForm(BootstrapMixin, forms.Form):
    """Closing a poll: the day it was held (a paper vote entered later keeps its own day, and so
    its statistical year), today by default and never later."""

    held_on = forms.DateField(
        label=_("举行日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("按此日期计入统计年度；纸质投票补录时填实际举行的日期。"),
        error_messages={"invalid": _("请填写有效的日期。")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        self.fields["held_on"].widget.attrs["max"] = today.isoformat()

    def clean_held_on(self) -> Any:
        try:
            return rules.held_on(self.cleaned_data["held_on"], today=timezone.localdate())
        except DomainError as error:
            raise forms.ValidationError(str(error)) from error


class OptionForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名/选项"), max_length=60)
    position = forms.CharField(label=_("职务/简介"), max_length=120, required=False)
    member = forms.TypedChoiceField(label=_("对应会员(可选)"), required=False, coerce=int, empty_value=None)
    deeds = forms.CharField(
        label=_("事迹/述职摘要"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    report = UploadField(label=_("述职报告(附件)"), required=False)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [("", "—"), *members]  # type: ignore[attr-defined]


class NominationForm(BootstrapMixin, forms.Form):
    member = forms.TypedChoiceField(label=_("推荐人选"), coerce=int)
    deeds = forms.CharField(label=_("主要事迹"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = members  # type: ignore[attr-defined]


class DimensionsForm(BootstrapMixin, forms.Form):
    dimensions = forms.CharField(
        label=_("评议项目(每行一项：名称:满分)"), widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("例如：德:20"),
    )  # fmt: skip

    def clean_dimensions(self) -> list[tuple[str, int]]:
        rows = []
        for line in self.cleaned_data["dimensions"].splitlines():
            line = line.strip().replace("：", ":")
            if not line:
                continue
            name, _sep, top = line.partition(":")
            points = int_param(top, maximum=10_000)
            if points is None:
                raise forms.ValidationError(_("每行写成“名称:满分”，例如“德:20”。"))
            rows.append((name.strip(), points))
        return rows


class RaterGroupForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("评议人类别"), max_length=30)
    weight = forms.DecimalField(label=_("权重"), min_value=0, max_digits=5, decimal_places=2, initial=1)


class ElectorateForm(BootstrapMixin, forms.Form):
    SOURCES = [
        ("union", _("本工会全体在会会员")),
        ("group", _("一个工会小组")),
        ("term", _("一届教(职)代会代表")),
        ("list", _("粘贴名单(姓名、手机号或会员证号，每行一个)")),
    ]
    source = forms.ChoiceField(label=_("选民来源"), choices=SOURCES)
    group = forms.TypedChoiceField(label=_("工会小组"), required=False, coerce=int, empty_value=None)
    term = forms.TypedChoiceField(label=_("届"), required=False, coerce=int, empty_value=None)
    pasted = forms.CharField(label=_("名单"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    rater_group = forms.TypedChoiceField(label=_("评议人类别"), required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[int, str]],
        terms: list[tuple[int, str]],
        rater_groups: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—"), *groups]  # type: ignore[attr-defined]
        self.fields["term"].choices = [("", "—"), *terms]  # type: ignore[attr-defined]
        self.fields["rater_group"].choices = [("", "—"), *rater_groups]  # type: ignore[attr-defined]
        if not rater_groups:
            del self.fields["rater_group"]


class PaperBatchForm(BootstrapMixin, forms.Form):
    valid = forms.IntegerField(label=_("有效票"), min_value=0)
    invalid = forms.IntegerField(label=_("无效票"), min_value=0, initial=0)

    def __init__(self, *args: Any, options: list[tuple[int, str]], write_in: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for pk, name in options:
            self.fields[f"o{pk}"] = forms.IntegerField(
                label=_("%(name)s 得票") % {"name": name}, min_value=0, initial=0
            )
        if write_in:
            self.fields["write_ins"] = forms.CharField(
                label=_("另选人得票(每行：姓名:票数)"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.option_ids = [pk for pk, _name in options]

    def counts(self) -> dict[int, int]:
        return {pk: self.cleaned_data[f"o{pk}"] or 0 for pk in self.option_ids}

    def write_in_counts(self) -> dict[str, int]:
        result: dict[str, int] = {}
        for line in (self.cleaned_data.get("write_ins") or "").splitlines():
            name, _sep, n = line.replace("：", ":").partition(":")
            count = int_param(n, maximum=10_000_000)
            if name.strip() and count is not None:
                result[name.strip()] = count
        return result


class CodeForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("选票随机码"), max_length=20, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
