"""The top menu: areas grouped into a handful of entries, the current page marked for assistive
technology, a skip link before it (issue 12 §4 and §5)."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from gonghui.core import nav
from gonghui.core.enums import Role

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def header_of(content: bytes):
    page = lxml.html.fromstring(content.decode())
    return page, page.xpath("//nav[contains(@class, 'navbar')]")[0]


def test_every_role_sees_at_most_six_top_entries_in_the_fixed_group_order():
    for role in Role:
        menu = nav.menu_for([role])
        assert 1 <= len(menu) <= 6, role
        orders = [entry.group.order for entry in menu]
        assert orders == sorted(orders)
    everything = nav.menu_for([], superuser=True)
    assert [entry.group.key for entry in everything] == [
        "home",
        "org",
        "democracy",
        "care",
        "reports",
        "system",
    ]
    democracy = next(entry for entry in everything if entry.group.key == "democracy")
    assert [item.key for item in democracy.items] == [
        "congress",
        "proposals",
        "suggestions",
        "voting",
        "notices",
    ]


def test_an_entry_with_an_unknown_group_is_refused():
    with pytest.raises(ValueError, match="unknown group"):
        nav.register(nav.NavItem("stray", "x", "core:home", "x", frozenset(), group="nowhere"))


def test_the_superuser_menu_has_six_top_items_instead_of_twelve(client, django_user_model):
    admin = django_user_model.objects.create_superuser(username="root", password="x")
    client.force_login(admin)
    _, header = header_of(client.get(HOME).content)
    top = header.xpath(".//ul[contains(@class, 'navbar-nav')]/li")
    assert len(top) == 6
    # every registered area is still one click away inside its group
    keys = set(header.xpath(".//@data-nav"))
    assert keys == {item.key for item in nav.items_for([], superuser=True)}


def test_a_group_with_one_entry_for_this_user_is_a_plain_link(client_for, member):
    _, header = header_of(client_for(member).get(HOME).content)
    assert header.xpath(".//li[contains(@class, 'dropdown')]/button[@data-nav-group='org']") == []
    assert header.xpath(".//ul[contains(@class, 'navbar-nav')]/li/a[@data-nav='my_membership']")


def test_the_current_page_link_is_marked_and_only_that_one(client_for, chair):
    client = client_for(chair)
    client.get(HOME)  # the header is cached after this: the mark must follow the page anyway
    _, header = header_of(client.get(reverse("congress:proposals")).content)
    marked = header.xpath(".//*[@aria-current]")
    assert [(m.get("data-nav"), m.get("aria-current")) for m in marked] == [("proposals", "page")]
    _, header = header_of(client.get(HOME).content)
    assert [(m.get("data-nav"), m.get("aria-current")) for m in header.xpath(".//*[@aria-current]")] == [
        ("home", "page")
    ]


def test_a_page_below_an_area_marks_the_area_as_current_not_as_the_page(client_for, chair):
    response = client_for(chair).get(reverse("congress:proposal_create"))
    _, header = header_of(response.content)
    assert [(m.get("data-nav"), m.get("aria-current")) for m in header.xpath(".//*[@aria-current]")] == [
        ("proposals", "true")
    ]


def test_current_prefers_the_longest_matching_entry():
    items = nav.items_for([], superuser=True)
    assert nav.current(items, reverse("members:me")) == ("my_membership", True)
    assert nav.current(items, reverse("members:list") + "12/") == ("members", False)
    assert nav.current(items, "/no-such-area/") is None


def test_the_skip_link_comes_before_the_menu_and_points_at_the_main_content(client_for, chair):
    page, _ = header_of(client_for(chair).get(HOME).content)
    focusable = page.xpath("//body//*[self::a[@href] or self::button or self::select or self::input]")
    first = focusable[0]
    assert first.text_content().strip() == "跳到正文"
    assert first.get("href") == "#content"
    assert page.xpath("//main[@id='content']")
