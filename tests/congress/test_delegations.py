"""Delegations (代表团/组) of a term: created, renamed, given a head (团长), filled in bulk,
deleted only when empty — through the services and on the delegates page (HTMX fragment)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.congress import services
from gonghui.congress.models import Delegate, Delegation
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

from .factories import DelegateFactory, TermFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def delegation_of(delegate: Delegate) -> Delegation | None:
    return Delegate.objects.get(pk=delegate.pk).delegation


@pytest.fixture
def chinese(term, chair) -> Delegation:
    return services.delegation_create(actor=chair, term=term, name="语文组代表团")


@pytest.fixture
def maths(term, chair) -> Delegation:
    return services.delegation_create(actor=chair, term=term, name="数学组代表团")


# --- services ---------------------------------------------------------------------------------


def test_the_chair_sets_up_a_delegation_of_the_term(term, chair):
    delegation = services.delegation_create(actor=chair, term=term, name="  语文组代表团 ")

    assert (delegation.term, delegation.name, delegation.head) == (term, "语文组代表团", None)
    event = AuditEvent.objects.get(action="congress.delegation_create", object_id=str(delegation.pk))
    assert (event.actor, event.org, event.after) == (chair, term.org, {"name": "语文组代表团"})


def test_two_delegations_of_a_term_cannot_share_a_name(term, chair, chinese):
    with pytest.raises(DomainError, match="本届已有名为“语文组代表团”的代表团"):
        services.delegation_create(actor=chair, term=term, name="语文组代表团")

    assert Delegation.objects.filter(term=term).count() == 1


def test_another_term_may_use_the_same_name(tree, chair, chinese):
    next_term = TermFactory(org=tree.school1, number=7)

    assert services.delegation_create(actor=chair, term=next_term, name="语文组代表团").term == next_term


def test_delegates_are_put_into_a_delegation_in_bulk_and_taken_out_again(term, chair, delegates, chinese):
    moved = services.delegate_assign_delegation(
        actor=chair, term=term, delegates=delegates[:3], delegation=chinese
    )
    taken_out = services.delegate_assign_delegation(
        actor=chair, term=term, delegates=delegates[2:], delegation=None
    )

    assert (moved, taken_out) == (3, 1)  # delegates[3] was in no delegation already
    assert [delegation_of(d) for d in delegates] == [chinese, chinese, None, None]
    event = AuditEvent.objects.filter(action="congress.delegate_assign").order_by("id").first()
    assert event.after == {"delegates": sorted(d.pk for d in delegates[:3]), "delegation": chinese.pk}


def test_the_chair_renames_a_delegation_and_makes_one_of_its_delegates_head(term, chair, delegates, chinese):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=delegates[:2], delegation=chinese)

    updated = services.delegation_update(
        actor=chair, delegation=chinese, name="语文教研组代表团", head=delegates[1]
    )

    assert (updated.name, updated.head) == ("语文教研组代表团", delegates[1])
    event = AuditEvent.objects.get(action="congress.delegation_update")
    assert (event.before, event.after) == (
        {"name": "语文组代表团", "head": None},
        {"name": "语文教研组代表团", "head": delegates[1].pk},
    )


def test_the_head_must_be_a_delegate_of_that_very_delegation(term, chair, delegates, chinese, maths):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=[delegates[0]], delegation=maths)

    for outsider in (delegates[0], delegates[3]):  # in another delegation, in none
        with pytest.raises(DomainError, match="团长须为本代表团的在任代表"):
            services.delegation_update(actor=chair, delegation=chinese, name="语文组代表团", head=outsider)

    chinese.refresh_from_db()
    assert chinese.head is None


def test_a_head_who_moves_to_another_delegation_is_no_longer_its_head(term, chair, delegates, chinese, maths):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=delegates[:2], delegation=chinese)
    services.delegation_update(actor=chair, delegation=chinese, name=chinese.name, head=delegates[0])

    services.delegate_assign_delegation(actor=chair, term=term, delegates=[delegates[0]], delegation=maths)

    chinese.refresh_from_db()
    assert chinese.head is None
    assert delegation_of(delegates[0]) == maths


def test_a_head_reassigned_to_the_same_delegation_stays_head(term, chair, delegates, chinese):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=delegates[:2], delegation=chinese)
    services.delegation_update(actor=chair, delegation=chinese, name=chinese.name, head=delegates[0])

    services.delegate_assign_delegation(actor=chair, term=term, delegates=delegates[:3], delegation=chinese)

    chinese.refresh_from_db()
    assert chinese.head == delegates[0]


def test_only_active_delegates_of_the_term_go_into_its_delegations(tree, term, chair, delegates, chinese):
    stranger = DelegateFactory(term=TermFactory(org=tree.school1, number=7))
    replaced = delegates[3]
    services.delegate_elect(
        actor=chair, term=term, member=DelegateFactory.build(term=term).member, replaces=replaced
    )

    for wrong in (stranger, Delegate.objects.get(pk=replaced.pk)):
        with pytest.raises(DomainError, match="只能调整本届在任代表"):
            services.delegate_assign_delegation(actor=chair, term=term, delegates=[delegates[0], wrong],
                                                delegation=chinese)  # fmt: skip

    assert delegation_of(delegates[0]) is None


def test_delegates_go_only_into_a_delegation_of_their_own_term(tree, term, chair, delegates):
    elsewhere = services.delegation_create(
        actor=chair, term=TermFactory(org=tree.school1, number=7), name="别届"
    )

    with pytest.raises(DomainError, match="只能调整到本届的代表团"):
        services.delegate_assign_delegation(
            actor=chair, term=term, delegates=delegates[:1], delegation=elsewhere
        )

    assert delegation_of(delegates[0]) is None


def test_choosing_no_delegate_is_refused(term, chair, chinese):
    with pytest.raises(DomainError, match="请先勾选要调整的代表"):
        services.delegate_assign_delegation(actor=chair, term=term, delegates=[], delegation=chinese)


def test_a_delegation_that_still_has_delegates_is_not_deleted(term, chair, delegates, chinese):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=delegates[:2], delegation=chinese)

    with pytest.raises(
        DomainError, match="代表团“语文组代表团”还有2名代表，请先将他们调整到其他代表团后再删除"
    ):
        services.delegation_delete(actor=chair, delegation=chinese)

    assert Delegation.objects.filter(pk=chinese.pk).exists()
    assert [delegation_of(d) for d in delegates[:2]] == [chinese, chinese]


def test_an_empty_delegation_is_deleted_and_replaced_delegates_lose_the_link(term, chair, delegates, chinese):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=[delegates[3]], delegation=chinese)
    services.delegate_elect(actor=chair, term=term, member=DelegateFactory.build(term=term).member,
                            replaces=delegates[3])  # fmt: skip

    services.delegation_delete(actor=chair, delegation=chinese)

    assert not Delegation.objects.filter(pk=chinese.pk).exists()
    assert delegation_of(delegates[3]) is None
    event = AuditEvent.objects.get(action="congress.delegation_delete")
    assert (event.actor, event.before) == (chair, {"name": "语文组代表团"})


def test_the_services_refuse_someone_who_may_not_manage_the_term(
    term, member, other_union_chair, delegates, chinese
):
    for outsider in (member, other_union_chair):
        with pytest.raises(DomainError, match="您无权管理本届代表及代表团"):
            services.delegation_create(actor=outsider, term=term, name="第三代表团")
        with pytest.raises(DomainError, match="您无权管理"):
            services.delegate_assign_delegation(
                actor=outsider, term=term, delegates=delegates, delegation=chinese
            )
        with pytest.raises(DomainError, match="您无权管理"):
            services.delegation_delete(actor=outsider, delegation=chinese)

    assert list(Delegation.objects.filter(term=term)) == [chinese]
    assert not Delegate.objects.filter(delegation__isnull=False).exists()


# --- the delegates page -------------------------------------------------------------------------


def test_the_delegates_page_shows_each_delegation_with_its_head_and_size(
    term, chair, delegates, chinese, client_for
):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=delegates[:2], delegation=chinese)
    services.delegation_update(actor=chair, delegation=chinese, name=chinese.name, head=delegates[1])

    page = html(client_for(chair).get(reverse("congress:term_delegates", args=[term.pk])))

    assert 'id="delegations"' in page and 'id="delegation-form"' in page
    assert f'<option value="{delegates[1].pk}" selected>{delegates[1].name}</option>' in page
    assert "2名代表" in page and "未分团代表2人" in page
    assert page.count("data-head") == 1


def test_the_chair_creates_renames_and_deletes_a_delegation_on_the_page(term, chair, delegates, client_for):
    client = client_for(chair)
    page = reverse("congress:term_delegates", args=[term.pk])

    created = client.post(reverse("congress:term_delegation_create", args=[term.pk]), {"name": "英语组"})
    delegation = Delegation.objects.get(term=term)
    client.post(reverse("congress:term_delegates_assign", args=[term.pk]),
                {"delegates": [delegates[0].pk], "delegation": delegation.pk})  # fmt: skip
    client.post(reverse("congress:delegation_update", args=[delegation.pk]), {"name": "英语组代表团",
                                                                              "head": delegates[0].pk})  # fmt: skip
    refused = client.post(reverse("congress:delegation_delete", args=[delegation.pk]), follow=True)
    client.post(reverse("congress:term_delegates_assign", args=[term.pk]),
                {"delegates": [delegates[0].pk], "delegation": ""})  # fmt: skip
    deleted = client.post(reverse("congress:delegation_delete", args=[delegation.pk]), follow=True)

    assert created["Location"] == page
    assert "代表团“英语组代表团”还有1名代表" in html(refused)
    assert "已删除代表团。" in html(deleted)
    assert not Delegation.objects.filter(term=term).exists()


def test_assigning_in_bulk_over_htmx_returns_the_roster_fragment(term, chair, delegates, chinese, client_for):
    response = client_for(chair).post(
        reverse("congress:term_delegates_assign", args=[term.pk]),
        {"delegates": [delegates[0].pk, delegates[2].pk], "delegation": chinese.pk},
        HTTP_HX_REQUEST="true",
    )

    body = html(response)
    assert body.lstrip().startswith('<div class="row g-3" id="roster-inner">')
    assert "<html" not in body
    assert body.count(f'data-delegation="{chinese.pk}"') == 3  # two rows and the delegation's entry
    assert [delegation_of(d) for d in delegates] == [chinese, None, chinese, None]


def test_a_refusal_over_htmx_is_shown_in_chinese_in_the_fragment(term, chair, delegates, chinese, client_for):
    services.delegate_assign_delegation(actor=chair, term=term, delegates=delegates[:1], delegation=chinese)
    client = client_for(chair)

    refused = client.post(reverse("congress:delegation_delete", args=[chinese.pk]), HTTP_HX_REQUEST="true")
    nothing_ticked = client.post(
        reverse("congress:term_delegates_assign", args=[term.pk]),
        {"delegation": chinese.pk},
        HTTP_HX_REQUEST="true",
    )
    duplicate = client.post(
        reverse("congress:term_delegation_create", args=[term.pk]),
        {"name": "语文组代表团"},
        HTTP_HX_REQUEST="true",
    )

    assert "代表团“语文组代表团”还有1名代表" in html(refused)
    assert "请先勾选要调整的代表。" in html(nothing_ticked)
    assert "本届已有名为“语文组代表团”的代表团。" in html(duplicate)
    assert Delegation.objects.filter(term=term).count() == 1


def test_a_delegate_of_another_term_cannot_be_slipped_into_the_bulk_form(tree, term, chair, delegates, chinese,
                                                                        client_for):  # fmt: skip
    stranger = DelegateFactory(term=TermFactory(org=tree.school2))

    client_for(chair).post(
        reverse("congress:term_delegates_assign", args=[term.pk]),
        {"delegates": [delegates[0].pk, stranger.pk], "delegation": chinese.pk},
    )

    assert delegation_of(delegates[0]) is None and delegation_of(stranger) is None


def test_a_member_gets_404_on_every_delegation_action(term, member, chinese, client_for):
    client = client_for(member)
    urls = [
        reverse("congress:term_delegation_create", args=[term.pk]),
        reverse("congress:term_delegates_assign", args=[term.pk]),
        reverse("congress:delegation_update", args=[chinese.pk]),
        reverse("congress:delegation_delete", args=[chinese.pk]),
    ]

    assert [client.post(url, {"name": "改名"}).status_code for url in urls] == [404, 404, 404, 404]
    assert list(Delegation.objects.values_list("name", flat=True)) == ["语文组代表团"]


def test_another_unions_delegation_is_404_to_the_chair(tree, chair, other_union_chair, client_for):
    theirs = services.delegation_create(
        actor=other_union_chair, term=TermFactory(org=tree.school2), name="第二小学"
    )
    client = client_for(chair)

    renamed = client.post(reverse("congress:delegation_update", args=[theirs.pk]), {"name": "被篡改"})
    deleted = client.post(reverse("congress:delegation_delete", args=[theirs.pk]))

    assert (renamed.status_code, deleted.status_code) == (404, 404)
    assert Delegation.objects.get(pk=theirs.pk).name == "第二小学"


def test_the_delegates_page_costs_the_same_queries_for_one_or_three_delegations(tree, chair, client_for):
    counts = []
    for n, number in ((1, 7), (3, 8)):
        term = TermFactory(org=tree.school1, number=number)
        for i in range(n):
            delegation = services.delegation_create(actor=chair, term=term, name=f"代表团{i}")
            delegate = DelegateFactory(term=term)
            services.delegate_assign_delegation(
                actor=chair, term=term, delegates=[delegate], delegation=delegation
            )
            services.delegation_update(
                actor=chair, delegation=delegation, name=delegation.name, head=delegate
            )
        client = client_for(chair)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("congress:term_delegates", args=[term.pk])).status_code == 200
        counts.append(len(queries))

    assert counts[0] == counts[1]
