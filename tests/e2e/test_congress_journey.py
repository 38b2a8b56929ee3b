"""The proposal journey in Chromium (issue 4, "Playwright"): a delegate files a proposal on a phone
and names two co-signers, who confirm it on their phones; the delegate submits it; the chair
registers it (立案) and assigns it (交办) to 总务处 with a deadline; 总务处 answers; the proposer
rates the answer 不满意, 总务处 answers again, the proposer rates 满意; the chair downloads the
session's 提案办理情况报告 and the test opens the DOCX and reads it.

Each person signs in in a context of their own (own cookies), through the real login form.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from docx import Document
from playwright.sync_api import Browser, Page, expect

from gonghui.congress.enums import ProposalState, Rating, SessionStatus
from gonghui.congress.models import CongressSession, Delegate, Proposal
from gonghui.core.models import User
from tests.congress.factories import DelegateFactory, SessionFactory, TermFactory
from tests.factories import UserFactory
from tests.members.factories import MemberFactory

from ..conftest import Tree
from .conftest import DESKTOP, PHONE, login, open_menu

TITLE = "关于教师办公室加装空调的提案"
REASON = "教师办公室夏季室温超过35度，影响备课和批改作业。"
MEASURES = "暑假前为各办公室加装空调，由总务处统一维护。"
FIRST_ANSWER = "学校已将此事列入明年预算，先为各办公室配备电风扇。"
SECOND_ANSWER = "经校务会研究，暑假前为全部12间教师办公室加装空调，7月15日前完工。"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


class Browsers:
    """Opens a page in a new browser context (its own session) per person; closes them all at the end."""

    def __init__(self, browser: Browser) -> None:
        self.browser = browser
        self.contexts: list[Any] = []
        self.script_errors: list[str] = []

    def open(self, viewport: dict[str, int] = DESKTOP) -> Page:
        context = self.browser.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsers(browser: Browser, live_server: Any) -> Iterator[Browsers]:
    opened = Browsers(browser)
    yield opened
    opened.close()


@pytest.fixture
def open_session(tree: Tree) -> CongressSession:
    """第一中学 第六届教代会 (two co-signers needed), its first session in progress."""
    term = TermFactory(org=tree.school1, number=6, cosigners_required=2)
    return SessionFactory(term=term, status=SessionStatus.IN_SESSION)


def elect(session: CongressSession, username: str, name: str) -> Delegate:
    """A member of 第一中学 with a login account, elected delegate of the session's term."""
    user = UserFactory(username=username, name=name)
    member = MemberFactory(union=session.org, name=name)
    return DelegateFactory(term=session.term, member=member, user=user)


@pytest.fixture
def delegates(open_session: CongressSession) -> dict[str, Delegate]:
    return {
        "proposer": elect(open_session, "wangjianguo", "王建国"),
        "cosigner1": elect(open_session, "lixiulan", "李秀兰"),
        "cosigner2": elect(open_session, "zhangwei", "张伟"),
        "bystander": elect(open_session, "zhaoli", "赵丽"),
    }


def open_proposals(page: Page, *, phone: bool = False) -> None:
    """The 提案 link of the header (behind the toggler on a phone)."""
    if phone:
        page.locator(".navbar-toggler").click()
    open_menu(page, "proposals")
    expect(page.locator("main h1")).to_have_text("提案")


def open_proposal(page: Page, *, phone: bool = False) -> None:
    open_proposals(page, phone=phone)
    page.locator("#proposal-table").get_by_role("link", name=TITLE).click()
    expect(page.locator("main h1")).to_contain_text(TITLE)


def expect_message(page: Page, text: str) -> None:
    expect(page.locator(".alert-success")).to_contain_text(text)


def rate(page: Page, rating: str, comment: str = "") -> None:
    page.get_by_role("radio", name=rating, exact=True).check()
    if comment:
        page.get_by_label("意见").fill(comment)
    page.get_by_role("button", name="评价", exact=True).click()
    expect_message(page, "已评价。")


