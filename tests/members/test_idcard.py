"""Resident ID numbers (GB 11643): construction, parsing, checksum, legacy numbers, errors."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gonghui.core.errors import DomainError
from gonghui.members import idcard
from gonghui.members.idcard import IdNumberError

TODAY = dt.date(2025, 6, 30)
PROVINCES = [
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43",
    "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
]  # fmt: skip
CHINESE = re.compile(r"[\u4e00-\u9fff]")

areas = st.builds(
    lambda province, rest: province + rest,
    st.sampled_from(PROVINCES),
    st.text(alphabet="0123456789", min_size=4, max_size=4),
)
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
sequences = st.integers(min_value=0, max_value=999)


def parse_error(raw: str) -> str:
    with pytest.raises(IdNumberError) as caught:
        idcard.parse(raw, today=TODAY)
    message = str(caught.value)
    assert CHINESE.search(message), message
    return message


@given(area=areas, birth=births, sequence=sequences)
def test_a_made_number_parses_back_to_its_birth_date_and_sex(area, birth, sequence):
    number = idcard.make(area, birth, sequence)

    info = idcard.parse(number, today=TODAY)

    assert info.number == number
    assert len(number) == 18
    assert info.birth_date == birth
    assert info.sex == ("1" if sequence % 2 == 1 else "2")
    assert info.converted_from_15 is False


@given(area=areas, birth=births, sequence=sequences, position=st.integers(0, 16), delta=st.integers(1, 9))
def test_changing_any_one_of_the_first_17_digits_breaks_the_checksum(area, birth, sequence, position, delta):
    number = idcard.make(area, birth, sequence)
    digit = (int(number[position]) + delta) % 10
    mutated = f"{number[:position]}{digit}{number[position + 1 :]}"

    assert idcard.check_char(mutated[:17]) != number[17]
    with pytest.raises(IdNumberError):
        idcard.parse(mutated, today=TODAY)


@given(area=areas, birth=births, sequence=sequences)
def test_a_wrong_check_character_is_reported_as_a_checksum_error(area, birth, sequence):
    number = idcard.make(area, birth, sequence)
    wrong = next(c for c in "0123456789X" if c != number[17])

    assert "校验位" in parse_error(number[:17] + wrong)


@given(
    area=areas,
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(1999, 12, 31)),
    sequence=sequences,
)
def test_a_15_digit_legacy_number_converts_to_the_18_digit_form(area, birth, sequence):
    legacy = f"{area}{birth:%y%m%d}{sequence:03d}"

    info = idcard.parse(legacy, today=TODAY)

    assert info.number == idcard.make(area, birth, sequence)
    assert info.birth_date == birth
    assert info.sex == ("1" if sequence % 2 == 1 else "2")
    assert info.converted_from_15 is True


@given(area=areas, days=st.integers(1, 3650), sequence=sequences)
def test_a_birth_date_after_today_is_refused(area, days, sequence):
    number = idcard.make(area, TODAY + dt.timedelta(days=days), sequence)

    assert "晚于今天" in parse_error(number)


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900001", "19900431", "20230229", "19900100"])
def test_a_birth_date_that_does_not_exist_is_refused(birth):
    body = f"110101{birth}123"

    assert "出生日期无效" in parse_error(body + idcard.check_char(body))


def test_a_birth_date_before_1900_is_refused():
    body = "11010118991231123"

    assert "1900" in parse_error(body + idcard.check_char(body))


@given(digits=st.text(alphabet="0123456789", min_size=1, max_size=25))
def test_a_number_of_the_wrong_length_is_refused(digits):
    assume(len(digits) not in (15, 18))

    assert "18位" in parse_error(digits)


@given(
    area=areas,
    birth=births,
    sequence=sequences,
    position=st.integers(0, 16),
    letter=st.sampled_from("ABCXYZaxz"),
)
def test_letters_among_the_first_17_characters_are_refused(area, birth, sequence, position, letter):
    number = idcard.make(area, birth, sequence)

    message = parse_error(f"{number[:position]}{letter}{number[position + 1 :]}")

    assert "数字" in message


def test_letters_in_a_15_digit_number_are_refused():
    assert "数字" in parse_error("11010190030712X")


@pytest.mark.parametrize("raw", ["", "   ", None])
def test_an_empty_number_is_refused(raw):
    assert "18位" in parse_error(raw)


@pytest.mark.parametrize("area", ["000000", "100000", "200101", "300101"])
def test_a_nonexistent_area_code_is_refused(area):
    number = idcard.make(area, dt.date(1985, 3, 7), 123)

    assert "地区代码" in parse_error(number)


def _number_ending_in_x() -> str:
    for sequence in range(1000):
        number = idcard.make("110101", dt.date(1985, 3, 7), sequence)
        if number.endswith("X"):
            return number
    raise AssertionError("no sequence gives X")  # pragma: no cover


def test_a_lowercase_x_check_character_is_accepted_and_normalised():
    number = _number_ending_in_x()

    info = idcard.parse(number[:17] + "x", today=TODAY)

    assert info.number == number


def test_spaces_around_and_inside_the_number_are_ignored():
    number = idcard.make("110101", dt.date(1985, 3, 7), 123)

    assert idcard.parse(f" {number[:6]} {number[6:14]} {number[14:]} ", today=TODAY).number == number


def test_an_id_number_error_is_a_domain_error_shown_to_the_user():
    with pytest.raises(DomainError):
        idcard.parse("123", today=TODAY)


def test_is_valid_says_yes_to_a_made_number_and_no_to_a_broken_one():
    number = idcard.make("430121", dt.date(1990, 1, 1), 1)

    assert idcard.is_valid(number)
    assert not idcard.is_valid(number[:17] + ("0" if number[17] != "0" else "1"))
