"""Congress session pages: home (union and superior), session detail with check-in, quorum and
agenda results, the delegates of a term — happy paths, HTMX fragment, query pins, 404s."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.congress import services
from gonghui.congress.enums import ItemResult, ProposalState, SessionStatus, SuggestionState
from gonghui.congress.models import AgendaItem, Attendance, CongressSession, CongressTerm, Delegate
from gonghui.core.enums import OrgKind, Role
from tests.exporting import fetch_export
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from .factories import (
    DelegateFactory,
    ProposalFactory,
    SessionFactory,
    SuggestionFactory,
    TermFactory,
    today,
    union_member,
)

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


# --- home ---------------------------------------------------------------------------------------


def test_the_union_home_lists_terms_and_sessions_with_create_forms(session, chair, client_for):
    page = html(client_for(chair).get(reverse("congress:home")))

    assert "第六届教职工代表大会" in page
    assert reverse("congress:session_detail", args=[session.pk]) in page
    assert 'id="term-form"' in page and 'id="session-form"' in page


def test_a_member_sees_the_sessions_but_no_create_forms(session, member, client_for):
    page = html(client_for(member).get(reverse("congress:home")))

    assert reverse("congress:session_detail", args=[session.pk]) in page
    assert 'id="term-form"' not in page


def test_the_chair_creates_a_term_and_a_session_from_the_home_page(tree, chair, client_for):
    client = client_for(chair)
    term_data = {
        "form": "term", "term-number": "7", "term-kind": "staff", "term-start": "2026-01-01", "term-end": "",
        "term-cosigners_required": "2", "term-quorum_numerator": "2", "term-quorum_denominator": "3",
        "term-quota_women": "30", "term-quota_frontline": "60", "term-quota_young": "0",
    }  # fmt: skip

    assert client.post(reverse("congress:home"), term_data).status_code == 302
    term = CongressTerm.objects.get(org=tree.school1, number=7)
    response = client.post(
        reverse("congress:home"),
        {"form": "session", "session-term": term.pk, "session-date": "2026-03-10", "session-place": "报告厅"},
    )

    session = CongressSession.objects.get(term=term)
    assert response["Location"] == reverse("congress:session_detail", args=[session.pk])
    assert (session.number, session.org, session.status) == (1, tree.school1, SessionStatus.PREPARING)


def test_a_member_cannot_create_a_term(tree, member, client_for):
    response = client_for(member).post(reverse("congress:home"), {"form": "term", "term-number": "7"})

    assert response.status_code == 403
    assert not CongressTerm.objects.exists()


def test_the_superior_view_marks_the_union_that_held_no_congress(tree, county_officer, client_for):
    SessionFactory(term=TermFactory(org=tree.school1), status=SessionStatus.CLOSED)
    SessionFactory(term=TermFactory(org=tree.school2), status=SessionStatus.PREPARING)  # not held yet

    page = html(client_for(county_officer).get(reverse("congress:home")))

    held = {int(pk): flag for pk, flag in re.findall(r'data-union="(\d+)"\s+data-held="(\d)"', page)}
    assert held == {tree.school1.pk: "1", tree.school2.pk: "0"}
    assert f"已召开{today().year}年度教(职)代会1个，尚未召开1个。" in page


def test_the_superior_view_rolls_up_proposals_and_suggestions_and_drills_down(
    tree, county_officer, client_for
):
    session = SessionFactory(term=TermFactory(org=tree.school1), status=SessionStatus.IN_SESSION)
    ProposalFactory(session=session, state=ProposalState.REGISTERED)
    ProposalFactory(session=session, state=ProposalState.SUBMITTED)
    SuggestionFactory(org=tree.school1, state=SuggestionState.ADOPTED)
    # A member of a union group (工会小组) submits to the group's union.
    SuggestionFactory(org=tree.school2, submitter=union_member(tree.school2_group))
    client = client_for(county_officer)

    page = html(client.get(reverse("congress:home")))
    drill = html(client.get(reverse("congress:home"), {"union": tree.school2.pk}))

    assert "累计提出合理化建议2条，其中1条被采纳；提出提案2件。" in page
    assert 'id="congress-drill"' in drill and "第二小学工会" in drill


def _county_with_unions(n: int):
    county = OrgFactory(name=f"县总工会{n}", kind=OrgKind.COUNTY)
    officer = UserFactory()
    RoleAssignmentFactory(user=officer, org=county, role=Role.SUPERIOR_ADMIN)
    for i in range(n):
        union = OrgFactory(name=f"学校{n}-{i}", parent=county, kind=OrgKind.GRASSROOTS)
        session = SessionFactory(term=TermFactory(org=union), status=SessionStatus.IN_SESSION)
        ProposalFactory(session=session, state=ProposalState.SUBMITTED)
        SuggestionFactory(org=union)
    return officer


def test_the_superior_view_costs_the_same_queries_for_one_or_three_unions(db, client_for):
    counts = []
    for n in (1, 3):
        client = client_for(_county_with_unions(n))
        client.get(reverse("congress:home"))  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("congress:home")).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]


# --- session detail ---------------------------------------------------------------------------


@pytest.fixture
def three(term) -> list[Delegate]:
    return [
        DelegateFactory(term=term, is_party=True),
        DelegateFactory(term=term, is_frontline=False, is_leader=True),
        DelegateFactory(term=term),
    ]


def test_the_session_page_shows_status_delegates_composition_and_quorum(session, three, chair, client_for):
    term = session.term
    term.quota_women = 50
    term.save()

    page = html(client_for(chair).get(reverse("congress:session_detail", args=[session.pk])))

    assert "召开" in page
    assert all(d.name in page for d in three)
    assert "实到0人 / 应到3人" in page and "法定人数2人(2/3)" in page
    assert 'data-quorum="not-reached"' in page
    assert "低于50%的比例要求" in page  # 女代表 below the term's quota


def test_the_clerk_checks_in_a_delegate_and_the_quorum_updates(session, three, chair, client_for):
    client = client_for(chair)
    url = reverse("congress:session_check_in", args=[session.pk])

    client.post(url, {"delegate": three[0].pk})
    fragment = client.post(url, {"delegate": three[1].pk}, HTTP_HX_REQUEST="true")

    assert Attendance.objects.filter(session=session).count() == 2
    assert not Attendance.objects.get(delegate=three[0]).by_self
    body = html(fragment)
    assert "<html" not in body and "实到2人 / 应到3人" in body and 'data-quorum="reached"' in body


def test_the_quorum_fragment_refreshes_by_htmx(session, three, chair, client_for):
    services.session_check_in(actor=None, session=session, delegate=three[0], by_self=True)

    body = html(
        client_for(chair).get(reverse("congress:session_detail", args=[session.pk]), HTTP_HX_REQUEST="true")
    )

    assert body.lstrip().startswith('<div id="attendance-inner">')
    assert "实到1人 / 应到3人" in body


def test_a_delegate_checks_in_themselves_on_the_phone(session, three, client_for):
    client = client_for(three[2].user)

    page = html(client.get(reverse("congress:session_detail", args=[session.pk])))
    client.post(reverse("congress:session_check_in", args=[session.pk]), {"delegate": three[2].pk})

    assert 'id="self-check-in"' in page
    assert Attendance.objects.get(session=session, delegate=three[2]).by_self


def test_a_delegate_cannot_check_in_someone_else(session, three, client_for):
    response = client_for(three[2].user).post(
        reverse("congress:session_check_in", args=[session.pk]), {"delegate": three[0].pk}
    )

    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_party_approval_open_and_close_go_through_the_services(term, chair, client_for):
    session = SessionFactory(term=term)
    client = client_for(chair)
    state_url = reverse("congress:session_state", args=[session.pk])

    client.post(state_url, {"to": SessionStatus.IN_SESSION})  # refused: no Party approval yet
    refused = CongressSession.objects.get(pk=session.pk).status
    client.post(reverse("congress:session_approve", args=[session.pk]), {"on": "2026-03-01", "note": "同意"})
    client.post(state_url, {"to": SessionStatus.IN_SESSION})
    opened = CongressSession.objects.get(pk=session.pk).status
    client.post(state_url, {"to": SessionStatus.CLOSED})

    session.refresh_from_db()
    assert (refused, opened, session.status) == (SessionStatus.PREPARING, SessionStatus.IN_SESSION, "closed")
    assert session.party_approved_on == dt.date(2026, 3, 1)


def test_the_clerk_adds_an_item_records_a_failed_result_and_revises_it(session, three, chair, client_for):
    client = client_for(chair)
    for d in three:
        services.session_check_in(actor=None, session=session, delegate=d, by_self=False)
    client.post(
        reverse("congress:session_item_create", args=[session.pk]), {"order": 1, "title": "绩效工资发放办法"}
    )
    item = AgendaItem.objects.get(session=session)

    client.post(
        reverse("congress:session_item_result", args=[item.pk]),
        {"votes_for": 1, "votes_against": 2, "votes_abstain": 0},
    )
    page = html(client.get(reverse("congress:session_detail", args=[session.pk])))
    client.post(
        reverse("congress:session_item_revise", args=[item.pk]), {"title": "绩效工资发放办法(修改稿)"}
    )

    item.refresh_from_db()
    assert item.result == ItemResult.FAILED
    assert "不得执行" in page and "赞成1票，反对2票，弃权0票" in page
    assert AgendaItem.objects.get(revision_of=item).title == "绩效工资发放办法(修改稿)"


def test_a_member_cannot_record_results(session, three, member, client_for):
    item = AgendaItem.objects.create(session=session, title="学校年度工作计划")

    response = client_for(member).post(
        reverse("congress:session_item_result", args=[item.pk]), {"votes_for": 3}
    )

    assert response.status_code == 404


def test_the_session_page_costs_the_same_queries_for_one_or_three_delegates(term, chair, client_for):
    counts = []
    for n in (1, 3):
        session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
        for _ in range(n if not counts else n - 1):
            delegate = DelegateFactory(term=term)
            services.session_check_in(actor=None, session=session, delegate=delegate, by_self=False)
            AgendaItem.objects.create(session=session, title=f"议题{delegate.pk}")
        client = client_for(chair)
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("congress:session_detail", args=[session.pk]))
        counts.append(len(queries))

    assert counts[0] == counts[1]


def test_another_unions_session_is_404(tree, chair, client_for):
    theirs = SessionFactory(term=TermFactory(org=tree.school2), status=SessionStatus.IN_SESSION)

    for name in ("session_detail", "session_resolution", "session_proposal_report"):
        assert (
            fetch_export(client_for(chair), reverse(f"congress:{name}", args=[theirs.pk])).status_code == 404
        )


def test_a_member_cannot_download_the_officers_documents(session, member, client_for):
    response = fetch_export(
        client_for(member), reverse("congress:session_proposal_report", args=[session.pk])
    )

    assert response.status_code == 404


def test_the_chair_downloads_both_documents(session, chair, client_for):
    client = client_for(chair)

    for name in ("session_resolution", "session_proposal_report"):
        response = fetch_export(client, reverse(f"congress:{name}", args=[session.pk]))
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"


# --- delegates of a term ----------------------------------------------------------------------


def test_the_delegates_page_elects_a_member_and_substitutes_another(term, three, chair, client_for):
    client = client_for(chair)
    url = reverse("congress:term_delegates", args=[term.pk])
    newcomer = MemberFactory(union=term.org, name="赵敏")
    substitute = MemberFactory(union=term.org, name="钱进")

    page = html(client.get(url))
    client.post(url, {"member": newcomer.pk, "is_frontline": "on", "is_young": "on"})
    client.post(url, {"member": substitute.pk, "replaces": three[0].pk})

    assert all(d.name in page for d in three) and 'id="elect-form"' in page
    elected = Delegate.objects.get(term=term, member=newcomer)
    assert elected.is_young and elected.is_frontline
    replaced = Delegate.objects.get(pk=three[0].pk)
    assert not replaced.active
    assert Delegate.objects.get(member=substitute).replaces == replaced


def test_the_delegates_page_warns_when_a_quota_is_not_met(term, three, chair, client_for):
    page = html(client_for(chair).get(reverse("congress:term_delegates", args=[term.pk])))

    assert "一线教职工占66.7%，低于本届" not in page  # 2 of 3 is above the default 60%
    term.quota_young = 10
    term.save()
    page = html(client_for(chair).get(reverse("congress:term_delegates", args=[term.pk])))
    assert "青年代表占0.0%，低于本届10%的比例要求。" in page


def test_another_unions_term_is_404(tree, chair, client_for):
    theirs = TermFactory(org=tree.school2)

    assert client_for(chair).get(reverse("congress:term_delegates", args=[theirs.pk])).status_code == 404


def test_today_is_the_default_session_date(term):
    assert SessionFactory(term=term).date == today()
