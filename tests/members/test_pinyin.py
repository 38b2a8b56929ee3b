"""Pinyin of names for sorting and search, with the surname reading table."""

from __future__ import annotations

import pytest

from gonghui.members import pinyin


@pytest.mark.parametrize(
    ("name", "reading"),
    [
        ("单田芳", "shan"),
        ("曾国藩", "zeng"),
        ("仇英", "qiu"),
        ("解缙", "xie"),
        ("区永", "ou"),
        ("朴树", "piao"),
    ],
)
def test_polyphonic_surnames_take_their_surname_reading(name, reading):
    assert pinyin.syllables(name)[0] == reading
    assert pinyin.initials(name)[0] == reading[0]


def test_the_override_applies_only_to_the_surname_not_the_given_name():
    # 单 in a given name keeps its common reading.
    assert pinyin.full("王单") == "wangdan"


def test_a_compound_surname_is_read_as_one_surname():
    assert pinyin.full("欧阳修") == "ouyangxiu"
    assert pinyin.initials("欧阳修") == "oyx"


def test_a_compound_surname_from_the_override_table_keeps_two_initials():
    assert pinyin.full("尉迟恭") == "yuchigong"
    assert pinyin.initials("尉迟恭") == "ycg"
    assert pinyin.initials("万俟卨") == "mqx"


def test_initials_are_the_first_letters_of_each_syllable():
    assert pinyin.full("张三") == "zhangsan"
    assert pinyin.initials("张三") == "zs"
    assert pinyin.initials("诸葛亮") == "zgl"


def test_empty_names_give_empty_pinyin():
    assert pinyin.full("") == ""
    assert pinyin.initials("  ") == ""
    assert pinyin.syllables(None) == []


def test_sorting_names_by_pinyin_puts_an_before_zhang():
    names = ["张伟", "曾强", "安娜", "单丽", "李明"]

    ordered = sorted(names, key=pinyin.full)

    assert ordered == ["安娜", "李明", "单丽", "曾强", "张伟"]  # zeng < zhang
    assert ordered.index("安娜") < ordered.index("张伟")


def test_shan_sorts_among_the_s_names_not_the_d_names():
    ordered = sorted(["丁一", "单丽", "孙二"], key=pinyin.full)

    assert ordered == ["丁一", "单丽", "孙二"]
