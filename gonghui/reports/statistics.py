"""The 基层工会 statistics table (REFERENCE.md §3, issue 7 point 5): the statistical year's figures
(1 October of the previous year to 30 September) in the official layout, filled from facts.

The layout is data (`SECTIONS`): each item names the fact key(s) it sums, so a figure here is the
same number as on the dashboard and in the summary. Items whose facts no app provides (activities,
funds until those apps exist) are left out, so an app added later fills its rows by registering its
facts.

A superior union gets its subtree total (from `collect`, like every other figure) and a sheet with
one row per grassroots union in the subtree, from `core.facts.facts_by_union` (the apps' grouped
providers: one grouped query per source over the whole subtree, not one `collect` per union).
Records of the superior unions themselves go to a "本级及其他" row, so the total row always
equals the sum of the rows and the subtree total.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gonghui.core.enums import OrgKind, OrgStatus
from gonghui.core.facts import Fact, Period, collect, facts_by_union, percent
from gonghui.core.models import Org

Number = int | float | Decimal
UNIT_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)


@dataclass(frozen=True)
class Item:
    code: str
    label: Any  # lazy Chinese label
    unit: Any
    keys: tuple[str, ...]  # the fact keys summed into the figure
    # A rate: the fact key of the rate and the (numerator, denominator) items' keys for unit rows.
    ratio: tuple[str, str] | None = None
    # A total (合计): the codes of the lines it sums (a test holds it to their sum).
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    title: Any
    items: tuple[Item, ...]


L = gettext_lazy
SECTIONS: tuple[Section, ...] = (
    Section(L("一、组织建设"), (
        Item("01", L("职工人数"), L("人"), ("members.workforce",)),
        Item("02", L("会员人数"), L("人"), ("members.active",)),
        Item("03", L("其中：女会员"), L("人"), ("members.women",)),
        Item("04", L("其中：农民工会员"), L("人"), ("members.migrant",)),
        Item("05", L("其中：劳务派遣会员"), L("人"), ("members.agency",)),
        Item("06", L("本年新入会会员"), L("人"), ("members.new",)),
        Item("07", L("离退休会员"), L("人"), ("members.retired",)),
        Item("08", L("入会率"), "%", ("members.join_rate",), ratio=("members.active", "members.workforce")),
    )),
    Section(L("二、民主管理"), (
        Item("09", L("召开教(职)代会"), L("次"), ("congress.sessions",)),
        Item("10", L("职工代表提交提案"), L("件"), ("congress.proposals",)),
        Item("11", L("其中：立案"), L("件"), ("congress.registered",)),
        Item("12", L("合理化建议"), L("条"), ("congress.suggestions",)),
        Item("13", L("其中：采纳"), L("条"), ("congress.suggestions_adopted",)),
        Item("14", L("厂务(校务)公开公示事项"), L("项"), ("notices.held",)),
        Item("15", L("组织民主选举、测评、评优和投票"), L("次"), ("voting.polls",)),
    )),
    Section(L("三、保障工作"), (
        Item("16", L("困难职工建档"), L("人"), ("care.files.open",)),
        Item("17", L("帮扶困难职工"), L("人次"), ("care.hardship_aid.times",)),
        Item("18", L("帮扶金额"), L("元"), ("care.hardship_aid.amount",)),
        Item("19", L("金秋助学"), L("人次"), ("care.student_aid.times",)),
        Item("20", L("助学金额"), L("元"), ("care.student_aid.amount",)),
        Item("21", L("走访慰问职工"), L("人次"), ("care.condolence.times",)),
        Item("22", L("发放慰问金"), L("元"), ("care.condolence.amount",)),
        # 合计 is the sum of its lines 18, 20 and 22 (care.total is defined so).
        Item("23", L("帮扶慰问支出合计"), L("元"), ("care.total",), parts=("18", "20", "22")),
        Item("29", L("组织捐款活动募集善款"), L("元"), ("care.donation.amount",)),
        Item("30", L("参与捐款"), L("人次"), ("care.donation.donors",)),
        Item("31", L("组织职工体检"), L("人"), ("care.health.checkup.attended",)),
        Item("32", L("女职工妇科检查"), L("人"), ("care.health.women.attended",)),
        Item("33", L("体检费用"), L("元"), ("care.health.checkup.amount", "care.health.women.amount")),
        Item("34", L("职工疗休养"), L("人次"), ("care.recuperation.times",)),
        Item("35", L("疗休养费用"), L("元"), ("care.recuperation.amount",)),
    )),
    Section(L("四、宣传教育和职工文体"), (
        Item("24", L("开展文体活动"), L("次"), ("activities.held",)),
        Item("25", L("参加活动职工"), L("人次"), ("activities.participants",)),
        Item("26", L("职工培训"), L("人次"), ("training.times",)),
    )),
    Section(L("五、经费"), (
        Item("27", L("经费收入"), L("元"), ("funds.income",)),
        Item("28", L("经费支出"), L("元"), ("funds.expense",)),
    )),
)  # fmt: skip


# --- the union's own table (its subtree), from collect -------------------------------------------


@dataclass(frozen=True)
class Cell:
    item: Item
    value: Number | None
    facts: tuple[Fact, ...]

    @property
    def records_url(self) -> str:
        return self.facts[0].records_url if len(self.facts) == 1 else ""


@dataclass(frozen=True)
class TableSection:
    title: Any
    cells: tuple[Cell, ...]


@dataclass
class Table:
    org: Org
    period: Period
    year: int
    sections: list[TableSection]
    units: list[UnitRow] = field(default_factory=list)
    unit_items: list[Item] = field(default_factory=list)

    @property
    def cells(self) -> list[Cell]:
        return [cell for section in self.sections for cell in section.cells]

    @property
    def total_row(self) -> dict[str, Number | None]:
        return total_values(self.units, self.unit_items)


def _sum(values: list[Number | None]) -> Number | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    total: Number = 0
    for v in present:
        total = total + v  # type: ignore[operator]
    return total


def table(org: Org, year: int, *, superior: bool = False) -> Table:
    period = Period.statistical_year(year)
    facts = {fact.key: fact for fact in collect(org, period, subtree=True)}
    sections = []
    for section in SECTIONS:
        cells = []
        for item in section.items:
            found = tuple(facts[key] for key in item.keys if key in facts)
            if not found:
                continue  # no app provides this figure (yet)
            cells.append(Cell(item, _sum([fact.value for fact in found]), found))
        if cells:
            sections.append(TableSection(section.title, tuple(cells)))
    result = Table(org, period, year, sections)
    if superior:
        present = {cell.item.code for cell in result.cells}
        result.unit_items = [item for item in unit_items() if item.code in present]
        result.units = unit_rows(org, period)
    return result


# --- one row per grassroots union: grouped queries over the subtree -----------------------------

# The fact keys a unit row can hold: those the apps' grouped providers give (`facts_by_union`).
GROUPED_KEYS = frozenset({
    "members.workforce", "members.active", "members.women", "members.migrant", "members.agency",
    "members.new", "members.retired",
    "congress.sessions", "congress.proposals", "congress.registered", "congress.suggestions",
    "congress.suggestions_adopted",
    "notices.held",
    "voting.polls",
    "care.hardship_aid.times", "care.hardship_aid.amount", "care.student_aid.times",
    "care.student_aid.amount", "care.condolence.amount", "care.total", "care.files.open",
    "care.condolence.times",
})  # fmt: skip


def unit_items() -> list[Item]:
    """The items a unit row can hold: every key has a grouped source (rates from their parts)."""
    items = []
    for section in SECTIONS:
        for item in section.items:
            needed = item.ratio if item.ratio else item.keys
            if all(key in GROUPED_KEYS for key in needed):
                items.append(item)
    return items


@dataclass
class UnitRow:
    org: Org | None  # None: records of the superior unions themselves (本级及其他)
    values: dict[str, Any] = field(default_factory=dict)  # int counts, Decimal amounts

    @property
    def name(self) -> str:
        return self.org.name if self.org is not None else _("本级及其他")

    def value(self, item: Item) -> Number | None:
        if item.ratio:
            return percent(float(self.values.get(item.ratio[0], 0)), float(self.values.get(item.ratio[1], 0)))
        return _sum([self.values.get(key, 0) for key in item.keys])


def unit_rows(org: Org, period: Period) -> list[UnitRow]:
    """One row per active grassroots (or joint) union under `org`, from `facts_by_union` (a fixed
    number of grouped queries). `org` is asked too: being above them, it keeps what no unit
    holds (its own records, its groups', those of superior unions between), the 本级及其他 row."""
    units = list(
        Org.objects.filter(path__under=org.path, kind__in=UNIT_KINDS, status=OrgStatus.ACTIVE)
        .exclude(pk=org.pk)
        # By code then name (a union without a code after those with one), not by path as text
        # (where /1/10/ sorts before /1/9/).
        .order_by(F("code").asc(nulls_last=True), "name", "pk")
    )
    by_union = facts_by_union([*units, org], period, keys=GROUPED_KEYS)
    rest = UnitRow(None, _values(by_union[org.pk]))
    result = [UnitRow(unit, _values(by_union[unit.pk])) for unit in units]
    if any(rest.values.values()):
        result.append(rest)
    return result


def _values(facts: list[Fact]) -> dict[str, Any]:
    return {fact.key: fact.value if fact.value is not None else 0 for fact in facts}


def total_values(rows: list[UnitRow], items: list[Item]) -> dict[str, Number | None]:
    """The total row: each item summed over the rows; a rate from its summed parts."""
    total = UnitRow(None)
    for row in rows:
        for key, value in row.values.items():
            total.values[key] = total.values.get(key, 0) + value
    return {item.code: total.value(item) for item in items}


# --- Excel --------------------------------------------------------------------------------------


def _cell_value(value: Number | None) -> Any:
    if value is None:
        return ""
    return float(value) if isinstance(value, Decimal) else value


def _print_setup(sheet: Any, *, header_row: int, landscape: bool) -> None:
    """A4, fitted to one page wide (as many pages tall as needed), centred, the rows from the
    title to the header repeated on every printed page, the page number in the footer."""
    sheet.set_paper(9)  # A4
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.fit_to_pages(1, 0)
    sheet.center_horizontally()
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    sheet.repeat_rows(0, header_row)
    sheet.set_footer("&C" + _("第 &P 页，共 &N 页"))


def workbook(result: Table, *, filled_by: str, today: dt.date) -> bytes:
    """Sheet 1 the union's table; sheet 2 (a superior union) one row per unit and a total row."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    title = book.add_format({"bold": True, "font_size": 16, "align": "center"})
    header = book.add_format(
        {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1, "align": "center"}
    )
    section = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = book.add_format({"border": 1})
    number = book.add_format({"border": 1, "num_format": "#,##0.##"})
    bold_number = book.add_format({"border": 1, "bold": True, "num_format": "#,##0.##"})
    date = f"{today.year}年{today.month}月{today.day}日"
    period = result.period
    span = f"{period.start:%Y-%m-%d} — {period.end:%Y-%m-%d}"

    sheet = book.add_worksheet(_("统计表"))
    # Printed on A4 portrait: name 30 + code 7 + unit 9 + value 16 characters fit the width, so
    # the value column is on the page; fit to one page wide, the title and header on every page.
    sheet.set_column(0, 0, 30)
    sheet.set_column(1, 1, 7)
    sheet.set_column(2, 2, 9)
    sheet.set_column(3, 3, 16)
    _print_setup(sheet, header_row=4, landscape=False)
    sheet.merge_range(0, 0, 0, 3, _("%(year)s年度基层工会统计表") % {"year": result.year}, title)
    sheet.write(1, 0, _("填报单位：%(org)s") % {"org": result.org.name})
    sheet.write(2, 0, _("统计年度：%(label)s（%(span)s）") % {"label": period.label, "span": span})
    sheet.write_row(4, 0, [_("指标名称"), _("代码"), _("计量单位"), _("数值")], header)
    line = 5
    for part in result.sections:
        sheet.merge_range(line, 0, line, 3, str(part.title), section)
        line += 1
        for c in part.cells:
            sheet.write_row(line, 0, [str(c.item.label), c.item.code, str(c.item.unit)], cell)
            sheet.write(line, 3, _cell_value(c.value), number)
            line += 1
    line += 1
    sheet.write(line, 0, _("填报人：%(name)s") % {"name": filled_by})
    sheet.write(line + 1, 0, _("填报日期：%(date)s") % {"date": date})

    if result.units:
        items = result.unit_items
        units = book.add_worksheet(_("下级基层工会"))
        units.set_column(0, 0, 24)
        # Narrow value columns under wrapped headers, so a county's ~20 items print legibly on
        # one landscape A4 page width.
        units.set_column(1, len(items), 9)
        units.set_row(2, 48)
        _print_setup(units, header_row=2, landscape=True)
        units.write(
            0, 0, _("%(org)s %(label)s 基层工会统计汇总") % {"org": result.org.name, "label": period.label}
        )
        wrapped = book.add_format(
            {"bold": True, "bg_color": "#1F4E78", "font_color": "#FFFFFF", "border": 1, "align": "center",
             "valign": "vcenter", "text_wrap": True, "font_size": 9}
        )  # fmt: skip
        units.write_row(2, 0, [_("单位名称"), *(f"{item.label}({item.unit})" for item in items)], wrapped)
        units.freeze_panes(3, 1)
        line = 3
        for row in result.units:
            units.write(line, 0, row.name, cell)
            for col, item in enumerate(items, start=1):
                units.write(line, col, _cell_value(row.value(item)), number)
            line += 1
        units.write(line, 0, _("合计"), section)
        totals = result.total_row
        for col, item in enumerate(items, start=1):
            units.write(line, col, _cell_value(totals[item.code]), bold_number)
    book.close()
    return buffer.getvalue()
