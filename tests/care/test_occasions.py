"""慰问事由 are the union's own table (issue 12 §2): seeded with the old list, a union adds its
own (育龄女职工, 三八节, 妇女病…), its subordinate unions inherit them, and the figures follow
the flags on the rows, not hard-coded names."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.care import facts, occasions, visiting
from gonghui.care.enums import SpendingCategory, VisitState
from gonghui.care.occasion_models import VisitOccasion
from gonghui.core.errors import DomainError
from gonghui.core.facts import Period
from gonghui.members.enums import MemberStatus
from tests.members.factories import MemberFactory

from .visit_factories import make_visit

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> Period:
    return Period.calendar_year(dt.date.today().year)


def test_the_system_list_is_seeded_with_its_flags(tree):
    rows = {o.code: o for o in occasions.available(tree.school1)}
    assert rows["spring_festival"].name == "春节" and rows["spring_festival"].festival
    assert rows["chongyang"].festival and not rows["birthday"].festival
    assert rows["hospital"].hospital and rows["funeral"].bereavement
    assert rows["spring_festival"].category == SpendingCategory.FESTIVAL


def test_a_unions_own_occasion_is_inherited_down_the_tree_and_not_by_a_sibling(tree, chair):
    women = occasions.occasion_create(actor=chair, org=tree.school1, name="三八节")

    assert occasions.is_available(tree.school1, women.code)
    assert occasions.is_available(tree.school1_group_a, women.code)
    assert not occasions.is_available(tree.school2, women.code)
    with pytest.raises(DomainError, match="已在本工会的慰问事由中"):
        occasions.occasion_create(actor=chair, org=tree.school1, name="三八节")
    with pytest.raises(DomainError, match="只有工会主席"):
        occasions.occasion_create(actor=chair, org=tree.school2, name="妇女病")


def test_a_visit_on_the_unions_own_occasion_is_recorded_and_counted_under_its_name(tree, chair, welfare):
    women = occasions.occasion_create(actor=chair, org=tree.school1, name="育龄女职工")
    visiting.condolence_standard_set(actor=chair, org=tree.school1, occasion=women.code, amount="200")
    member = MemberFactory(union=tree.school1, female=True)
    visit = make_visit(tree.school1, [member], occasion=women.code, amount="200", state=VisitState.RECORDED,
                       approver=welfare)  # fmt: skip

    assert visit.get_occasion_display() == "育龄女职工"
    values = {f.key: f for f in facts.year_facts(tree.school1, this_year())}
    assert values[f"care.condolence.{women.code}.times"].label == "育龄女职工慰问"
    assert values[f"care.condolence.{women.code}.amount"].value == Decimal("200.00")
    other = MemberFactory(union=tree.school2)
    with pytest.raises(DomainError, match="请选择慰问事由"):
        visiting.visit_create(actor=None, org=tree.school2, occasion=women.code, visited_on=dt.date.today(),
                              members=[other], amount_each=Decimal("100"))  # fmt: skip


def test_the_festival_figure_follows_the_flag_of_a_unions_own_festival(tree, county_officer, welfare, chair):
    mid_autumn = VisitOccasion.objects.create(org=tree.county, code="u-midautumn", name="中秋", festival=True,
                                              category=SpendingCategory.FESTIVAL)  # fmt: skip
    visiting.condolence_standard_set(actor=chair, org=tree.school1, occasion=mid_autumn.code, amount="100")
    retiree = MemberFactory(union=tree.school1, status=MemberStatus.RETIRED)
    teacher = MemberFactory(union=tree.school1)
    make_visit(tree.school1, [retiree, teacher], occasion=mid_autumn.code, amount="100",
               state=VisitState.RECORDED, approver=welfare)  # fmt: skip

    values = {f.key: f.value for f in facts.year_facts(tree.school1, this_year())}
    assert values["care.condolence.festival_retirees"] == 1
    mid_autumn.festival = False
    mid_autumn.save(update_fields=["festival"])
    values = {f.key: f.value for f in facts.year_facts(tree.school1, this_year())}
    assert values["care.condolence.festival_retirees"] == 0


def test_the_chair_adds_an_occasion_on_the_standards_page_and_the_visit_form_offers_it(
    tree, chair, client_for, welfare
):
    client = client_for(chair)
    url = reverse("care:condolence_standards")
    response = client.post(url, {"org": tree.school1.pk, "action": "occasion", "name": "妇女病",
                                 "category": SpendingCategory.CONDOLENCE, "hospital": "on"})  # fmt: skip
    assert response.status_code == 302
    row = VisitOccasion.objects.get(name="妇女病")
    assert (row.org, row.hospital, row.festival) == (tree.school1, True, False)
    assert "妇女病" in client.get(url, {"org": tree.school1.pk}).content.decode()
    form = client_for(welfare).get(reverse("care:visit_create")).content.decode()
    assert f'value="{row.code}"' in form and "妇女病" in form


def test_the_retiree_figure_follows_the_retirees_flag_and_counts_retired_members_only(tree, chair, welfare):
    elders = occasions.occasion_create(actor=chair, org=tree.school1, name="老同志生日", retirees=True)
    visiting.condolence_standard_set(actor=chair, org=tree.school1, occasion=elders.code, amount="100")
    retiree = MemberFactory(union=tree.school1, status=MemberStatus.RETIRED)
    teacher = MemberFactory(union=tree.school1)
    make_visit(tree.school1, [retiree, teacher], occasion=elders.code, amount="100", state=VisitState.RECORDED,
               approver=welfare)  # fmt: skip

    values = {f.key: f for f in facts.year_facts(tree.school1, this_year())}

    assert values["care.condolence.retirees"].value == 1  # the retiree, not the teacher
    assert values["care.condolence.festival_retirees"].value == 0  # not a festival
    assert values["care.condolence.retirees"].record_count == 1
