"""The reports benchmark at a tiny size (1,000 members, 6,000 care records, 3 unions with 30
proposals in the same county, and a year of polls and notices in its unions), so CI keeps the
seeders and the scenario working: one county holds every area's data, it is kept when already
there, the seeded polls tally through the voting services, and every figure is measured."""

from __future__ import annotations

import pytest
from django.db.models import Count, Sum

from bench import care_seed, congress_seed, reports_seed, voting_county_seed
from bench.scenarios import reports
from bench.seed import seed
from gonghui.congress.models import CongressTerm, Proposal
from gonghui.notices.enums import NoticeState
from gonghui.notices.models import Notice, Objection
from gonghui.voting import services as voting_services
from gonghui.voting.enums import Channel, PollKind, PollState
from gonghui.voting.models import Ballot, PaperBatch, Participation, Poll, Voter

pytestmark = pytest.mark.django_db

SIZES = {"members": 1000, "records": 6000, "unions": 3, "proposals": 30}


@pytest.fixture
def setup() -> reports.Setup:
    seed(orgs=300)
    return reports.prepare(**SIZES)


def test_one_county_holds_care_and_congress_and_is_kept(setup):
    county = setup.county
    assert care_seed.officer_county() == congress_seed.officer_county() == county
    assert care_seed.record_count(county) == SIZES["records"]
    assert CongressTerm.objects.filter(org__path__under=county.path).count() == SIZES["unions"]
    proposals = Proposal.objects.filter(org__path__under=county.path)
    assert proposals.count() == SIZES["proposals"]
    assert reports_seed.reports_ready(SIZES["unions"], SIZES["proposals"])

    kept = list(proposals.order_by("pk").values_list("pk", flat=True))
    polls = list(Poll.objects.order_by("pk").values_list("pk", flat=True))
    assert reports.prepare(**SIZES).county == county
    assert list(proposals.order_by("pk").values_list("pk", flat=True)) == kept
    assert list(Poll.objects.order_by("pk").values_list("pk", flat=True)) == polls


def test_every_union_holds_a_year_of_polls_that_tally(setup):
    county, year = setup.county, setup.year
    assert voting_county_seed.officer_county() == county
    assert voting_county_seed.voting_ready(county, year)
    planned = voting_county_seed.planned_unions(county)
    polls = Poll.objects.filter(org__path__under=county.path)
    released = polls.filter(state=PollState.RELEASED, closed_at__year=year)
    assert set(released.values_list("org_id", flat=True)) == planned
    per_union = released.values("org_id").annotate(n=Count("pk")).values_list("n", flat=True)
    assert set(per_union) <= {1, 2, 3}
    assert polls.filter(closed_at__year=year - 1).exists() or len(planned) < 3  # the year before, lighter

    for poll in released:
        voters = Voter.objects.filter(poll=poll).count()
        online = Participation.objects.filter(poll=poll, channel=Channel.ONLINE).count()
        paper = Participation.objects.filter(poll=poll, channel=Channel.PAPER_COUNT).count()
        entered = PaperBatch.objects.filter(poll=poll).aggregate(v=Sum("valid"), i=Sum("invalid"))
        assert 0 < online + paper <= voters and voters <= 60
        assert Ballot.objects.filter(poll=poll).count() == online == poll.ballots_at_close - paper
        assert (entered["v"] or 0) + (entered["i"] or 0) == paper
        for ballot in Ballot.objects.filter(poll=poll):  # each ballot as the ballot box takes it
            assert voting_services.clean_choices(poll, ballot.choices) == ballot.choices
        results = voting_services.poll_tally(poll)
        if poll.kind == PollKind.EVALUATION:
            assert results.people and results.ballots == online
        else:
            assert results.counted is not None and results.counted.total == online + paper
        if poll.notice_id is not None:
            notice = Notice.objects.get(pk=poll.notice_id)
            assert poll.kind == PollKind.AWARD and notice.subject == poll
            assert poll.award_final == (notice.state == NoticeState.FINAL)
            assert all(row.name in notice.body for row in results.counted.elected)  # type: ignore[union-attr]

    notices = Notice.objects.filter(org__path__under=county.path)
    assert notices.filter(starts_on__year=year).exists()
    for notice in notices.filter(state=NoticeState.CLOSED_PENDING):
        assert notice.objections.filter(state="submitted").exists()
    assert not Objection.objects.filter(notice__state=NoticeState.FINAL, state="submitted").exists()


def test_every_figure_is_measured(setup):
    results = reports.figures(setup, repeat=2, warmup=0)

    assert [r["figure"] for r in results] == ["summary_county", "facts_county", "dashboard_county"]
    for row in results:
        assert row["value_ms"] > 0 and row["reference_ms"] > 0, row["figure"]
        assert row["queries"] > 0 and row["rows"] > 0
    summary = results[0]
    for section in ("area.congress", "area.voting", "area.notices", "area.care", "area.members"):
        assert section in summary["sections"], section
    assert 0 < len(summary["slowest"]) <= reports.TOP
