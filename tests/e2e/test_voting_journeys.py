"""The voting journeys in Chromium (issue 5, "Playwright").

1. A committee election: the chair sets it up (two seats, three candidates, the union's members
   as electorate) and opens it; three members vote on their phones, each in a browser context of
   their own; a second ballot sent by the same member from a stale tab is refused with 您已投票;
   the chair closes and releases; the result sheet is downloaded as DOCX (read with python-docx)
   and as PDF (read with pypdf), and a voter finds their receipt in the published list.
2. An award selection through 公示: members nominate (one for a colleague, one themself, one
   more), the chair screens the nominees, the members vote, the chair closes, releases and puts
   the result on public notice; a member raises an anonymous objection on the notice page; the
   chair resolves it; the period ends (the clock is moved by running `notices-refresh --today`,
   the only step not done through the browser) and the award is shown as final.

Each person signs in through the real login form, in a context of their own (own cookies).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from docx import Document
from playwright.sync_api import Browser, Page, expect

from gonghui.core.enums import Role
from gonghui.members.models import Member
from gonghui.members.services import member_link_user
from gonghui.notices.enums import NoticeState
from gonghui.notices.models import Notice
from gonghui.voting.enums import PollState
from gonghui.voting.models import Ballot, Participation, Poll
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory
from tests.voting.pdf_reader import embedded_fonts, pdf_text

from ..conftest import Tree
from .conftest import DESKTOP, PHONE, export_download, login, open_menu

ELECTION = "第一中学工会第八届委员会选举"
AWARD_POLL = "2026年度优秀教师评选"
AWARD = "优秀教师"


class Browsers:
    """Opens a page in a new browser context (its own session) per person; closes them all at the end.
    Every page accepts the confirm() dialogs of the voting pages, as a person clicking OK would."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.script_errors: list[str] = []

    def open(self, viewport: dict[str, int] = DESKTOP) -> Page:
        context = self.browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(10_000)
        context.on("page", self._watch)
        self.contexts.append(context)
        return context.new_page()

    def _watch(self, page: Page) -> None:
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("dialog", lambda dialog: dialog.accept())

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsers(browser: Browser, live_server: Any) -> Iterator[Browsers]:
    opened = Browsers(browser)
    yield opened
    opened.close()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def enrol(tree: Tree, username: str, name: str, position: str) -> Member:
    """A member of 第一中学工会 with a login account and the member role."""
    user = UserFactory(username=username, name=name)
    RoleAssignmentFactory(user=user, org=tree.school1, role=Role.MEMBER, this_org_only=True)
    member = MemberFactory(union=tree.school1, name=name, position=position)
    return member_link_user(actor=None, member=member, user=user)


@pytest.fixture
def members(tree: Tree) -> dict[str, Member]:
    return {
        "wangjianguo": enrol(tree, "wangjianguo", "王建国", "语文教师"),
        "lixiulan": enrol(tree, "lixiulan", "李秀兰", "数学教师"),
        "zhangwei": enrol(tree, "zhangwei", "张伟", "体育教师"),
        "zhaoli": enrol(tree, "zhaoli", "赵丽", "英语教师"),
    }


def open_voting(page: Page, *, phone: bool = False) -> None:
    """The 选举投票 link of the header (behind the toggler on a phone)."""
    if phone:
        page.locator(".navbar-toggler").click()
    open_menu(page, "voting")
    expect(page.locator("main h1")).to_have_text("选举投票")


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".alert-success")).to_contain_text(text)


def new_poll(page: Page, kind: str) -> None:
    open_voting(page)
    page.get_by_role("button", name="新建").click()
    page.locator(".dropdown-menu").get_by_role("link", name=kind, exact=True).click()
    expect(page.locator("main h1")).to_have_text(f"新建{kind}")


