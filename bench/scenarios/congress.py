"""Congress (教代会/职代会) at county scale: a county subtree of 500 unions with 50,000 proposals
(bench/congress_seed.py; BENCH_CONGRESS_UNIONS, BENCH_PROPOSALS).

(a) The proposal list page (/congress/proposals/) through Django's test client, as the county's
    上级工会管理员 over the whole subtree (first page, and the 督办 filter), and as the chair of
    the union with the largest session, against its raw SQL: every SELECT the page sent (session,
    user, roles, the sessions it reaches, its rows, unread count), recorded from the page itself
    and replayed with a cursor. The rows SELECT alone is reported beside it (`rows_select_ms`).
(b) The session report (提案办理情况报告, DOCX) of that union's latest session, built for its
    chair as the worker builds it (core.exports: the page only queues it), against all the SELECTs
    the build runs, replayed. Beside it: `build_ms`, the
    document alone (`proposal_report_docx`), and `empty_docx_ms`, python-docx opening its template
    and saving it with nothing in it (no DOCX costs less here).
(c) County-wide: the congress facts of the county's subtree for the year (`facts.year_facts`, what
    dashboards and the annual summary read) against their SELECTs replayed, and the county
    officer's congress home page (every union of the subtree, roll-up figures) against its SELECTs.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from docx import Document

from bench import pages
from bench.congress_seed import (
    CHAIR_USERNAME,
    DEFAULT_PROPOSALS,
    DEFAULT_UNIONS,
    OFFICER_USERNAME,
    congress_ready,
    officer_county,
    seed_congress,
)
from bench.measure import REPEAT, WARMUP, Result, compare, repeats_within, result
from gonghui.congress.documents import proposal_report_docx
from gonghui.congress.exports import PROPOSAL_REPORT
from gonghui.congress.facts import year_facts
from gonghui.congress.models import CongressSession, Proposal
from gonghui.core.enums import Role
from gonghui.core.facts import Period
from gonghui.core.models import Org, RoleAssignment, User

SCENARIO = "congress"
UNIONS = int(os.environ.get("BENCH_CONGRESS_UNIONS", DEFAULT_UNIONS))
PROPOSALS = int(os.environ.get("BENCH_PROPOSALS", DEFAULT_PROPOSALS))
PAGE_REPEAT = max(5, REPEAT // 2)
# Seconds of sampling for a figure whose subject is slow (the DOCX report: a few hundred proposals).
BUDGET_S = float(os.environ.get("BENCH_BUDGET_S", "8"))
PROPOSAL_TABLE = Proposal._meta.db_table


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Setup:
    county: Org
    officer: User
    chair: User
    union: Org
    session: CongressSession  # the chair's union's latest session: the report's


def prepare(unions: int = UNIONS, proposals: int = PROPOSALS) -> Setup:
    """The congress bench data, seeded unless exactly this size is there already."""
    if congress_ready(unions, proposals):
        log(f"  congress data: {unions} unions, {proposals} proposals (kept)")
    else:
        log(f"  congress data: seeding {unions} unions, {proposals} proposals ...")
        report = seed_congress(unions, proposals)
        counts = report.counts
        log(
            f"  seeded in {report.seconds:.1f} s: {report.county_name} ({report.unions} unions, "
            f"{report.added_unions} added), {counts['congresssession']} sessions, {counts['delegate']} delegates "
            f"(new members), {counts['proposal']} proposals, {counts['cosigner']} co-signers, "
            f"{counts['assignment']} assignments, {counts['answer']} answers, {counts['ratingrecord']} ratings, "
            f"{counts['suggestion']} suggestions, {counts['departments']} departments"
        )
    county = officer_county()
    if county is None:
        raise AssertionError("congress bench data without its officer")
    union = (
        RoleAssignment.objects.select_related("org").get(user__username=CHAIR_USERNAME, role=Role.CHAIR).org
    )
    session = CongressSession.objects.select_related("term").filter(org=union).order_by("-number").first()
    if session is None:
        raise AssertionError("the congress chair's union has no session")
    return Setup(
        county=county,
        officer=User.objects.get(username=OFFICER_USERNAME),
        chair=User.objects.get(username=CHAIR_USERNAME),
        union=union,
        session=session,
    )


# (a) the proposal list ---------------------------------------------------------------------------


def list_figure(figure: str, label: str, user: User, url: str, *, repeat: int, warmup: int) -> Result:
    client = pages.client_for(user)
    page = pages.getter(client, url)
    page()  # the first request also writes the session
    inspected = pages.inspect(client, url, PROPOSAL_TABLE)
    fetched = pages.raw(inspected.rows)()
    plan = pages.query_plan(inspected.rows)
    log(f"  {figure}: {url} -> {len(fetched)} rows, {len(inspected.selects)} queries; rows plan: {plan}")
    pair = compare(page, pages.raw(*inspected.selects), repeat=repeat, warmup=warmup)
    rows_ms = pages.median_ms(pages.raw(inspected.rows), repeat=max(5, repeat // 2))
    return result(
        SCENARIO, figure, label, pair, len(fetched), url=url, page_queries=len(inspected.selects),
        rows_select_ms=round(rows_ms, 3), ratio_to_rows_select=round(pair.value_ms / rows_ms, 2), plan=plan,
    )  # fmt: skip


# (b) the session report --------------------------------------------------------------------------


def _empty_docx() -> bytes:
    buffer = io.BytesIO()
    Document().save(buffer)
    return buffer.getvalue()


def report_figure(setup: Setup, *, repeat: int, warmup: int) -> Result:
    url = f"/congress/sessions/{setup.session.pk}/proposal-report.docx"

    def download() -> Any:
        return PROPOSAL_REPORT.build(setup.chair, {"pk": setup.session.pk})

    download()
    recorded = pages.selects(pages.statements(download))
    raw = pages.raw(*recorded)
    size = len(download().content)
    proposals = Proposal.objects.filter(session=setup.session).count()
    samples = min(repeat, repeats_within(BUDGET_S, download, raw, cap=repeat))
    log(
        f"  session_report: {url} ({setup.union.name}, {proposals} proposals) -> {size // 1024} KiB, "
        f"{len(recorded)} queries, {samples} samples"
    )
    pair = compare(download, raw, repeat=samples, warmup=min(warmup, 2))
    build_ms = pages.median_ms(lambda: proposal_report_docx(setup.session), repeat=max(3, samples // 4))
    empty_ms = pages.median_ms(_empty_docx, repeat=max(3, samples // 4))
    return result(
        SCENARIO, "session_report", "提案办理情况报告 DOCX built for the chair (worker) vs its SELECTs", pair, proposals, url=url,
        page_queries=len(recorded), docx_bytes=size, samples=samples, build_ms=round(build_ms, 2),
        empty_docx_ms=round(empty_ms, 2),
    )  # fmt: skip


# (c) county-wide ---------------------------------------------------------------------------------


def facts_figure(setup: Setup, *, repeat: int, warmup: int) -> Result:
    period = Period.calendar_year(setup.session.date.year)

    def facts() -> list[Any]:
        return year_facts(setup.county, period, subtree=True)

    recorded = pages.statements(facts)
    raw = pages.raw(*recorded)
    counted = {fact.key: fact.value for fact in facts()}
    log(
        f"  facts_county: {setup.county.name} {period.label}: {len(recorded)} queries; "
        + ", ".join(f"{key.removeprefix('congress.')}={value}" for key, value in counted.items())
    )
    for number, statement in enumerate(recorded, start=1):
        log(f"    plan {number}: {pages.query_plan(statement)}")
    pair = compare(facts, raw, repeat=repeat, warmup=warmup)
    return result(
        SCENARIO, "facts_county", f"year_facts(county subtree, {period.label}) vs its SELECTs", pair,
        int(counted.get("congress.proposals") or 0), queries=len(recorded),
    )  # fmt: skip


def home_figure(setup: Setup, *, repeat: int, warmup: int) -> Result:
    client = pages.client_for(setup.officer)
    url = f"/congress/?year={setup.session.date.year}"
    page = pages.getter(client, url)
    page()  # the first request also writes the session
    recorded = pages.selects(pages.statements(page))
    raw = pages.raw(*recorded)
    log(f"  home_county: {url} -> {len(recorded)} queries")
    pair = compare(page, raw, repeat=repeat, warmup=warmup)
    unions = Org.objects.filter(path__under=setup.county.path, kind__in=["grassroots", "joint"]).count()
    return result(
        SCENARIO, "home_county", "congress home, county officer (roll-up of every union) vs its SELECTs",
        pair, unions, url=url, page_queries=len(recorded),
    )  # fmt: skip


def figures(setup: Setup, *, repeat: int = PAGE_REPEAT, warmup: int = WARMUP) -> list[Result]:
    pages.statements(lambda: None)  # the wrapper machinery imported before timing
    county, chair = setup.officer, setup.chair
    samples: dict[str, Any] = {"repeat": repeat, "warmup": warmup}
    figure: Callable[..., Result] = list_figure
    return [
        figure("proposal_list_county", "proposal list, county officer, 1st page, vs its SQL", county,
               "/congress/proposals/", **samples),
        figure("proposal_list_county_overdue", "proposal list, county officer, 督办 filter, vs its SQL", county,
               "/congress/proposals/?overdue=on", **samples),
        figure("proposal_list_chair", "proposal list, chair of the largest union, vs its SQL", chair,
               "/congress/proposals/", **samples),
        report_figure(setup, **samples),
        facts_figure(setup, repeat=repeat * 2, warmup=warmup),
        home_figure(setup, **samples),
    ]  # fmt: skip


def run() -> list[Result]:
    setup = prepare()
    log(f"  database: {connection.vendor}; county {setup.county.name}, chair's union {setup.union.name}")
    return figures(setup)
