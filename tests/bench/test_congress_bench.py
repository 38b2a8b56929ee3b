"""The congress benchmark at a tiny size (3 unions, 30 proposals), so CI keeps the seeder and the
scenario working: the seeded data follows the app's rules, is kept when already there, and every
figure of the scenario is measured."""

from __future__ import annotations

import io

import pytest
from django.db.models import Count
from docx import Document

from bench import congress_seed
from bench.scenarios import congress
from bench.seed import bench_member_count, seed
from gonghui.congress.enums import REGISTERED_STATES, CongressKind, ProposalState
from gonghui.congress.models import Answer, CongressSession, CongressTerm, Cosigner, Delegate, Proposal
from gonghui.congress.proposal_queries import session_label
from tests.exporting import fetch_export

pytestmark = pytest.mark.django_db

UNIONS, PROPOSALS = 3, 30


@pytest.fixture
def setup() -> congress.Setup:
    seed(orgs=300)
    return congress.prepare(UNIONS, PROPOSALS)


def test_the_seeder_writes_the_asked_size_by_the_apps_rules_and_keeps_it(setup):
    proposals = Proposal.objects.filter(org__path__under=setup.county.path)
    assert CongressTerm.objects.filter(org__path__under=setup.county.path).count() == UNIONS
    assert proposals.count() == PROPOSALS
    assert bench_member_count() == 0  # delegates' members are not the members scenario's
    assert not Delegate.objects.filter(user=None).exists()
    for proposal in proposals.select_related("session__term", "proposer"):
        assert proposal.org_id == proposal.session.org_id == proposal.proposer.org_id
        assert proposal.proposer_user_id == proposal.proposer.user_id
        assert (proposal.number is not None) == (proposal.state in REGISTERED_STATES)
        if proposal.state != ProposalState.DRAFT:
            confirmed = Cosigner.objects.filter(proposal=proposal, confirmed_at__isnull=False).count()
            assert confirmed >= proposal.session.term.cosigners_required
        if proposal.first_answered_at is not None:
            assert Answer.objects.filter(proposal=proposal).exists()
    numbers = proposals.exclude(number=None).values("session", "number").annotate(n=Count("pk"))
    assert all(row["n"] == 1 for row in numbers)

    kept = list(proposals.values_list("pk", flat=True))
    assert congress_seed.congress_ready(UNIONS, PROPOSALS)
    congress.prepare(UNIONS, PROPOSALS)
    assert list(proposals.values_list("pk", flat=True)) == kept


def test_every_figure_is_measured(setup, client):
    results = congress.figures(setup, repeat=2, warmup=0)

    assert [r["figure"] for r in results] == [
        "proposal_list_county", "proposal_list_county_overdue", "proposal_list_chair", "session_report",
        "facts_county", "home_county",
    ]  # fmt: skip
    for row in results:
        assert row["value_ms"] > 0 and row["reference_ms"] > 0, row["figure"]
    client.force_login(setup.chair)
    response = fetch_export(client, f"/congress/sessions/{setup.session.pk}/proposal-report.docx")
    assert "提案办理情况的报告" in Document(io.BytesIO(response.content)).paragraphs[0].text
    # The list labels a session as str(session) does, with the union's name in front.
    session = CongressSession.objects.select_related("term", "org").get(pk=setup.session.pk)
    kinds = {str(value): str(label) for value, label in CongressKind.choices}
    label = session_label(session.org.name, session.term.number, session.term.kind, session.number, kinds)
    assert label == f"{session.org.name} {session}"
