"""Forms of the core app. Field errors are Chinese (Django's zh-hans catalog plus our own messages)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.validators import ProhibitNullCharactersValidator, RegexValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .audit_text import area_choices
from .enums import Outcome, Portfolio, Role
from .models import Org, User
from .validators import reject_control_characters

mobile_validator = RegexValidator(r"^1[3-9]\d{9}$", _("请输入正确的11位手机号。"))


UNNAMED_WIDGETS = (forms.HiddenInput, forms.CheckboxInput, forms.RadioSelect, forms.MultiWidget)


class SafeTextMixin:
    """Refuse invisible control characters in every text field of the form (every CharField and
    the fields built on it: e-mail, URL, slug, a model's CharField and TextField), with one
    Chinese message: a title with a vertical tab would later break every DOCX it goes into.
    Django's own NUL check is replaced, so NUL gets the same message once."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._guard_text_fields()

    def full_clean(self) -> None:
        # Again at validation: forms that add fields after __init__ (per option, per write-in) are
        # covered too.
        self._guard_text_fields()
        super().full_clean()  # type: ignore[misc]

    def _guard_text_fields(self) -> None:
        for field in self.fields.values():  # type: ignore[attr-defined]
            if isinstance(field, forms.CharField) and reject_control_characters not in field.validators:
                field.validators = [
                    v for v in field.validators if not isinstance(v, ProhibitNullCharactersValidator)
                ] + [reject_control_characters]


class BootstrapMixin(SafeTextMixin):
    """Give every widget Bootstrap's classes, so templates stay plain, and an optional field's
    label as its accessible name, so a filter bar that shows a select without a <label> still
    names it to a screen reader (WCAG 4.1.2). Where core/_field.html shows the label, the name
    is the same text (a required field's label adds " *", so it is left to the <label>); groups
    of checkboxes or radios are named by their own labels."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if field.label and not field.required and not isinstance(widget, UNNAMED_WIDGETS):
                widget.attrs.setdefault("aria-label", str(field.label))
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


class LoginForm(BootstrapMixin, forms.Form):
    identifier = forms.CharField(
        label=_("用户名或手机号"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    password = forms.CharField(
        label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}), strip=False
    )


class OrgForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = Org
        fields = ["name", "short_name", "kind", "unit_type", "code", "workforce"]


class OrgMoveForm(BootstrapMixin, forms.Form):
    new_parent = forms.ModelChoiceField(label=_("新的上级组织"), queryset=Org.objects.none())

    def __init__(self, *args: Any, parents: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = parents  # type: ignore[attr-defined]


class OrgDissolveForm(BootstrapMixin, forms.Form):
    on = forms.DateField(
        label=_("撤销日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RoleAssignForm(BootstrapMixin, forms.Form):
    """Give a role to an existing account (by username/mobile) or to a new account."""

    existing = forms.CharField(label=_("已有账号(用户名或手机号)"), required=False, max_length=150)
    name = forms.CharField(label=_("姓名"), required=False, max_length=40)
    mobile = forms.CharField(label=_("手机号"), required=False, validators=[mobile_validator])
    password = forms.CharField(
        label=_("初始密码"), required=False, strip=False, widget=forms.PasswordInput(render_value=False)
    )
    role = forms.ChoiceField(label=_("角色"), choices=Role.choices)
    portfolio = forms.ChoiceField(label=_("分工"), choices=Portfolio.choices, required=False)
    this_org_only = forms.BooleanField(label=_("仅限本组织(不含下级)"), required=False)

    def __init__(self, *args: Any, allowed_roles: list[tuple[str, Any]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if allowed_roles is not None:
            self.fields["role"].choices = allowed_roles  # type: ignore[attr-defined]
        self.user: User | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        existing = (data.get("existing") or "").strip()
        if existing:
            self.user = User.objects.filter(Q(username=existing) | Q(mobile=existing)).first()
            if self.user is None:
                self.add_error(
                    "existing", _("没有找到该账号，请检查用户名或手机号，或填写下方信息新建账号。")
                )
            return data
        for name in ("name", "mobile", "password"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, _("新建账号时此项必填。"))
        mobile = data.get("mobile")
        if mobile and User.objects.filter(Q(mobile=mobile) | Q(username=mobile)).exists():
            self.add_error("mobile", _("该手机号已有账号，请在“已有账号”中填写。"))
        password = data.get("password")
        if password and mobile:
            try:
                validate_password(password, User(username=mobile, name=data.get("name") or ""))
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class AuditFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(label=_("操作人"), required=False)
    # An area of work (组织, 会员 …), matched as the prefix of the event codes users never see.
    action = forms.ChoiceField(label=_("类别"), required=False)
    outcome = forms.ChoiceField(label=_("结果"), required=False, choices=[("", _("全部")), *Outcome.choices])
    date_from = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    date_to = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部")), *area_choices()]  # type: ignore[attr-defined]
