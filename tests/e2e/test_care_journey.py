"""The care journey in Chromium on a phone (issue 6, "Playwright").

第一中学's 生活委员 opens the birthday due-list (应慰问名单), selects everyone listed and records
one group visit; files a hardship assistance application (困难帮扶) for a member; the chair
approves both (the recorder may not approve their own); the 生活委员 records both payments;
the member signs in and finds the birthday money and the assistance on their own page (我的帮扶).
Every step goes through the pages, each person in a browser context of their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from gonghui.care import services, visiting
from gonghui.care.enums import ApplicationKind, Occasion, VisitState
from gonghui.care.models import AssistanceApplication, LedgerEntry, Visit
from gonghui.core.enums import Portfolio, Role
from gonghui.members.services import member_link_user
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import PHONE, login


class Phones:
    """A phone-sized page per person, each in its own browser context (own session)."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.script_errors: list[str] = []

    def open(self) -> Page:
        context = self.browser.new_context(viewport=PHONE, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def phones(browser: Browser, live_server: Any) -> Iterator[Phones]:
    opened = Phones(browser)
    yield opened
    opened.close()


def test_welfare_officer_visits_birthdays_files_aid_chair_approves_member_sees_it(
    phones: Phones, live_server: Any, tree: Tree
) -> None:
    today = dt.date.today()
    welfare = UserFactory(username="welfare", name="生活委员")
    RoleAssignmentFactory(user=welfare, org=tree.school1, role=Role.COMMITTEE, portfolio=Portfolio.WELFARE)
    chair = UserFactory(username="chair", name="第一中学主席")
    RoleAssignmentFactory(user=chair, org=tree.school1, role=Role.CHAIR)
    teacher_user = UserFactory(username="teacher", name="王老师")
    RoleAssignmentFactory(user=teacher_user, org=tree.school1, role=Role.MEMBER, this_org_only=True)
    born_this_month = dt.date(1985, today.month, 1)
    teacher = MemberFactory(
        union=tree.school1, group=tree.school1_group_a, name="王老师", birth_date=born_this_month
    )
    member_link_user(actor=None, member=teacher, user=teacher_user)
    colleague = MemberFactory(union=tree.school1, name="赵老师", birth_date=born_this_month.replace(day=2))
    MemberFactory(union=tree.school1, name="钱老师", birth_date=dt.date(1985, today.month % 12 + 1, 1))
    visiting.condolence_standard_set(actor=None, org=tree.school1, occasion=Occasion.BIRTHDAY, amount="50")
    services.standard_set(actor=None, org=tree.school1, kind=ApplicationKind.HARDSHIP_AID,
                          amount=Decimal("2000"), annual_cap=Decimal("5000"))  # fmt: skip

    # 1. The 生活委员 opens the birthday due-list and records one visit for everyone listed.
    officer = phones.open()
    login(officer, live_server, "welfare")
    officer.goto(f"{live_server.url}/care/")
    officer.get_by_role("link", name="应慰问名单").click()
    birthdays = officer.locator("#due-birthday")
    expect(birthdays).to_contain_text("王老师")
    expect(birthdays).to_contain_text("赵老师")
    expect(birthdays).not_to_contain_text("钱老师")
    birthdays.get_by_label("全选").check()
    birthdays.get_by_role("button", name="为选中人员登记慰问").click()
    expect(officer.locator("#visit-selected-list")).to_contain_text("王老师")
    expect(officer.locator("#id_occasion")).to_have_value("birthday")
    officer.locator("#id_gift").fill("生日蛋糕卡")
    officer.locator("#id_notes").fill("到语文组送生日祝福")
    officer.get_by_role("button", name="保存").click()
    expect(officer.locator("#visit-people")).to_have_text("2")
    expect(officer.locator("#visit-cash")).to_contain_text("100.00")
    visit_url = officer.url
    # The list is done: nobody is left for this month.
    officer.goto(f"{live_server.url}/care/due/")
    expect(officer.locator("#due-birthday")).to_contain_text("名单已全部慰问")

    # 2. The 生活委员 files a hardship assistance application for 王老师.
    officer.goto(f"{live_server.url}/care/")
    officer.get_by_role("link", name="帮扶与金秋助学申请").click()
    officer.get_by_role("link", name="登记申请").click()
    officer.locator("#id_member").select_option(label=f"王老师({tree.school1_group_a.name})")
    officer.locator("#id_kind").select_option(value="hardship_aid")
    officer.locator("#id_amount_requested").fill("1500")
    officer.locator("#id_reason").fill("爱人住院手术，家庭负担重")
    officer.get_by_role("button", name="保存").click()
    expect(officer.get_by_text("帮扶申请已登记")).to_be_visible()
    application_url = officer.url

    # 3. The chair approves the visit and the application.
    head = phones.open()
    login(head, live_server, "chair")
    head.goto(f"{live_server.url}/care/")
    head.get_by_role("link", name="慰问记录").click()
    head.locator("#visits a").first.click()
    assert head.url == visit_url
    head.get_by_role("button", name="批准").click()
    expect(head.get_by_text("已批准。")).to_be_visible()
    head.goto(f"{live_server.url}/care/applications/")
    head.locator("#applications").get_by_role("link", name="王老师").click()
    assert head.url == application_url
    head.locator("#id_amount").fill("1500")
    head.get_by_role("button", name="批准", exact=True).click()
    expect(head.get_by_text("已批准。")).to_be_visible()

    # 4. The 生活委员 records both payments.
    officer.goto(visit_url)
    officer.get_by_role("button", name="登记发放").click()
    expect(officer.locator("#visit-state")).to_have_text("已发放登记")
    officer.goto(application_url)
    officer.locator("#id_method").select_option(value="transfer")
    officer.get_by_role("button", name="登记发放").click()
    expect(officer.get_by_text("发放已登记")).to_be_visible()

    # 5. 王老师 signs in and sees both on their own page.
    own = phones.open()
    login(own, live_server, "teacher")
    own.goto(f"{live_server.url}/members/me/")
    mine = own.locator("#my-care")
    expect(mine).to_contain_text("慰问")
    expect(mine).to_contain_text("50.00")
    expect(mine).to_contain_text("困难帮扶")
    expect(mine).to_contain_text("1500.00")

    assert not phones.script_errors
    visit = Visit.objects.get()
    assert visit.state == VisitState.RECORDED and visit.approved_by == chair and visit.recorded_by == welfare
    assert set(
        LedgerEntry.objects.filter(visit_member__visit=visit).values_list("member__name", flat=True)
    ) == {"王老师", colleague.name}
    assert AssistanceApplication.objects.get().state == "paid"
