"""A visit's warning names a real excess, and there is none when nothing exceeds the standard
(issue 12 §4: a visit warned "超过标准0元")."""

from __future__ import annotations

import datetime as dt

import pytest

from gonghui.care import visiting
from gonghui.care.enums import Occasion
from tests.members.factories import MemberFactory

from .visit_factories import make_visit

pytestmark = pytest.mark.django_db


def test_a_gift_standard_without_a_value_gives_no_warning_for_the_gift(tree):
    visiting.condolence_standard_set(actor=None, org=tree.school1, occasion=Occasion.HOSPITAL, gift="水果")
    member = MemberFactory(union=tree.school1)
    visit = make_visit(tree.school1, [member], occasion=Occasion.HOSPITAL, amount="0", gift="水果",
                       gift_value="100")  # fmt: skip

    assert visiting.visit_problems(visit) == []


def test_a_visit_within_the_standard_has_no_warning(tree):
    visiting.condolence_standard_set(actor=None, org=tree.school1, occasion=Occasion.HOSPITAL, amount="300",
                                     gift="水果", gift_value="100", annual_cap="600")  # fmt: skip
    member = MemberFactory(union=tree.school1)
    visit = make_visit(tree.school1, [member], occasion=Occasion.HOSPITAL, amount="300", gift="水果",
                       gift_value="100")  # fmt: skip

    assert visiting.visit_problems(visit) == []


def test_the_warning_states_the_real_excess_of_cash_gift_and_annual_cap(tree, chair):
    visiting.condolence_standard_set(actor=None, org=tree.school1, occasion=Occasion.HOSPITAL, amount="300",
                                     gift="水果", gift_value="100", annual_cap="400")  # fmt: skip
    a, b = MemberFactory(union=tree.school1, name="甲"), MemberFactory(union=tree.school1, name="乙")
    visit = make_visit(tree.school1, [a, b], occasion=Occasion.HOSPITAL, amount="450", gift="水果",
                       gift_value="120", visited_on=dt.date.today())  # fmt: skip

    problems = visiting.visit_problems(visit)

    assert problems == [
        "甲、乙等2人的慰问金超过标准（每人300.00元），共超出300.00元。",
        "慰问品价值每人120.00元，超过标准（每人100.00元）20.00元。",
        "甲、乙等2人本年度该事由慰问金将超过每人每年上限400.00元，共超出100.00元。",
    ]
    assert not any("超过标准0" in p or "超出0" in p for p in problems)


def test_cash_under_a_gift_only_standard_names_the_cash_as_the_excess(tree):
    visiting.condolence_standard_set(actor=None, org=tree.school1, occasion=Occasion.HOSPITAL, gift="水果",
                                     gift_value="100")  # fmt: skip
    member = MemberFactory(union=tree.school1, name="丙")
    visit = make_visit(tree.school1, [member], occasion=Occasion.HOSPITAL, amount="200")

    assert visiting.visit_problems(visit) == [
        "该事由的慰问标准不含慰问金，丙等1人的慰问金共200.00元超出标准。"
    ]
