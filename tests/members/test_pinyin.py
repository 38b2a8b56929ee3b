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


# --- sorting character by character (issue 12 §4) ------------------------------------------------


def test_the_sort_key_separates_syllables_so_li_sorts_before_liu():
    assert pinyin.sort_key("李晓明") == "li xiao ming"
    assert pinyin.sort_key("刘伟") == "liu wei"
    # run together, "lixiaoming" > "liuwei" would put 刘 first
    assert sorted(["刘伟", "李晓明", "林一"], key=pinyin.sort_key) == ["李晓明", "林一", "刘伟"]


def test_the_sort_key_reads_surnames_from_the_override_table():
    assert pinyin.sort_key("单田芳") == "shan tian fang"
    assert pinyin.sort_key("曾国藩") == "zeng guo fan"
    assert pinyin.sort_key("尉迟恭") == "yu chi gong"
    assert sorted(["张伟", "曾强", "单丽", "孙二"], key=pinyin.sort_key) == ["单丽", "孙二", "曾强", "张伟"]


def test_a_run_together_search_gives_the_spaced_prefixes_it_can_mean():
    assert pinyin.spaced_prefixes("lixiaom")[0] == "li xiao m"
    assert set(pinyin.spaced_prefixes("xian")) >= {"xian", "xi an"}
    assert pinyin.spaced_prefixes("qqq") == []


@pytest.mark.django_db
def test_the_member_list_sorts_li_before_liu_and_finds_a_run_together_name(tree, chair, client_for):
    from django.urls import reverse

    from gonghui.members.models import Member
    from gonghui.members.queries import search_q
    from tests.members.factories import MemberFactory

    for name in ["刘伟", "李晓明", "单丽", "曾强", "丁一"]:
        MemberFactory(union=tree.school1, name=name)

    page = client_for(chair).get(reverse("members:list"), {"union": tree.school1.pk}).content.decode()
    order = sorted(["刘伟", "李晓明", "单丽", "曾强", "丁一"], key=page.index)
    assert order == ["丁一", "李晓明", "刘伟", "单丽", "曾强"]
    found = set(Member.objects.filter(search_q("lixiaoming")).values_list("name", flat=True))
    assert found == {"李晓明"}
    assert set(Member.objects.filter(search_q("li")).values_list("name", flat=True)) == {"李晓明", "刘伟"}


@pytest.mark.django_db
def test_the_migration_recomputes_the_sort_key_of_existing_members(tree):
    from importlib import import_module

    from django.apps import apps

    from gonghui.members.models import Member
    from tests.members.factories import MemberFactory

    member = MemberFactory(union=tree.school1, name="李晓明")
    Member.objects.filter(pk=member.pk).update(name_pinyin="lixiaoming", name_initials="")

    import_module("gonghui.members.migrations.0004_pinyin_by_syllable").recompute(apps, None)

    member.refresh_from_db()
    assert (member.name_pinyin, member.name_initials) == ("li xiao ming", "lxm")
