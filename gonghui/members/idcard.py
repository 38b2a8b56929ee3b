"""Resident ID numbers (居民身份证号, GB 11643-1999): validation, conversion, derived fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.core.errors import DomainError

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # weighted sum mod 11 -> check character (ISO 7064 MOD 11-2)


class IdNumberError(DomainError):
    pass


@dataclass(frozen=True)
class IdInfo:
    number: str  # normalised 18-character form
    birth_date: dt.date
    sex: str  # GB/T 2261.1 code: "1" male, "2" female
    converted_from_15: bool = False


def check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def _birth(text: str) -> dt.date:
    try:
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError as error:
        raise IdNumberError(_("身份证号中的出生日期无效。")) from error


def parse(raw: str, *, today: dt.date | None = None) -> IdInfo:
    """Validate and normalise an ID number, or raise IdNumberError with a Chinese reason.

    15-digit legacy numbers (1980s–1999) are converted to 18 digits by inserting the century "19"
    and computing the check character.
    """
    number = (raw or "").strip().upper().replace(" ", "")
    today = today or dt.date.today()
    converted = False
    if len(number) == 15:
        if not number.isdigit():
            raise IdNumberError(_("15位身份证号应全部为数字。"))
        body = number[:6] + "19" + number[6:]
        number = body + check_char(body)
        converted = True
    if len(number) != 18:
        raise IdNumberError(_("身份证号应为18位(当前为%(n)s位)。") % {"n": len(number)})
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise IdNumberError(_("身份证号只能包含数字，最后一位可以是X。"))
    if number[:2] in ("00", "10", "20", "30") or (number[:6].endswith("0000") and number[:2] == "00"):
        raise IdNumberError(_("身份证号的地区代码无效。"))
    birth = _birth(number[6:14])
    if birth > today:
        raise IdNumberError(_("身份证号中的出生日期晚于今天。"))
    if birth.year < 1900:
        raise IdNumberError(_("身份证号中的出生日期早于1900年。"))
    if check_char(number[:17]) != number[17]:
        raise IdNumberError(_("身份证号校验位错误，请核对是否录入有误。"))
    sex = "1" if int(number[16]) % 2 == 1 else "2"
    return IdInfo(number=number, birth_date=birth, sex=sex, converted_from_15=converted)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except IdNumberError:
        return False
    return True


def make(area: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (for demo and test data): 6-digit area, birth date, 3-digit sequence."""
    body = f"{area}{birth:%Y%m%d}{sequence:03d}"
    return body + check_char(body)
