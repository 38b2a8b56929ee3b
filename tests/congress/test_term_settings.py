"""Term settings (本届设置): the chair sets 提案附议人数, the quorum (法定到会比例) and the composition
quotas (代表构成比例); the delegates and session pages warn while a quota is not met."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.congress import services
from gonghui.congress.models import CongressTerm
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from tests.members.factories import MemberFactory

from .factories import DelegateFactory, ProposalFactory, TermFactory

pytestmark = pytest.mark.django_db

SETTINGS = {
    "end": "", "cosigners_required": "2", "quorum_numerator": "2", "quorum_denominator": "3",
    "quota_women": "0", "quota_frontline": "60", "quota_young": "0",
}  # fmt: skip


def html(response) -> str:
    return response.content.decode()


def fresh(term) -> CongressTerm:
    return CongressTerm.objects.get(pk=term.pk)


@pytest.fixture
def three_men(term):
    """Three male front-line delegates, none of them young."""
    return [DelegateFactory(term=term, member=MemberFactory(union=term.org)) for _ in range(3)]


# --- the service ------------------------------------------------------------------------------


def test_the_chair_changes_cosigners_quorum_and_quotas_and_only_the_changes_are_audited(term, chair):
    services.term_update(actor=chair, term=term, cosigners_required=3, quorum_numerator=3,
                         quorum_denominator=4, quota_women=40, quota_frontline=60, quota_young=20)  # fmt: skip

    term = fresh(term)
    assert (term.cosigners_required, term.quorum_numerator, term.quorum_denominator) == (3, 3, 4)
    assert (term.quota_women, term.quota_frontline, term.quota_young) == (40, 60, 20)
    event = AuditEvent.objects.get(action="congress.term_update")
    assert event.actor == chair
    assert event.before == {"cosigners_required": 2, "quorum_numerator": 2, "quorum_denominator": 3,
                            "quota_women": 0, "quota_young": 0}  # fmt: skip
    assert event.after == {"cosigners_required": 3, "quorum_numerator": 3, "quorum_denominator": 4,
                           "quota_women": 40, "quota_young": 20}  # fmt: skip


def test_saving_the_same_settings_writes_no_audit_row(term, chair):
    services.term_update(actor=chair, term=term, quota_frontline=60)

    assert not AuditEvent.objects.filter(action="congress.term_update").exists()


@pytest.mark.parametrize(("numerator", "denominator"), [(0, 3), (4, 3)])
def test_a_quorum_of_nothing_or_more_than_everyone_is_refused(term, chair, numerator, denominator):
    with pytest.raises(DomainError, match="法定到会比例须大于0且不超过1"):
        services.term_update(
            actor=chair, term=term, quorum_numerator=numerator, quorum_denominator=denominator
        )

    assert (fresh(term).quorum_numerator, fresh(term).quorum_denominator) == (2, 3)


def test_a_quota_above_one_hundred_percent_is_refused(term, chair):
    with pytest.raises(DomainError, match="代表构成比例须在0%到100%之间"):
        services.term_update(actor=chair, term=term, quota_women=120)

    assert fresh(term).quota_women == 0


def test_the_number_and_kind_of_a_term_are_not_settings(term, chair):
    with pytest.raises(ValueError, match="number"):
        services.term_update(actor=chair, term=term, number=9)

    assert fresh(term).number == 6


def test_a_term_cannot_be_set_up_with_an_impossible_quorum(tree):
    with pytest.raises(DomainError, match="法定到会比例"):
        TermFactory(org=tree.school1, number=7, quorum_numerator=5, quorum_denominator=4)


def test_a_higher_cosigner_count_applies_to_the_next_submission(session, chair, proposer, cosigners):
    proposal = ProposalFactory(session=session, proposer=proposer, cosigners=cosigners)
    for cosigner in cosigners:
        services.cosigner_confirm(actor=cosigner.user, proposal=proposal, delegate=cosigner)

    services.term_update(actor=chair, term=session.term, cosigners_required=3)

    with pytest.raises(DomainError, match="至少3名代表附议确认，目前已确认2名"):
        services.proposal_submit(actor=proposer.user, proposal=proposal)


# --- the settings page and the quota warnings -------------------------------------------------


def test_the_settings_page_shows_the_current_values(term, chair, client_for):
    page = html(client_for(chair).get(reverse("congress:term_settings", args=[term.pk])))

    assert 'id="term-settings-form"' in page
    assert 'name="quota_frontline"' in page and 'value="60"' in page
    assert "提案附议人数" in page and "女代表比例不低于(%)" in page


def test_a_new_quota_set_on_the_settings_page_warns_on_the_delegates_and_session_pages(
    term, session, three_men, chair, client_for
):
    client = client_for(chair)
    before = html(client.get(reverse("congress:term_delegates", args=[term.pk])))

    saved = client.post(reverse("congress:term_settings", args=[term.pk]), {**SETTINGS, "quota_women": "30"})
    delegates_page = html(client.get(reverse("congress:term_delegates", args=[term.pk])))
    session_page = html(client.get(reverse("congress:session_detail", args=[session.pk])))

    assert 'data-warning="quota"' not in before
    assert saved["Location"] == reverse("congress:term_delegates", args=[term.pk])
    assert "女代表占0.0%，低于本届30%的比例要求。" in delegates_page
    assert delegates_page.count('data-warning="quota"') == 1
    assert "低于30%的比例要求" in session_page


def test_the_warning_goes_once_the_quota_is_met(term, three_men, chair, client_for):
    client = client_for(chair)
    client.post(reverse("congress:term_settings", args=[term.pk]), {**SETTINGS, "quota_women": "25"})
    warned = html(client.get(reverse("congress:term_delegates", args=[term.pk])))

    DelegateFactory(term=term, member=MemberFactory(union=term.org, female=True))  # 1 of 4 = 25 %
    page = html(client.get(reverse("congress:term_delegates", args=[term.pk])))

    assert "女代表占0.0%，低于本届25%的比例要求。" in warned
    assert 'data-warning="quota"' not in page


def test_front_line_and_young_quotas_warn_too(term, chair, client_for):
    DelegateFactory(term=term, is_frontline=False, is_leader=True)
    DelegateFactory(term=term, is_young=True)
    services.term_update(actor=chair, term=term, quota_frontline=60, quota_young=60)

    page = html(client_for(chair).get(reverse("congress:term_delegates", args=[term.pk])))

    assert "一线教职工占50.0%，低于本届60%的比例要求。" in page
    assert "青年代表占50.0%，低于本届60%的比例要求。" in page


def test_a_changed_quorum_shows_on_the_session_page(session, three_men, chair, client_for):
    client = client_for(chair)
    client.post(reverse("congress:term_settings", args=[session.term.pk]),
                {**SETTINGS, "quorum_numerator": "1", "quorum_denominator": "2"})  # fmt: skip

    page = html(client.get(reverse("congress:session_detail", args=[session.pk])))

    assert "法定人数2人(1/2)" in page


def test_the_settings_form_explains_a_wrong_quorum_in_chinese(term, chair, client_for):
    response = client_for(chair).post(
        reverse("congress:term_settings", args=[term.pk]), {**SETTINGS, "quorum_numerator": "4"}
    )

    assert response.status_code == 200
    assert "法定到会比例须大于0且不超过1。" in html(response)
    assert fresh(term).quorum_numerator == 2


def test_the_settings_form_refuses_a_quota_above_one_hundred(term, chair, client_for):
    response = client_for(chair).post(
        reverse("congress:term_settings", args=[term.pk]), {**SETTINGS, "quota_young": "101"}
    )

    assert "确保该值小于或等于100" in html(response)
    assert fresh(term).quota_young == 0


@pytest.mark.parametrize("persona", ["member", "department_handler", "other_union_chair", "county_officer"])
def test_only_the_unions_officers_who_run_the_congress_reach_the_settings(term, persona, request, client_for):
    client = client_for(request.getfixturevalue(persona))
    url = reverse("congress:term_settings", args=[term.pk])

    statuses = (client.get(url).status_code, client.post(url, {**SETTINGS, "quota_women": "50"}).status_code)

    assert statuses == (404, 404)
    assert fresh(term).quota_women == 0


def test_the_home_and_delegates_pages_link_the_settings_for_the_chair_only(term, chair, member, client_for):
    url = reverse("congress:term_settings", args=[term.pk])

    assert url in html(client_for(chair).get(reverse("congress:home")))
    assert url in html(client_for(chair).get(reverse("congress:term_delegates", args=[term.pk])))
    assert url not in html(client_for(member).get(reverse("congress:home")))
