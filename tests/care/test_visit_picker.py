"""The visit form's member picker (issue 12 §4: /care/visits/new/ had no way to choose anyone)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.care.enums import Occasion
from gonghui.care.models import Visit
from tests.members.factories import MemberFactory

from .visit_factories import set_condolence_standards

pytestmark = pytest.mark.django_db
SEARCH = reverse("care:visit_member_search")
HX = {"HX-Request": "true"}


def test_the_form_has_a_search_box_wired_to_the_picker(client_for, welfare):
    page = client_for(welfare).get(reverse("care:visit_create")).content.decode()
    assert 'id="visit-member-q"' in page and f'hx-get="{SEARCH}"' in page
    assert 'id="visit-selected-list"' in page


def test_search_finds_members_of_the_union_only(client_for, welfare, tree):
    MemberFactory(union=tree.school1, group=tree.school1_group_a, name="王春花")
    MemberFactory(union=tree.school2, name="王秋月")
    found = client_for(welfare).get(SEARCH, {"q": "王", "org": tree.school1.pk}, headers=HX).content.decode()
    assert "王春花" in found and "王秋月" not in found and "<html" not in found
    nothing = (
        client_for(welfare).get(SEARCH, {"q": "王", "org": tree.school2.pk}, headers=HX).content.decode()
    )
    assert "王秋月" not in nothing


def test_picking_a_member_gives_a_checked_box_and_another_unions_member_is_404(client_for, welfare, tree):
    mine = MemberFactory(union=tree.school1, name="王春花")
    other = MemberFactory(union=tree.school2, name="王秋月")
    client = client_for(welfare)
    chip = client.get(reverse("care:visit_member_pick", args=[mine.pk]), headers=HX).content.decode()
    compact = " ".join(chip.split())
    assert f'name="members" value="{mine.pk}" checked>' in compact
    assert client.get(reverse("care:visit_member_pick", args=[other.pk]), headers=HX).status_code == 404


def test_a_member_without_the_right_gets_403(client_for, member):
    assert client_for(member).get(SEARCH, {"q": "王"}).status_code == 403


def test_posting_the_picked_members_records_the_visit(client_for, welfare, tree):
    set_condolence_standards(tree.school1)
    picked = MemberFactory(union=tree.school1, name="王春花")
    response = client_for(welfare).post(reverse("care:visit_create"), {
        "org": tree.school1.pk, "occasion": Occasion.BIRTHDAY, "visited_on": dt.date.today().isoformat(),
        "members": [picked.pk], "q": "王", "i_visited": "on",
    })  # fmt: skip
    assert response.status_code == 302
    assert list(Visit.objects.get().visit_members.values_list("member_id", flat=True)) == [picked.pk]