def answer(page: Page, body: str) -> None:
    page.get_by_label("答复内容").fill(body)
    page.get_by_role("button", name="答复", exact=True).click()
    expect_message(page, "已答复。")


def docx_paragraphs(path: Path) -> list[str]:
    document = Document(str(path))
    return [p.text for p in document.paragraphs]


@pytest.mark.parametrize("page", [PHONE], indirect=True)
def test_proposal_filed_on_a_phone_is_answered_twice_rated_and_reported(
    page: Page,
    live_server: Any,
    browsers: Browsers,
    tree: Tree,
    chair: User,
    department_handler: User,
    open_session: CongressSession,
    delegates: dict[str, Delegate],
    tmp_path: Path,
) -> None:
    deadline = timezone.localdate() + dt.timedelta(days=14)

    # The delegate, on a phone: 提案 → 提出提案; the session is preselected, two co-signers picked.
    login(page, live_server, "wangjianguo")
    expect(page.locator(".navbar-toggler")).to_be_visible()
    open_proposals(page, phone=True)
    page.get_by_role("link", name="提出提案").click()
    expect(page.locator("main h1")).to_have_text("提出提案")
    expect(page.locator("#id_session option:checked")).to_contain_text("第六届")
    page.get_by_label("案由").fill(TITLE)
    page.get_by_label("类别").select_option(label="后勤保障")
    page.get_by_label("理由").fill(REASON)
    page.get_by_label("建议措施").fill(MEASURES)
    choices = page.locator("#id_cosigners")
    expect(choices.get_by_role("checkbox")).to_have_count(3)  # the other delegates, not the proposer
    choices.get_by_role("checkbox", name="李秀兰").check()
    choices.get_by_role("checkbox", name="张伟").check()
    page.get_by_role("button", name="保存草稿").click()
    expect_message(page, "提案已保存为草稿")
    expect(page).to_have_url(re.compile(r"/proposals/\d+/$"))
    expect(page.locator("#proposal-state")).to_have_text("草稿")
    cosigner_rows = page.locator("#proposal-cosigners li")
    expect(cosigner_rows).to_have_count(2)
    for name in ("李秀兰", "张伟"):
        expect(cosigner_rows.filter(has_text=name)).to_contain_text("待确认")
    proposal = Proposal.objects.get(title=TITLE)
    assert proposal.proposer_id == delegates["proposer"].pk
    assert proposal.session_id == open_session.pk

    # Submitting before the co-signers confirm is refused, with the reason.
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator(".alert-danger")).to_contain_text("提案需要至少2名代表附议确认，目前已确认0名。")
    expect(page.locator("#proposal-state")).to_have_text("草稿")

    # Each co-signer, on their own phone, finds the draft in their 提案 list and confirms.
    for username in ("lixiulan", "zhangwei"):
        cosigner = browsers.open(PHONE)
        login(cosigner, live_server, username)
        open_proposal(cosigner, phone=True)
        cosigner.get_by_role("button", name="确认附议").click()
        expect_message(cosigner, "已确认附议。")
        expect(cosigner.get_by_role("button", name="确认附议")).to_have_count(0)
        expect(cosigner.get_by_role("button", name="提交", exact=True)).to_have_count(0)  # only the proposer

    page.reload()
    for name in ("李秀兰", "张伟"):
        expect(cosigner_rows.filter(has_text=name)).to_contain_text("已确认")
    page.get_by_role("button", name="提交", exact=True).click()
    expect_message(page, "提案已提交")
    expect(page.locator("#proposal-state")).to_have_text("已提交")
    expect(page.get_by_role("button", name="提交", exact=True)).to_have_count(0)

    # The chair reviews: 立案 (numbered 1), then 交办 to 总务处 with a deadline.
    chair_page = browsers.open()
    login(chair_page, live_server, "chair")
    open_proposal(chair_page)
    expect(chair_page.locator("#proposal-state")).to_have_text("已提交")
    chair_page.get_by_label("审查结论").select_option(label="立案")
    chair_page.get_by_role("button", name="提交审查结论").click()
    expect_message(chair_page, "已审查：")
    expect(chair_page.locator("#proposal-state")).to_have_text("已立案")
    expect(chair_page.locator("#proposal-info dd").first).to_have_text("1")
    chair_page.get_by_role("checkbox", name="总务处").check()
    chair_page.get_by_label("答复期限").fill(deadline.isoformat())
    chair_page.get_by_role("button", name="交办", exact=True).click()
    expect_message(chair_page, "已交办承办部门。")
    expect(chair_page.locator("#proposal-state")).to_have_text("已交办")
    expect(chair_page.locator("#proposal-assignments")).to_contain_text(
        f"总务处 · 答复期限 {deadline:%Y-%m-%d}"
    )

    # 总务处 sees only what is assigned to it, and answers.
    department = browsers.open()
    login(department, live_server, "department_handler")
    open_proposals(department)
    expect(department.locator("#proposal-table tbody tr")).to_have_count(1)
    open_proposal(department)
    answer(department, FIRST_ANSWER)
    expect(department.locator("#proposal-state")).to_have_text("已答复")
    expect(department.locator("#proposal-answers")).to_contain_text(FIRST_ANSWER)

    # The proposer is not satisfied: the proposal goes back to 总务处 for another round.
    page.reload()
    expect(page.locator("#proposal-state")).to_have_text("已答复")
    expect(page.locator("#proposal-answers")).to_contain_text(FIRST_ANSWER)
    rate(page, "不满意", "电风扇解决不了问题。")
    expect(page.locator("#proposal-state")).to_have_text("已交办")
    expect(page.locator("#proposal-ratings li")).to_have_text([re.compile(r"第1轮\s*·\s*不满意")])
    expect(page.get_by_role("radio", name="满意", exact=True)).to_have_count(0)

    department.reload()
    expect(department.locator("#proposal-state")).to_have_text("已交办")
    answer(department, SECOND_ANSWER)
    expect(department.locator("#proposal-answers li")).to_have_count(2)
    expect(department.locator("#proposal-answers li").last).to_contain_text("第2轮")

    page.reload()
    rate(page, "满意")
    expect(page.locator("#proposal-state")).to_have_text("已评价")
    expect(page.locator("#proposal-ratings li")).to_have_text(
        [re.compile(r"第1轮\s*·\s*不满意"), re.compile(r"第2轮\s*·\s*满意")]
    )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.rating, proposal.number) == (ProposalState.RATED, Rating.SATISFIED, 1)
    assert proposal.answers.count() == 2

    # The chair opens the session page and downloads the proposal report.
    open_menu(chair_page, "congress")
    chair_page.locator("#congress-terms").get_by_role("link", name="第一次会议").click()
    expect(chair_page.locator("main h1")).to_contain_text("第六届教职工代表大会第一次会议")
    with chair_page.expect_download() as info:
        chair_page.get_by_role("link", name="提案办理情况报告(DOCX)").click()
    download = info.value
    assert download.failure() is None
    report_title = "关于第六届第一次教代会提案办理情况的报告"
    assert download.suggested_filename == f"{report_title}.docx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"PK\x03\x04")

    paragraphs = docx_paragraphs(target)
    text = "\n".join(paragraphs)
    assert paragraphs[0] == report_title
    assert "共收到代表提案1件" in text and "立案率100.0%" in text, text
    assert "答复率100.0%" in text and "按期答复率100.0%" in text, text
    assert "满意率100.0%" in text, text
    listed = next(i for i, p in enumerate(paragraphs) if TITLE in p)
    assert paragraphs[listed].startswith(f"第1号《{TITLE}》（提案人：王建国；承办部门：总务处；")
    assert paragraphs[listed].endswith("评价：满意）")
    assert paragraphs[listed + 1] == f"答复：{SECOND_ANSWER}"
    assert "第一中学工会提案工作委员会" in paragraphs

    assert not browsers.script_errors, browsers.script_errors
