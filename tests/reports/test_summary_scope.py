"""The summary is for the union the user means, and says which (issue 12 §2, points 1 and 3).

A superior union's summary generated with the form's defaults counts its whole subtree, and the
page and the document state the scope; every figure an area's facts hold is stated in that
area's section, not only in the appendix.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from docx import Document

from gonghui.care import campaigns, visiting
from gonghui.care.enums import Occasion, VisitState
from gonghui.members.enums import MemberStatus
from gonghui.reports import services
from gonghui.reports.models import PeriodKind, Summary
from gonghui.reports.summary import AREA_PREFIXES, area_keys
from gonghui.reports.summary_figures import Figures
from tests.care.visit_factories import make_visit, set_condolence_standards
from tests.exporting import fetch_export
from tests.members.factories import MemberFactory

from .summary_data import known_year

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


def _post(client, org, **extra):
    data = {"org": org.pk, "period_kind": "calendar", "year": this_year(), **extra}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("reports:summary_list"), data)
    assert response.status_code == 302, response.content.decode()[:1500]
    return Summary.objects.filter(org=org).latest("pk")


def _docx_text(content: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)


def test_a_superior_unions_default_summary_counts_its_subordinate_unions_and_says_so(
    tree, chair, county_officer, client_for
):
    known_year(tree.school1, chair)
    client = client_for(county_officer)

    obj = _post(client, tree.county)

    assert obj.subtree is True
    care = obj.paragraphs.get(section="area.care").text
    assert "全年共走访慰问职工3人次" in care
    assert "帮扶慰问" not in obj.paragraphs.get(section="problems").text
    scope = obj.paragraphs.get(section="scope").text
    assert "县教育总工会及所属下级工会" in scope and "基层工会2个" in scope
    page = client.get(reverse("reports:summary_detail", args=[obj.pk])).content.decode()
    assert "县教育总工会及所属下级工会（基层工会2个）" in page
    docx = _docx_text(fetch_export(client, reverse("reports:summary_docx", args=[obj.pk])).content)
    assert "本总结统计范围：县教育总工会及所属下级工会（基层工会2个）" in docx


def test_choosing_own_level_only_says_subordinate_unions_are_not_counted(
    tree, chair, county_officer, client_for
):
    known_year(tree.school1, chair)

    obj = _post(client_for(county_officer), tree.county, scope="own")

    assert obj.subtree is False
    assert "县教育总工会本级，不含下级工会" in obj.paragraphs.get(section="scope").text
    assert not obj.paragraphs.filter(section="area.care").exists()


def test_a_grassroots_union_defaults_to_its_own_figures(tree, chair, client_for):
    known_year(tree.school1, chair)

    obj = _post(client_for(chair), tree.school1)

    assert obj.subtree is False
    assert "第一中学工会本级" in obj.paragraphs.get(section="scope").text


def _rich_year(tree, chair, welfare):
    """known_year plus a 住院 and a 丧事 visit of retirees, a 疗休养 trip with its cost."""
    known_year(tree.school1, chair)
    set_condolence_standards(tree.school1)
    retiree = MemberFactory(union=tree.school1, status=MemberStatus.RETIRED)
    visiting.condolence_standard_set(actor=None, org=tree.school1, occasion=Occasion.FUNERAL, amount="800")
    make_visit(tree.school1, [retiree], occasion=Occasion.FUNERAL, amount="800", state=VisitState.RECORDED,
               approver=welfare)  # fmt: skip
    teacher = MemberFactory(union=tree.school1)
    campaigns.trip_create(actor=chair, org=tree.school1, title="暑期疗休养", place="千岛湖", provider="旅行社",
                          starts_on=dt.date.today(), ends_on=dt.date.today(), participants=[teacher],
                          cost="4200")  # fmt: skip


@pytest.fixture
def welfare(tree):
    from gonghui.core.enums import Portfolio, Role
    from tests.factories import RoleAssignmentFactory, UserFactory

    user = UserFactory(username="welfare")
    RoleAssignmentFactory(user=user, org=tree.school1, role=Role.COMMITTEE, portfolio=Portfolio.WELFARE)
    return user


@pytest.mark.parametrize("subtree", [False, True])
def test_every_figure_of_an_area_is_stated_in_its_section(tree, chair, welfare, subtree):
    _rich_year(tree, chair, welfare)
    with TestCase.captureOnCommitCallbacks(execute=True):
        obj = services.summary_create(actor=None, org=tree.school1, period_kind=PeriodKind.CALENDAR, year=this_year(),
                                      subtree=subtree)  # fmt: skip
    obj.refresh_from_db()
    facts = obj.fact_map()
    figures = Figures([])
    figures.by_key = facts  # type: ignore[assignment]  # area_keys reads only the keys
    missing = []
    for area in AREA_PREFIXES:
        paragraph = obj.paragraphs.filter(section=area).first()
        for key in area_keys(area, figures):
            row = facts[key]
            if not row["value"] or row["value"] in ("0", "0.00"):
                continue
            if paragraph is None or key not in paragraph.fact_keys or row["display"] not in paragraph.text:
                missing.append((area, key, row["label"], row["display"]))
    assert missing == []
    care = obj.paragraphs.get(section="area.care").text
    assert "住院慰问1人次（慰问金300元）" in care
    assert "丧事(直系亲属)慰问1人次（慰问金800元）" in care
    assert "支出疗休养费用4200元" in care
    if subtree:
        assert "所属基层工会1个" in obj.paragraphs.get(section="area.members").text
