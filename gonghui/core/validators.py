"""Validators shared by every form and import: text without control characters (one rule for
every text field, so no stored text can break a DOCX or XLSX), and password rules beyond
Django's (not all one class of character)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates; and
# U+FFFE/U+FFFF. None of them can be typed on purpose, and none is allowed in XML 1.0, so lxml
# (python-docx) and openpyxl refuse to write them: one stored title would break a document.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def has_control_characters(text: str) -> bool:
    return CONTROL_CHARACTERS.search(text) is not None


def strip_control_characters(text: str) -> str:
    """`text` without the characters `reject_control_characters` refuses (for writing documents
    from text stored before the rule existed)."""
    return CONTROL_CHARACTERS.sub("", text)


def reject_control_characters(value: Any) -> None:
    """Refuse text holding an invisible control character (NUL, vertical tab, …)."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(_("包含不可见的控制字符，请删除后再提交。"), code="control_characters")


class CharacterClassValidator:
    """Require at least two of: letters, digits, other characters."""

    def validate(self, password: str, user: Any = None) -> None:
        classes = sum(
            [
                any(c.isalpha() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )
        if classes < 2:
            raise ValidationError(
                _("密码不能只由一类字符组成，请混合使用字母、数字或符号。"), code="password_one_class"
            )

    def get_help_text(self) -> str:
        return _("密码须混合使用字母、数字或符号中的至少两类。")


class ChineseMinimumLengthValidator:
    """Django 5.2 reworded its too-short message and the zh-hans catalogue lags; say it ourselves."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要%(min_length)d个字符。") % {"min_length": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("密码至少需要%(min_length)d个字符。") % {"min_length": self.min_length}
