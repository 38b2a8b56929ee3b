"""Data of the reports benchmark: one county subtree holding a year of records in every area the
summary reads, built by the other seeders' own functions (nothing new is generated here).

The county is the care county (bench/care_seed.py: ~100,000 members, 500,000 care records over
last year and this year). The congress data (bench/congress_seed.py: 500 unions with terms,
sessions, delegates, 50,000 proposals, suggestions) is written into the *same* county: the care
county's unions topped up to `unions` with `BCONG-` unions, as `seed_congress` does for the county
it chooses. Delegates are new members of their unions, so the subtree then holds the care members
plus the delegates. `bench-congress-admin` becomes 上级工会管理员 of the care county.

Voting and notices (bench/voting_county_seed.py) are written into the same county last: a year
of released polls (评优, 民主测评, 选举, 投票) with electorates, participations and ballots in every
union with members, their results and other matters on 公示, objections (and a lighter year before).

Idempotent: `reports_ready()` is true once the congress officer's county is the care county with
`unions` terms and `proposals` proposals; `voting_county_seed.voting_ready(county, year)` once the
county's unions hold the seeded polls of the report year. Then nothing is written; whatever is
(re)seeded upstream (care, congress) has the voting part seeded again after it.
"""

from __future__ import annotations

import random
import sys
import time

from django.db import transaction
from django.utils import timezone

from bench import care_seed, congress_seed, voting_county_seed
from bench.congress_seed import (
    DEFAULT_PROPOSALS,
    DEFAULT_UNIONS,
    CongressBuilder,
    CongressReport,
    _after_insert,
    _users,
    delete_congress_data,
    plan,
    top_up,
)
from bench.seed import DEFAULT_SEED, _sqlite_cache_size
from gonghui.core.models import Org
from gonghui.members.models import Member


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def county() -> Org | None:
    """The reports county: the care county (None until care data is seeded)."""
    return care_seed.officer_county()


def reports_ready(unions: int = DEFAULT_UNIONS, proposals: int = DEFAULT_PROPOSALS) -> bool:
    care = county()
    congress = congress_seed.officer_county()
    return (
        care is not None
        and congress is not None
        and congress.pk == care.pk
        and congress_seed.congress_ready(unions, proposals)
    )


def seed_congress_into(
    target: Org, unions: int = DEFAULT_UNIONS, proposals: int = DEFAULT_PROPOSALS, *, seed: int = DEFAULT_SEED
) -> CongressReport:
    """`congress_seed.seed_congress`, with the county given instead of chosen."""
    started = time.perf_counter()
    rng = random.Random(seed + 41)
    previous_cache = _sqlite_cache_size(-1_048_576)
    try:
        with transaction.atomic():
            delete_congress_data()
            chosen, added = top_up(target, unions, rng, seed)
            plans, chair = plan(chosen, proposals, rng)
            builder = CongressBuilder(rng, seed, timezone.localdate())
            departments = builder.departments(plans)
            members = builder.delegate_members(plans)
            report_session = 0
            for p in plans:
                latest = builder.union(p, members[p.org.pk], departments[p.org.pk])
                builder.plain_suggestions(p)
                if p is chair:
                    report_session = latest
            builder.flush()
            _users(target, chair.org)
    finally:
        _sqlite_cache_size(previous_cache)
    _after_insert([Org, Member, *(w.model for w in builder.writers)])
    return CongressReport(
        county=target.pk, county_name=target.name, unions=len(chosen), added_unions=added,
        chair_union=chair.org.pk, report_session=report_session, counts=builder.counts,
        seconds=time.perf_counter() - started,
    )  # fmt: skip


def seed_reports(
    members: int = care_seed.DEFAULT_MEMBERS,
    records: int = care_seed.DEFAULT_RECORDS,
    unions: int = DEFAULT_UNIONS,
    proposals: int = DEFAULT_PROPOSALS,
    *,
    year: int | None = None,
) -> Org:
    """The reports county, seeding what is missing: care first (unless a care county is there),
    then congress into it (unless already there at this size), then a year of voting and notices
    (`year`, default last year) unless already there or anything before it was seeded."""
    year = year or timezone.localdate().year - 1
    upstream = False
    if county() is None:
        log(f"  reports data: seeding care ({members} members, {records} records) ...")
        report = care_seed.seed_care(members, records)
        log(f"  seeded care in {report.seconds:.1f} s: {report.county_name}")
        upstream = True
    target = county()
    assert target is not None
    if reports_ready(unions, proposals):
        log(f"  reports data: {target.name} with care and congress data (kept)")
    else:
        log(
            f"  reports data: seeding congress ({unions} unions, {proposals} proposals) into {target.name} ..."
        )
        congress = seed_congress_into(target, unions, proposals)
        log(
            f"  seeded congress in {congress.seconds:.1f} s: {congress.unions} unions "
            f"({congress.added_unions} added), {congress.counts.get('proposal', 0)} proposals"
        )
        upstream = True
    if not upstream and voting_county_seed.voting_ready(target, year):
        log(f"  reports data: voting and notices of {year} in {target.name} (kept)")
        return target
    log(f"  reports data: seeding voting and notices of {year} into {target.name} ...")
    voting = voting_county_seed.seed_voting_into(target, year)
    c = voting.counts
    log(
        f"  seeded voting and notices in {voting.seconds:.1f} s: {voting.unions} unions, {c['poll']} polls "
        f"({c['poll.award']} 评优, {c['poll.evaluation']} 测评, {c['poll.election']} 选举, {c['poll.simple']} 投票), "
        f"{c['voter']} voters, {c['participation']} participations, {c['ballot']} ballots, "
        f"{c['notice']} notices, {c['objection']} objections"
    )
    return target