def take_whole_union_as_electorate(page: Page, expected: int) -> None:
    page.get_by_role("link", name="选民名单").click()
    page.get_by_label("选民来源").select_option(label="本工会全体在会会员")
    page.get_by_role("button", name="加入名单").click()
    expect_message(page, f"已加入{expected}人。")
    expect(page.locator("#voters li")).to_have_count(expected)
    page.get_by_role("link", name="返回").click()


def set_state(page: Page, button: str, state_label: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()  # confirm() accepted by Browsers
    expect_message(page, "已更新投票状态。")
    expect(page.locator("#poll-state")).to_have_text(state_label)


def review_and_release(page: Page) -> None:
    """计票 → 核对 → 公布: from the closed poll's page to the count, checked, then published."""
    page.get_by_role("link", name="核对计票结果").click()
    expect(page.locator("main h1")).to_contain_text("核对计票结果")
    page.get_by_role("button", name="核对无误").click()
    expect_message(page, "已更新投票状态。")
    expect(page.locator("#poll-state")).to_have_text("已核对待公布")
    page.get_by_role("link", name="公布结果").click()
    page.get_by_role("button", name="公布结果").click()  # confirm() accepted by Browsers
    expect_message(page, "已更新投票状态。")
    expect(page.locator("#poll-state")).to_have_text("已公布结果")


def cast(page: Page, *names: str) -> str:
    """Tick `names` on the ballot shown, send it, and return the receipt code."""
    form = page.locator("#ballot-form")
    for name in names:
        form.locator("label", has_text=name).locator("input").check()
    page.get_by_role("button", name="提交选票").click()
    expect(page.locator("main h1")).to_have_text("投票成功")
    receipt = page.locator("#receipt").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-?[0-9A-Z]{5,7}", receipt), receipt
    return receipt


def go_vote(page: Page, title: str, *, phone: bool) -> None:
    open_voting(page, phone=phone)
    row = page.locator("#my-polls li", has_text=title)
    row.get_by_role("link", name="去投票").click()
    expect(page.locator("main h1")).to_have_text(title)


def docx_rows(path: Path) -> list[list[str]]:
    document = Document(str(path))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


def download(page: Page, link: str, target_dir: Path) -> Path:
    return export_download(page, link, target_dir)


# --- 1. the committee election -----------------------------------------------------------------


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_a_committee_election_is_set_up_voted_on_phones_closed_released_and_reported(
    page: Page,
    live_server: Any,
    browsers: Browsers,
    tree: Tree,
    chair: Any,
    members: dict[str, Member],
    tmp_path: Path,
) -> None:
    # The chair: 选举投票 → 新建 → 选举, two seats; then the three candidates, each a member.
    chair_page = browsers.open()
    login(chair_page, live_server, "chair")
    new_poll(chair_page, "选举")
    chair_page.get_by_role("textbox", name=re.compile(r"^名称( \*)?$")).fill(ELECTION)
    chair_page.get_by_label("应选人数").fill("2")
    chair_page.get_by_role("button", name="保存").click()
    expect_message(chair_page, f"已建立“{ELECTION}”")
    expect(chair_page.locator("main h1")).to_contain_text(ELECTION)
    expect(chair_page.locator("#poll-state")).to_have_text("准备中")
    expect(chair_page.locator("main")).to_contain_text("应选2人，差额比例20%，候选人至少3人")

    # Opening with too few candidates is refused, with the rule in words.
    chair_page.get_by_label("姓名/选项").fill("王建国")
    chair_page.get_by_label("职务/简介").fill("语文教师")
    chair_page.get_by_label("对应会员(可选)").select_option(label="王建国")
    chair_page.get_by_role("button", name="添加", exact=True).click()
    expect_message(chair_page, "已添加“王建国”。")
    for name, position in (("李秀兰", "数学教师"), ("张伟", "体育教师")):
        chair_page.get_by_label("姓名/选项").fill(name)
        chair_page.get_by_label("职务/简介").fill(position)
        chair_page.get_by_label("对应会员(可选)").select_option(label=name)
        chair_page.get_by_role("button", name="添加", exact=True).click()
        expect_message(chair_page, f"已添加“{name}”。")
    expect(chair_page.locator("#options li")).to_have_count(3)

    # The electorate: every member of the union (4), then the election opens (frozen).
    take_whole_union_as_electorate(chair_page, 4)
    set_state(chair_page, "开始投票", "投票中")
    expect(chair_page.locator("#turnout")).to_contain_text("已投0人 / 应投4人")
    poll = Poll.objects.get(title=ELECTION)
    assert poll.state == PollState.OPEN and poll.voters.count() == 4

    # Three members vote on their phones (the fixture's page is the first phone).
    ballots = {
        "wangjianguo": ("王建国", "李秀兰"),
        "lixiulan": ("王建国", "张伟"),
        "zhangwei": ("王建国", "李秀兰"),
    }
    receipts: dict[str, str] = {}
    phones: dict[str, Page] = {"wangjianguo": page}
    page.on("dialog", lambda dialog: dialog.accept())
    for username, picks in ballots.items():
        phone = phones.get(username) or browsers.open(PHONE)
        phones[username] = phone
        login(phone, live_server, username)
        expect(phone.locator(".navbar-toggler")).to_be_visible()
        go_vote(phone, ELECTION, phone=True)
        expect(phone.locator("#ballot-form")).to_contain_text("最多可选2项")
        expect(phone.locator("#ballot-form input[type=checkbox]")).to_have_count(3)
        if username == "wangjianguo":
            # A second tab with the same ballot, left open: it will try to vote again below.
            stale = page.context.new_page()
            stale.on("dialog", lambda dialog: dialog.accept())
            stale.goto(page.url)
            expect(stale.locator("#ballot-form")).to_be_visible()
        receipts[username] = cast(phone, *picks)

    # The stale tab sends a second ballot for 王建国: refused, nothing counted twice.
    stale.locator("#ballot-form label", has_text="张伟").locator("input").check()
    stale.get_by_role("button", name="提交选票").click()
    expect(stale.locator("#ballot-error")).to_contain_text("您已投票")
    expect(stale.locator("#already-voted")).to_contain_text("您已投票")
    expect(stale.locator("#ballot-form")).to_have_count(0)
    stale.close()
    # And the voting page shows the poll as done for him.
    open_voting(page, phone=True)
    expect(page.locator("#my-polls li", has_text=ELECTION)).to_contain_text("您已投票")
    expect(page.locator("#my-polls").get_by_role("link", name="去投票")).to_have_count(0)
    assert Participation.objects.filter(poll=poll).count() == 3
    assert Ballot.objects.filter(poll=poll).count() == 3

    # The chair watches turnout, then closes and releases.
    chair_page.reload()
    expect(chair_page.locator("#turnout")).to_contain_text("已投3人 / 应投4人")
    expect(chair_page.get_by_role("link", name="查看结果")).to_have_count(0)
    set_state(chair_page, "结束投票", "已计票待核对")
    review_and_release(chair_page)
    chair_page.get_by_role("link", name="查看结果").click()
    expect(chair_page.locator("main h1")).to_contain_text("结果")
    result_rows = chair_page.locator("#result-table tbody tr")
    expect(result_rows).to_have_count(3)
    # Elected with more than half of the ELECTORATE (4): 3 votes elect, 2 (exactly half) do not.
    expect(result_rows.nth(0)).to_contain_text(re.compile(r"王建国\s*3\s*100\.0%\s*当选"))
    expect(result_rows.nth(1)).to_contain_text(re.compile(r"李秀兰\s*2\s*66\.7%"))
    expect(result_rows.nth(1)).not_to_contain_text("当选")
    expect(result_rows.nth(2)).to_contain_text(re.compile(r"张伟\s*1\s*33\.3%"))

    # The result sheet, as DOCX: read back with python-docx.
    sheet_title = f"{ELECTION}结果报告单"  # not 选举选举
    docx_path = download(chair_page, "结果报告(DOCX)", tmp_path)
    assert docx_path.name == f"{sheet_title}.docx"
    assert docx_path.read_bytes().startswith(b"PK\x03\x04")
    document = Document(str(docx_path))
    paragraphs = [p.text for p in document.paragraphs]
    text = "\n".join(paragraphs)
    assert paragraphs[0] == sheet_title
    assert "应参加人数4人，实际参加3人，参与率75.0%。" in text, text
    assert "收回选票3张，其中有效票3张，无效票0张。应选2人。" in text, text
    assert "当选：王建国。" in text, text
    assert "得票须超过应到会有选举权人数(4人)的50%，即不少于3票" in text, text
    assert docx_rows(docx_path) == [
        ["序号", "姓名/选项", "得票", "得票率", "结果"],
        ["1", "王建国", "3", "100.0%", "当选"],
        ["2", "李秀兰", "2", "66.7%", ""],
        ["3", "张伟", "1", "33.3%", ""],
    ]

    # And as PDF: the same content, the CJK font embedded.
    pdf_path = download(chair_page, "结果报告(PDF)", tmp_path)
    assert pdf_path.name == f"{sheet_title}.pdf"
    content = pdf_path.read_bytes()
    pdf_lines = [line.split() for line in pdf_text(content).splitlines()]
    assert ["1", "王建国", "3", "100.0%", "当选"] in pdf_lines, pdf_lines
    assert ["2", "李秀兰", "2", "66.7%"] in pdf_lines, pdf_lines
    fonts = embedded_fonts(content)
    assert any(name.startswith("Noto-Serif-CJK-SC") for name in fonts) and all(fonts.values()), fonts

    # A voter checks that their ballot was counted as cast, by their receipt code.
    voter = phones["lixiulan"]
    open_voting(voter, phone=True)
    voter.locator("#released-list li", has_text=ELECTION).get_by_role("link", name="选票核对").click()
    expect(voter.locator("main")).to_contain_text(receipts["lixiulan"])

    assert not browsers.script_errors, browsers.script_errors


# --- 2. the award selection through 公示 -------------------------------------------------------


def nominate(page: Page, nominee: str, deeds: str) -> None:
    open_voting(page, phone=True)
    page.locator("#nominations li", has_text=AWARD_POLL).get_by_role("link", name="自荐/推荐").click()
    expect(page.locator("main h1")).to_contain_text("自荐/推荐")
    page.get_by_label("推荐人选").select_option(label=nominee)
    page.get_by_label("主要事迹").fill(deeds)
    page.get_by_role("button", name="提交推荐").click()
    expect_message(page, "推荐已提交，等待评选小组资格审查。")


def screen(page: Page, name: str, button: str) -> None:
    row = page.locator("#options li", has_text=name)
    row.get_by_role("button", name=button, exact=True).click()
    expect(page.locator("#options li", has_text=name)).to_contain_text(
        "符合条件" if button == "符合" else "不符合条件"
    )


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_an_award_selection_goes_through_public_notice_with_an_objection_resolved(
    page: Page,
    live_server: Any,
    browsers: Browsers,
    tree: Tree,
    chair: Any,
    members: dict[str, Member],
    tmp_path: Path,
) -> None:
    # The chair: 新建 → 评优, one place.
    chair_page = browsers.open()
    login(chair_page, live_server, "chair")
    new_poll(chair_page, "评优")
    chair_page.get_by_role("textbox", name=re.compile(r"^名称( \*)?$")).fill(AWARD_POLL)
    chair_page.get_by_label("奖项名称").fill(AWARD)
    chair_page.get_by_label("奖项级别").select_option(label="校级")
    chair_page.get_by_label("评选名额").fill("1")
    chair_page.get_by_role("button", name="保存").click()
    expect_message(chair_page, f"已建立“{AWARD_POLL}”")
    poll_url = chair_page.url

    # Members nominate on their phones: 王建国 recommends 李秀兰, 张伟 nominates himself,
    # 赵丽 recommends 王建国.
    page.on("dialog", lambda dialog: dialog.accept())
    phones: dict[str, Page] = {"wangjianguo": page}
    for username in ("zhangwei", "zhaoli", "lixiulan"):
        phones[username] = browsers.open(PHONE)
    for username, phone in phones.items():
        login(phone, live_server, username)
    nominate(phones["wangjianguo"], "李秀兰", "担任班主任十五年，所带班级连续三年获评市级先进班集体。")
    nominate(phones["zhangwei"], "张伟", "组建学校田径队，带队获县运会团体第一名。")
    nominate(phones["zhaoli"], "王建国", "主持县级课题一项。")
    # The nomination page lists the nominees, waiting for the panel's screening.
    nominations = phones["zhaoli"]
    nominations.locator("#nominations li", has_text=AWARD_POLL).get_by_role("link", name="自荐/推荐").click()
    nominees = nominations.locator("main ul.list-group li")
    expect(nominees).to_have_count(3)
    for name in ("李秀兰", "张伟", "王建国"):
        expect(nominees.filter(has_text=name)).to_contain_text("待审查")

    # The panel screens: two eligible, one not; opening before screening all is refused.
    chair_page.goto(poll_url)
    expect(chair_page.locator("#options li")).to_have_count(3)
    chair_page.get_by_role("link", name="选民名单").click()
    chair_page.get_by_label("选民来源").select_option(label="本工会全体在会会员")
    chair_page.get_by_role("button", name="加入名单").click()
    expect_message(chair_page, "已加入4人。")
    chair_page.get_by_role("link", name="返回").click()
    chair_page.get_by_role("button", name="开始投票", exact=True).click()
    expect(chair_page.locator(".alert-danger")).to_contain_text("尚有推荐人选未经资格审查。")
    screen(chair_page, "李秀兰", "符合")
    screen(chair_page, "张伟", "符合")
    screen(chair_page, "王建国", "不符合")
    set_state(chair_page, "开始投票", "投票中")

    # The members vote: only the eligible nominees are on the ballot.
    picks = {"wangjianguo": "李秀兰", "zhaoli": "李秀兰", "zhangwei": "张伟"}
    for username, pick in picks.items():
        phone = phones[username]
        go_vote(phone, AWARD_POLL, phone=True)
        expect(phone.locator("#ballot-form input[type=radio]")).to_have_count(2)
        expect(phone.locator("#ballot-form")).not_to_contain_text("王建国")
        cast(phone, pick)

    # Closed, released: 李秀兰 is selected (2 of 3 valid ballots).
    chair_page.reload()
    expect(chair_page.locator("#turnout")).to_contain_text("已投3人 / 应投4人")
    set_state(chair_page, "结束投票", "已计票待核对")
    review_and_release(chair_page)
    chair_page.get_by_role("link", name="查看结果").click()
    expect(chair_page.locator("#result-table tbody tr").first).to_contain_text(
        re.compile(r"李秀兰\s*2\s*66\.7%\s*入选")
    )

    # The chair puts the result on public notice (公示), published at once.
    results_url = chair_page.url
    chair_page.get_by_role("button", name="进行公示").click()
    expect_message(chair_page, "评选结果已进入公示。")
    expect(chair_page.locator("#award-status")).to_contain_text("公示中")
    chair_page.locator("#award-status").get_by_role("link", name="查看公示").click()
    notice_title = f"关于“{AWARD}”评选结果的公示"
    expect(chair_page.locator("main h1")).to_have_text(notice_title)
    expect(chair_page.locator("#state")).to_contain_text("公示中")
    expect(chair_page.locator("#notice-body")).to_contain_text("李秀兰")
    notice = Notice.objects.get(title=notice_title)
    assert notice.state == NoticeState.PUBLISHED

    # 张伟 finds it on the notice board (公示) and raises an anonymous objection.
    objector = phones["zhangwei"]
    objector.locator(".navbar-toggler").click()
    open_menu(objector, "notices")
    objector.get_by_role("link", name=notice_title).click()
    expect(objector.locator("main h1")).to_have_text(notice_title)
    objector.get_by_label("异议内容").fill("李秀兰老师今年上半年休病假三个月，是否符合评选条件？")
    objector.get_by_label("匿名").check()
    objector.get_by_role("button", name="提交异议").click()
    expect_message(objector, "您的异议已提交")
    expect(objector.locator("#objections li")).to_have_count(1)
    expect(objector.locator("#objections li")).to_contain_text("待处理")

    # Other members see the objection without the objector's name; the panel sees it.
    bystander = phones["zhaoli"]
    bystander.goto(objector.url)
    expect(bystander.locator("#objections .objector")).to_have_text("匿名")
    chair_page.reload()
    expect(chair_page.locator("#objections .objector")).to_have_text("张伟")
    expect(chair_page.locator("#objections")).to_contain_text("对外匿名")

    # The chair resolves it: 异议不成立, with the reason.
    objection = chair_page.locator("#objections li").first
    objection.get_by_label("处理结果").select_option(label="异议不成立")
    objection.get_by_label("处理意见").fill("经核实，病假期间已按规定补足工作量，符合评选条件。")
    objection.get_by_role("button", name="处理异议").click()
    expect_message(chair_page, "异议已处理。")
    expect(chair_page.locator("#objections li")).to_contain_text("经核实，病假期间已按规定补足工作量")
    expect(chair_page.locator("#state")).to_contain_text("公示中")

    # Before the period ends the award is not final.
    poll = Poll.objects.get(title=AWARD_POLL)
    assert not poll.award_final

    # Time travel: the daily job runs on the first day after the period.
    notice.refresh_from_db()
    call_command("notices-refresh", "--today", (notice.ends_on + dt.timedelta(days=1)).isoformat())

    # The notice is over with its objection resolved, and the award is final.
    chair_page.reload()
    expect(chair_page.locator("#state")).to_contain_text("公示结束")
    expect(chair_page.locator("#state")).to_contain_text("异议均已处理")
    chair_page.goto(results_url)
    expect(chair_page.locator("#award-status")).to_contain_text("公示期满，结果生效")
    poll.refresh_from_db()
    assert poll.award_final

    # A member sees it too, and the award list (PDF) names the awardee as final.
    member_page = phones["lixiulan"]
    open_voting(member_page, phone=True)
    member_page.locator("#released-list li", has_text=AWARD_POLL).get_by_role("link", name="结果").click()
    expect(member_page.locator("#award-status")).to_contain_text("公示期满，结果生效")
    pdf_path = download(member_page, "结果报告(PDF)", tmp_path)
    text = pdf_text(pdf_path.read_bytes())
    assert "表彰名单" in text and "拟表彰名单" not in text, text
    rows = [line.split() for line in text.splitlines()]
    assert ["1", "李秀兰", "数学教师", AWARD, "校级", "2"] in rows, text
    assert "结果生效" in text, text

    assert not browsers.script_errors, browsers.script_errors


# --- 3. an election whose turnout fails, on a desktop and on a phone ---------------------------

WIDE = {"width": 1366, "height": 900}
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e" / "voting"


def shot(page: Page, name: str) -> None:
    """Keep a full-page screenshot of the step (looked at by a person, not compared)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("viewport", [WIDE, PHONE], ids=["1366", "390"])
def test_an_election_with_too_few_voters_is_counted_reviewed_and_published_as_invalid(
    viewport: dict[str, int],
    live_server: Any,
    browsers: Browsers,
    tree: Tree,
    chair: Any,
    members: dict[str, Member],
    tmp_path: Path,
) -> None:
    from tests.voting.factories import make_poll

    width = viewport["width"]
    # A draft with three candidates and an electorate of seven (the four members with accounts).
    others = [MemberFactory(union=tree.school1) for _ in range(3)]
    poll = make_poll(tree.school1, title=ELECTION, options=["王建国", "李秀兰", "张伟"], choose_max=1,
                     voters=[*members.values(), *others])  # fmt: skip

    # The chair opens it (every voter with an account is told, in-app).
    chair_page = browsers.open(viewport)
    login(chair_page, live_server, "chair")
    chair_page.goto(f"{live_server.url}/voting/{poll.pk}/")
    expect(chair_page.locator("#poll-rules")).to_contain_text("三分之二")
    set_state(chair_page, "开始投票", "投票中")
    shot(chair_page, f"{width}-1-open")
    no_sideways_scroll(chair_page)

    # One voter finds the 待投票 card on their home page and votes there (1 of 7 take part).
    voter = browsers.open(viewport)
    login(voter, live_server, "wangjianguo")
    card = voter.locator("#todos").get_by_role("link", name=f"待投票：{ELECTION}")
    expect(card).to_be_visible()
    expect(voter.locator("main")).to_contain_text(f"请参加投票：{ELECTION}")
    shot(voter, f"{width}-2-voter-home")
    card.click()
    expect(voter.locator("main h1")).to_have_text(ELECTION)
    cast(voter, "王建国")
    shot(voter, f"{width}-3-voted")
    voter.goto(f"{live_server.url}/")
    expect(voter.locator("main")).not_to_contain_text("待投票")

    # 计票: closing counts; the result is hidden from the voter until published.
    chair_page.reload()
    set_state(chair_page, "结束投票", "已计票待核对")
    hidden = voter.goto(f"{live_server.url}/voting/{poll.pk}/results/")
    assert hidden is not None and hidden.status == 403
    expect(voter.locator("main")).not_to_contain_text("王建国")

    # 核对: the chair sees the count, invalid: nobody elected.
    chair_page.get_by_role("link", name="核对计票结果").click()
    expect(chair_page.locator("#count-invalid")).to_contain_text("本次投票无效")
    expect(chair_page.locator("#count-invalid")).to_contain_text("应到会有选举权人数7人，实际参加投票1人")
    expect(chair_page.locator("#result-table")).not_to_contain_text("当选")
    shot(chair_page, f"{width}-4-review")
    no_sideways_scroll(chair_page)
    chair_page.get_by_role("button", name="核对无误").click()
    expect(chair_page.locator("#poll-state")).to_have_text("已核对待公布")
    assert voter.goto(f"{live_server.url}/voting/{poll.pk}/results/").status == 403  # type: ignore[union-attr]

    # 公布: now the voter sees it, and the sheet says the election failed.
    chair_page.get_by_role("link", name="公布结果").click()
    chair_page.get_by_role("button", name="公布结果").click()
    expect(chair_page.locator("#poll-state")).to_have_text("已公布结果")
    voter.goto(f"{live_server.url}/voting/{poll.pk}/results/")
    expect(voter.locator("#count-invalid")).to_contain_text("无人当选")
    expect(voter.locator("#result-table")).not_to_contain_text("当选")
    shot(voter, f"{width}-5-results")
    no_sideways_scroll(voter)

    docx_path = download(voter, "结果报告(DOCX)", tmp_path)
    text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
    assert "实际参加投票1人，未达到规定的参加人数，本次投票无效，无人当选。" in text, text
    assert "当选：" not in text, text
    pdf_path = download(voter, "结果报告(PDF)", tmp_path)
    pdf = pdf_text(pdf_path.read_bytes()).replace("\n", "")
    assert "本次投票无效，无人当选" in pdf, pdf
    (SHOTS / f"{width}-result-sheet.pdf").write_bytes(pdf_path.read_bytes())
    (SHOTS / f"{width}-result-sheet.docx").write_bytes(docx_path.read_bytes())

    assert not browsers.script_errors, browsers.script_errors
