"""The congress floor in Chromium: the chair groups delegates into a delegation (HTMX, no page
reload) and puts an item to a named vote (记名表决); a delegate checks in on a phone, the vote
buttons appear there by themselves, the delegate votes 赞成, and the chair closes the vote, which
counts the votes cast: the item passes with more than half of all delegates."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from gonghui.congress import services
from gonghui.congress.enums import ItemResult, SessionStatus, VoteChoice
from gonghui.congress.models import AgendaItem, AgendaVote, CongressSession, Delegate, Delegation
from gonghui.core.models import User
from tests.congress.factories import DelegateFactory, SessionFactory, TermFactory
from tests.factories import UserFactory
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import DESKTOP, PHONE, login


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def open_session(tree: Tree) -> CongressSession:
    return SessionFactory(term=TermFactory(org=tree.school1, number=6), status=SessionStatus.IN_SESSION)


def elect(session: CongressSession, username: str, name: str) -> Delegate:
    member = MemberFactory(union=session.org, name=name)
    return DelegateFactory(term=session.term, member=member, user=UserFactory(username=username, name=name))


def test_a_delegation_is_formed_and_an_item_passed_by_named_vote_cast_on_a_phone(
    page: Page, browser: Browser, live_server: Any, chair: User, open_session: CongressSession
) -> None:
    term = open_session.term
    on_phone = elect(open_session, "wangjianguo", "王建国")
    others = [elect(open_session, f"d{i}", name) for i, name in enumerate(["李秀兰", "张伟", "赵丽"])]

    # The chair forms 语文组代表团 and moves two delegates into it, without leaving the page.
    login(page, live_server, "chair")
    page.goto(live_server.url + reverse("congress:term_delegates", args=[term.pk]))
    page.get_by_label("代表团名称").fill("语文组代表团")
    page.get_by_role("button", name="新建代表团").click()
    expect(page.locator('#delegations [data-delegation] input[name="name"]')).to_have_value("语文组代表团")
    page.get_by_role("checkbox", name="选择王建国").check()
    page.get_by_role("checkbox", name="选择李秀兰").check()
    page.get_by_label("调整到").select_option(label="语文组代表团")
    page.get_by_role("button", name="调整", exact=True).click()
    expect(page.locator("#delegations")).to_contain_text("2名代表")
    page.locator("#delegations").get_by_label("团长").select_option(label="王建国")
    page.locator("#delegations").get_by_role("button", name="保存").click()
    expect(page.locator(f'tr[data-delegate="{on_phone.pk}"] [data-head]')).to_have_text("团长")
    delegation = Delegation.objects.get(term=term)
    assert (delegation.name, delegation.head) == ("语文组代表团", on_phone)
    assert set(delegation.delegates.values_list("name", flat=True)) == {"王建国", "李秀兰"}

    # Three delegates are present (the 2/3 quorum of four); the fourth opens the session on a phone.
    for delegate in others:
        services.session_check_in(actor=None, session=open_session, delegate=delegate, by_self=False)
    item = services.item_create(actor=chair, session=open_session, title="绩效工资发放办法")
    context = browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
    phone = context.new_page()
    try:
        login(phone, live_server, "wangjianguo")
        phone.goto(live_server.url + reverse("congress:session_detail", args=[open_session.pk]))
        phone.locator("#self-check-in").click()
        expect(phone.locator("#self-checked-in")).to_be_visible()

        # The chair opens a named vote; the phone shows the buttons by itself (the agenda polls).
        page.set_viewport_size(DESKTOP)
        page.goto(live_server.url + reverse("congress:session_detail", args=[open_session.pk]))
        page.get_by_role("button", name="改为记名表决(代表手机投票)").click()
        expect(page.locator(f'[data-item="{item.pk}"] [data-named-vote="open"]')).to_be_visible()
        vote_for = phone.locator(f'[data-my-vote="{item.pk}"]').get_by_role("button", name="赞成")
        expect(vote_for).to_be_visible(timeout=20_000)
        vote_for.click()
        expect(phone.locator(f'[data-my-vote="{item.pk}"]')).to_contain_text("您已表决：赞成")
    finally:
        context.close()

    # This thread writes next: first stop the page's polling, so that no request of the live
    # server holds a table of SQLite's shared in-memory test database (a table lock there fails
    # at once instead of waiting: "database table is locked").
    page.goto("about:blank")
    for delegate in others[:2]:
        services.item_vote(actor=delegate.user, item=item, choice=VoteChoice.FOR)
    page.goto(live_server.url + reverse("congress:session_detail", args=[open_session.pk]))
    page.get_by_role("button", name="刷新计票").click()
    expect(page.locator(f'[data-tally="{item.pk}"]')).to_contain_text("已表决3人：赞成3，反对0，弃权0")
    page.get_by_role("button", name="结束记名表决并计票").click()
    expect(page.locator(".alert-success")).to_contain_text("记名表决已结束：通过。")
    expect(page.locator(f'[data-item="{item.pk}"]')).to_contain_text("赞成3票，反对0票，弃权0票")

    item = AgendaItem.objects.get(pk=item.pk)
    assert (item.result, item.votes_for) == (ItemResult.PASSED, 3)
    assert AgendaVote.objects.get(item=item, delegate=on_phone).choice == VoteChoice.FOR
