"""The statistics table opens on today's statistical year, never shows a negative year after a
reversal, its 合计 is the sum of its lines, child units sort by code then name, care rows for
donations, 体检 and 疗休养 appear, and the XLSX prints on A4 (issue 12 §2)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.care import campaigns, services
from gonghui.care.enums import HealthKind, Occasion, VisitState
from gonghui.care.models import LedgerEntry
from gonghui.core.facts import Period
from gonghui.reports import statistics
from gonghui.reports.views.statistics import current_year
from tests.care.factories import make_application, set_standards
from tests.care.visit_factories import make_visit, set_condolence_standards
from tests.exporting import fetch_export
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db
URL = reverse("reports:statistics")
EXPORT = reverse("reports:statistics_export")


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return timezone.localdate()


def statistical_year() -> int:
    return current_year(today())


def _values(table) -> dict:
    return {cell.item.code: cell.value for cell in table.cells}


def test_the_page_opens_on_the_statistical_year_holding_today(client_for, chair):
    response = client_for(chair).get(URL)

    period = response.context["table"].period
    assert period == Period.statistical_year(statistical_year()) and period.contains(today())
    assert f"{period.start:%Y-%m-%d}" in response.content.decode()


def test_a_reversal_of_last_years_payment_never_makes_this_years_aid_negative(tree, chair):
    set_standards(tree.school1)
    member = MemberFactory(union=tree.school1)
    last = Period.statistical_year(statistical_year() - 1)
    paid = make_application(member, amount="700", state="paid", approver=chair, paid_on=last.end)
    services.ledger_reverse(actor=None, entry=LedgerEntry.objects.get(application=paid), reason="重复发放",
                            reversed_on=today())  # fmt: skip

    this_year = statistics.table(tree.county, statistical_year(), superior=True)
    last_year = statistics.table(tree.county, statistical_year() - 1, superior=True)

    assert _values(this_year)["18"] == Decimal("0.00")
    assert _values(last_year)["18"] == Decimal("0.00")
    assert all(row.value(item) >= 0 for row in this_year.units for item in this_year.unit_items
               if row.value(item) is not None)  # fmt: skip


def test_the_care_total_is_the_sum_of_its_lines_beside_a_trip_and_a_checkup(tree, chair):
    set_standards(tree.school1)
    set_condolence_standards(tree.school1)
    member = MemberFactory(union=tree.school1, female=True)
    make_application(member, amount="1000", state="paid", approver=chair)
    make_application(member, kind="student_aid", amount="800", state="paid", approver=chair)
    welfare_approver = chair
    make_visit(tree.school1, [member], occasion=Occasion.SPRING_FESTIVAL, amount="500", state=VisitState.RECORDED,
               approver=welfare_approver, recorder=None)  # fmt: skip
    campaigns.trip_create(actor=chair, org=tree.school1, title="疗休养", place="千岛湖", provider="旅行社",
                          starts_on=today(), ends_on=today(), participants=[member], cost="3000")  # fmt: skip
    campaigns.health_campaign_create(actor=chair, org=tree.school1, kind=HealthKind.CHECKUP, year=today().year,
                                     title="体检", starts_on=today(), ends_on=today(), provider="医院", cost="900")  # fmt: skip

    table = statistics.table(tree.school1, statistical_year())
    values = _values(table)

    total = next(cell for cell in table.cells if cell.item.code == "23")
    assert total.item.parts == ("18", "20", "22")
    assert values["23"] == sum(values[code] for code in total.item.parts) == Decimal("2300.00")
    # The rows of donations, 体检 and 疗休养 are there, each with its own figure.
    assert (values["31"], values["33"], values["34"], values["35"]) == (
        0,
        Decimal("900.00"),
        1,
        Decimal("3000.00"),
    )
    assert "29" in values and "30" in values
    county = statistics.table(tree.county, statistical_year(), superior=True)
    assert county.total_row["23"] == Decimal("2300.00")


def test_child_units_sort_by_code_then_name_not_by_path(tree):
    tree.school1.code, tree.school2.code = "0200", "0100"
    tree.school1.save(update_fields=["code"])
    tree.school2.save(update_fields=["code"])

    table = statistics.table(tree.county, statistical_year(), superior=True)

    assert [row.org for row in table.units] == [tree.school2, tree.school1]


def test_the_xlsx_prints_on_a4_fitted_to_the_width_with_title_rows(client_for, county_officer, tree):
    content = fetch_export(
        client_for(county_officer), EXPORT, {"org": tree.county.pk, "year": statistical_year()}
    ).content
    book = openpyxl.load_workbook(io.BytesIO(content))

    for name, rows in (("统计表", "$1:$5"), ("下级基层工会", "$1:$3")):
        sheet = book[name]
        assert int(sheet.page_setup.paperSize) == 9, name
        # fitToWidth 1 is the file format's default, so xlsxwriter leaves it out.
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (None, 1), name
        assert sheet.page_setup.fitToHeight == 0, name
        assert sheet.print_title_rows == rows, name
    assert book["下级基层工会"].page_setup.orientation == "landscape"
    widths = sum(book["统计表"].column_dimensions[c].width for c in "ABCD")
    assert widths <= 90  # A4 portrait holds about 90 characters at 11 pt: the value column fits
