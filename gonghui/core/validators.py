"""Password rules beyond Django's: not all one class of character."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


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
