"""Due-lists (应慰问名单) on fixed dates: birthdays of the month, retirees in the 30 days before
春节 and 重阳, open "五必访" reports until visited; the page, its tabs and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.care import duelists, visiting
from gonghui.care.enums import Occasion
from gonghui.members.models import Member
from tests.members.factories import MemberFactory

from .visit_factories import make_visit, set_condolence_standards

pytestmark = pytest.mark.django_db
SPRING_2026 = duelists.Festival(Occasion.SPRING_FESTIVAL, dt.date(2026, 2, 17))


@pytest.fixture
def people(tree):
    set_condolence_standards(tree.school1)
    return {
        "march": MemberFactory(union=tree.school1, group=tree.school1_group_a, name="三月生",
                               birth_date=dt.date(1980, 3, 15)),
        "march_b": MemberFactory(union=tree.school1, name="三月生乙", birth_date=dt.date(1991, 3, 2)),
        "april": MemberFactory(union=tree.school1, name="四月生", birth_date=dt.date(1980, 4, 1)),
        "march_retired": MemberFactory(union=tree.school1, name="三月退休", birth_date=dt.date(1950, 3, 9),
                                       status="retired"),
        "retired": MemberFactory(union=tree.school1, name="退休甲", birth_date=dt.date(1955, 7, 7),
                                 status="retired"),
        "other_union": MemberFactory(union=tree.school2, name="外校三月生", birth_date=dt.date(1980, 3, 20)),
    }  # fmt: skip


def names(rows) -> set[str]:
    return {m.name for m in rows}


def test_birth_month_is_kept_by_the_database(people):
    assert Member.objects.get(pk=people["march"].pk).birth_month == 3


def test_birthdays_this_month_are_the_unions_active_members_born_in_the_month(tree, people):
    rows = duelists.birthdays_due(tree.school1, year=2026, month=3)

    assert names(rows) == {"三月生", "三月生乙"}
    assert [m.name for m in rows] == ["三月生乙", "三月生"]  # by day of the month


def test_a_birthday_visited_this_year_leaves_the_list_but_not_next_year(tree, people, welfare):
    make_visit(tree.school1, [people["march"]], visited_on=dt.date(2026, 3, 15), recorder=welfare)

    assert names(duelists.birthdays_due(tree.school1, year=2026, month=3)) == {"三月生乙"}
    assert "三月生" in names(duelists.birthdays_due(tree.school1, year=2027, month=3))


def test_a_cancelled_birthday_visit_puts_the_member_back(tree, people, welfare):
    visit = make_visit(tree.school1, [people["march"]], visited_on=dt.date(2026, 3, 15), recorder=welfare)
    visiting.visit_cancel(actor=welfare, visit=visit, reason="录错人")

    assert "三月生" in names(duelists.birthdays_due(tree.school1, year=2026, month=3))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 18), ["spring_festival"]),  # 30 days before 2026-02-17
        (dt.date(2026, 2, 1), ["spring_festival"]),
        (dt.date(2026, 2, 17), ["spring_festival"]),
        (dt.date(2026, 1, 17), []),
        (dt.date(2026, 2, 18), []),  # after the festival
        (dt.date(2026, 10, 1), ["chongyang"]),  # 重阳 2026-10-18
        (dt.date(2025, 10, 20), ["chongyang"]),  # 重阳 2025-10-29
        (dt.date(2027, 2, 1), ["spring_festival"]),  # 春节 2027-02-06
        (dt.date(2027, 12, 27), ["spring_festival"]),  # 30 days before 春节 2028-01-26
        (dt.date(2027, 12, 26), []),
        (dt.date(2028, 10, 26), ["chongyang"]),  # 重阳 2028-10-26
        (dt.date(2028, 10, 27), []),
    ],
)
def test_festivals_are_due_in_the_30_days_up_to_the_day(day, expected):
    assert [f.occasion for f in duelists.festivals_due(day)] == expected


@pytest.mark.parametrize(
    ("occasion", "year", "day"),
    [
        # 正月初一 and 九月初九 by the Gregorian calendar; lunardate 0.3.0 (another library, its own
        # tables) gives the same days.
        (Occasion.SPRING_FESTIVAL, 2025, dt.date(2025, 1, 29)),
        (Occasion.SPRING_FESTIVAL, 2026, dt.date(2026, 2, 17)),
        (Occasion.SPRING_FESTIVAL, 2027, dt.date(2027, 2, 6)),
        (Occasion.SPRING_FESTIVAL, 2028, dt.date(2028, 1, 26)),
        (Occasion.SPRING_FESTIVAL, 2030, dt.date(2030, 2, 3)),
        (Occasion.CHONGYANG, 2025, dt.date(2025, 10, 29)),
        (Occasion.CHONGYANG, 2026, dt.date(2026, 10, 18)),
        (Occasion.CHONGYANG, 2027, dt.date(2027, 10, 8)),
        (Occasion.CHONGYANG, 2028, dt.date(2028, 10, 26)),
        (Occasion.CHONGYANG, 2030, dt.date(2030, 10, 5)),
    ],
)
def test_festival_days_are_computed_for_any_year(occasion, year, day):
    assert duelists.festival_day(occasion, year) == day
    assert duelists.FESTIVAL_DATES[occasion][year] == day


def test_the_festival_dates_mapping_lists_the_recent_years_up_to_next_year():
    spring = duelists.FESTIVAL_DATES[Occasion.SPRING_FESTIVAL]
    next_year = dt.date.today().year + 1

    assert list(spring) == list(range(2020, next_year + 1))
    assert spring.get(2028) == dt.date(2028, 1, 26)
    assert len(spring) == len(list(spring.values()))


def test_retirees_are_due_before_spring_festival_and_not_after(tree, people):
    before = duelists.festivals_due(dt.date(2026, 2, 1))
    after = duelists.festivals_due(dt.date(2026, 2, 20))

    assert names(duelists.festival_retirees_due(tree.school1, before[0])) == {"三月退休", "退休甲"}
    assert after == []


def test_a_retiree_visited_for_the_festival_leaves_the_list(tree, people, welfare):
    make_visit(tree.school1, [people["retired"]], occasion=Occasion.SPRING_FESTIVAL, amount="500",
               visited_on=dt.date(2026, 1, 25), recorder=welfare)  # fmt: skip
    make_visit(tree.school1, [people["march_retired"]], occasion=Occasion.SPRING_FESTIVAL, amount="500",
               visited_on=dt.date(2025, 1, 25), recorder=welfare)  # last year's festival  # fmt: skip

    assert names(duelists.festival_retirees_due(tree.school1, SPRING_2026)) == {"三月退休"}


def test_a_hospital_report_is_due_until_visited(tree, people, welfare):
    report = visiting.life_event_report(actor=welfare, member=people["march"], event_on=dt.date(2026, 3, 2),
                                        place="县人民医院")  # fmt: skip
    assert list(duelists.reports_due(tree.school1)) == [report]

    visit = visiting.visit_create(actor=welfare, org=tree.school1, occasion=Occasion.HOSPITAL,
                                  visited_on=dt.date(2026, 3, 3), members=[people["march"]], amount_each=300,
                                  reports=[report])  # fmt: skip
    assert list(duelists.reports_due(tree.school1)) == []

    visiting.visit_cancel(actor=welfare, visit=visit, reason="改日再去")
    assert list(duelists.reports_due(tree.school1)) == [report]


def test_another_unions_reports_are_not_on_the_list(tree, people, other_union_chair):
    visiting.life_event_report(actor=other_union_chair, member=people["other_union"], kind="wedding")

    assert list(duelists.reports_due(tree.school1)) == []


# --- the page --------------------------------------------------------------------------------


def test_the_birthday_tab_lists_the_month_and_links_to_a_group_visit(tree, people, welfare, client_for):
    page = client_for(welfare).get(reverse("care:duelist"), {"date": "2026-03-05"}).content.decode()

    assert "三月生" in page and "三月生乙" in page and "四月生" not in page and "外校三月生" not in page
    assert reverse("care:visit_create") in page


def test_the_festival_tab_on_2026_02_01_lists_the_retirees(tree, people, welfare, client_for):
    page = client_for(welfare).get(reverse("care:duelist"), {"tab": "festival", "date": "2026-02-01"})

    content = page.content.decode()
    assert "春节" in content and "退休甲" in content and "三月退休" in content and "三月生乙" not in content


def test_the_reports_tab_lists_open_reports(tree, people, welfare, client_for):
    visiting.life_event_report(actor=welfare, member=people["march"], place="县人民医院")

    page = client_for(welfare).get(reverse("care:duelist"), {"tab": "reports"}).content.decode()

    assert "县人民医院" in page and "三月生" in page


def test_the_tab_body_alone_for_htmx(tree, people, welfare, client_for):
    response = client_for(welfare).get(
        reverse("care:duelist"), {"date": "2026-03-05"}, HTTP_HX_REQUEST="true"
    )

    content = response.content.decode()
    assert "三月生" in content and "<html" not in content


@pytest.mark.parametrize("persona", ["member", "committee_member"])
def test_the_due_list_is_refused_without_the_welfare_portfolio(persona, tree, people, client_for, request):
    response = client_for(request.getfixturevalue(persona)).get(reverse("care:duelist"))

    assert response.status_code == 403


def test_other_unions_officer_does_not_see_this_unions_list(tree, people, other_union_chair, client_for):
    page = client_for(other_union_chair).get(reverse("care:duelist"), {"org": tree.school1.pk,
                                                                       "date": "2026-03-05"})  # fmt: skip

    content = page.content.decode()
    assert "<strong>三月生</strong>" not in content and "<strong>外校三月生</strong>" in content


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("tab", ["birthday", "festival", "reports"])
def test_the_due_list_query_count_does_not_grow_with_rows(tab, count, tree, welfare, client_for,
                                                           django_assert_num_queries):  # fmt: skip
    set_condolence_standards(tree.school1)
    for i in range(count):
        member = MemberFactory(union=tree.school1, birth_date=dt.date(1960, 3, 1 + i), status="active")
        MemberFactory(union=tree.school1, birth_date=dt.date(1950, 5, 1 + i), status="retired")
        visiting.life_event_report(actor=welfare, member=member)
    client = client_for(welfare)
    query = {"tab": tab, "date": "2026-02-01" if tab == "festival" else "2026-03-05"}
    client.get(reverse("care:duelist"), query)

    with django_assert_num_queries(QUERIES_DUELIST[tab]):
        response = client.get(reverse("care:duelist"), query)

    assert (
        response.status_code == 200
        and response.content.decode().count('name="member"')
        + response.content.decode().count('name="report"')
        == count
    )


QUERIES_DUELIST = {"birthday": 6, "festival": 6, "reports": 6}
