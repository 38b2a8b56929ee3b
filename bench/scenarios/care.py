"""Care (帮扶 · 慰问) at county scale: a county subtree with 100,000 members and 500,000 care
records (bench/care_seed.py; BENCH_CARE_MEMBERS, BENCH_CARE_RECORDS).

(a) The due-list page (/care/due/, 应慰问名单) through Django's test client, as the chair and as
    the 生活委员 of the county's largest union: the birthday tab (this month), and the festival
    tab (春节/重阳 retirees) on a day inside the latest festival's window (?date=), against its raw
    SQL: every SELECT the page sent, replayed with a cursor; the rows SELECT alone beside it. The
    due-list is per union (the county officer runs no visits), so there is no county figure.
(b) The year totals page (/care/totals/, by spending category and kind) for the county officer
    (the whole subtree) and for the union's chair, against its SELECTs replayed.
(c) The care facts of the county's subtree for the year (`care.facts.year_facts`, what dashboards
    and the annual summary read) against their SELECTs replayed; each statement's plan is logged.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils import timezone

from bench import pages
from bench.care_seed import (
    CHAIR_USERNAME,
    DEFAULT_MEMBERS,
    DEFAULT_RECORDS,
    OFFICER_USERNAME,
    WELFARE_USERNAME,
    care_ready,
    officer_county,
    seed_care,
)
from bench.measure import REPEAT, WARMUP, Result, compare, repeats_within, result
from gonghui.care.duelists import FESTIVAL_DATES
from gonghui.care.facts import year_facts
from gonghui.care.models import LedgerEntry, LifeEventReport
from gonghui.core.enums import Role
from gonghui.core.facts import Period
from gonghui.core.models import Org, RoleAssignment, User
from gonghui.members.models import Member

SCENARIO = "care"
MEMBERS = int(os.environ.get("BENCH_CARE_MEMBERS", DEFAULT_MEMBERS))
RECORDS = int(os.environ.get("BENCH_CARE_RECORDS", DEFAULT_RECORDS))
PAGE_REPEAT = max(5, REPEAT // 2)
# Seconds of sampling per figure at most: a slow subject (a county's facts) gets fewer samples.
BUDGET_S = float(os.environ.get("BENCH_BUDGET_S", "8"))
MEMBER_TABLE = Member._meta.db_table
LEDGER_TABLE = LedgerEntry._meta.db_table
REPORT_TABLE = LifeEventReport._meta.db_table


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Setup:
    county: Org
    union: Org  # the chair's union: the county's largest
    officer: User
    chair: User
    welfare: User
    year: int
    festival_day: dt.date  # a day inside the latest festival's visiting window


def latest_festival(today: dt.date) -> dt.date:
    """Ten days before the latest 春节/重阳 on or before today (its due-list window is open)."""
    days = [day for dates in FESTIVAL_DATES.values() for day in dates.values() if day <= today]
    return max(days) - dt.timedelta(days=10) if days else today


def prepare(members: int = MEMBERS, records: int = RECORDS) -> Setup:
    """The care bench data, seeded unless exactly this size is there already."""
    if care_ready(members, records):
        log(f"  care data: {members} members, {records} records (kept)")
    else:
        log(f"  care data: seeding {members} members, {records} records ...")
        report = seed_care(members, records)
        c = report.counts
        log(
            f"  seeded in {report.seconds:.1f} s: {report.county_name} ({report.members} members, "
            f"{report.added_members} added), {c['ledgerentry']} ledger entries, {c['visit']} visits, "
            f"{c['visitmember']} visited members, {c['assistanceapplication']} applications, "
            f"{c['hardshipfile']} files, {c['lifeeventreport']} reports, {c['donation']} donations, "
            f"{c['donationcampaign']} drives, {c['recuperationtrip']} trips"
        )
    county = officer_county()
    if county is None:
        raise AssertionError("care bench data without its officer")
    union = (
        RoleAssignment.objects.select_related("org").get(user__username=CHAIR_USERNAME, role=Role.CHAIR).org
    )
    today = timezone.localdate()
    return Setup(
        county=county, union=union, officer=User.objects.get(username=OFFICER_USERNAME),
        chair=User.objects.get(username=CHAIR_USERNAME), welfare=User.objects.get(username=WELFARE_USERNAME),
        year=today.year, festival_day=latest_festival(today),
    )  # fmt: skip


def page_figure(
    figure: str, label: str, user: User, url: str, table: str | None, *, repeat: int, warmup: int
) -> Result:
    """A page against every SELECT it sent; with `table`, its rows SELECT (with a LIMIT) is
    reported beside it, else the SELECT of the ledger (the totals)."""
    client = pages.client_for(user)
    page = pages.getter(client, url)
    page()  # the first request also writes the session
    recorded = pages.statements(page)
    selects = pages.selects(recorded)
    if table is not None:
        rows_statement = pages.rows_select(recorded, table, url)
    else:
        rows_statement = next(s for s in selects if pages.reads(s[0], LEDGER_TABLE))
    fetched = pages.raw(rows_statement)()
    plan = pages.query_plan(rows_statement)
    log(f"  {figure}: {url} -> {len(fetched)} rows, {len(selects)} queries; rows plan: {plan}")
    raw = pages.raw(*selects)
    repeat = min(repeat, repeats_within(BUDGET_S, page, raw, cap=repeat))
    pair = compare(page, raw, repeat=repeat, warmup=min(warmup, repeat))
    rows_ms = pages.median_ms(pages.raw(rows_statement), repeat=max(5, repeat // 2))
    return result(
        SCENARIO, figure, label, pair, len(fetched), url=url, page_queries=len(selects), samples=repeat,
        rows_select_ms=round(rows_ms, 3), ratio_to_rows_select=round(pair.value_ms / rows_ms, 2), plan=plan,
    )  # fmt: skip


def facts_figure(setup: Setup, *, repeat: int, warmup: int) -> Result:
    period = Period.calendar_year(setup.year)

    def facts() -> list[Any]:
        return year_facts(setup.county, period, subtree=True)

    recorded = pages.statements(facts)
    raw = pages.raw(*recorded)
    counted = {fact.key: fact.value for fact in facts()}
    shown = ("care.hardship_aid.people", "care.hardship_aid.amount", "care.condolence.times", "care.total")
    log(
        f"  facts_county: {setup.county.name} {period.label}: {len(recorded)} queries; "
        + ", ".join(f"{key.removeprefix('care.')}={counted.get(key)}" for key in shown)
    )
    for number, statement in enumerate(recorded, start=1):
        log(f"    plan {number}: {pages.query_plan(statement)}")
    repeat = min(repeat, repeats_within(BUDGET_S, facts, raw, cap=repeat))
    pair = compare(facts, raw, repeat=repeat, warmup=min(warmup, 2))
    return result(
        SCENARIO, "facts_county", f"year_facts(county subtree, {period.label}) vs its SELECTs", pair,
        int(counted.get("care.condolence.times") or 0), queries=len(recorded), samples=repeat,
    )  # fmt: skip


def figures(setup: Setup, *, repeat: int = PAGE_REPEAT, warmup: int = WARMUP) -> list[Result]:
    pages.statements(lambda: None)  # the wrapper machinery imported before timing
    samples: dict[str, Any] = {"repeat": repeat, "warmup": warmup}
    org, year = setup.union.pk, setup.year
    due = f"/care/due/?org={org}"
    festival = f"{due}&tab=festival&date={setup.festival_day.isoformat()}"
    return [
        page_figure("duelist_birthday_chair", "due-list, birthdays this month, chair, vs its SQL", setup.chair,
                    f"{due}&tab=birthday", MEMBER_TABLE, **samples),
        page_figure("duelist_birthday_welfare", "due-list, birthdays this month, 生活委员, vs its SQL",
                    setup.welfare, f"{due}&tab=birthday", MEMBER_TABLE, **samples),
        page_figure("duelist_festival_chair", "due-list, festival retirees, chair, vs its SQL", setup.chair,
                    festival, MEMBER_TABLE, **samples),
        page_figure("duelist_reports_chair", "due-list, 五必访 reports, chair, vs its SQL", setup.chair,
                    f"{due}&tab=reports", REPORT_TABLE, **samples),
        page_figure("totals_county", "year totals, county officer (subtree), vs its SQL", setup.officer,
                    f"/care/totals/?year={year}", None, **samples),
        page_figure("totals_union", "year totals, chair of the union, vs its SQL", setup.chair,
                    f"/care/totals/?year={year}", None, **samples),
        facts_figure(setup, repeat=repeat * 2, warmup=warmup),
    ]  # fmt: skip


def run() -> list[Result]:
    setup = prepare()
    log(f"  database: {connection.vendor}; county {setup.county.name}, union {setup.union.name}")
    return figures(setup)
