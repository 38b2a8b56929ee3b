"""The work plan states what a union does every year, once (issue 12 §4): a one-off donation and
an election are not repeated next year, a 100% target is not "100%以上", and no figure gets two
different targets. Each read from the exported DOCX with python-docx."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from docx import Document

from gonghui.care.enums import CampaignKind, CampaignState
from gonghui.care.models import DonationCampaign
from gonghui.reports import services, workplan
from gonghui.reports.documents import workplan_docx
from gonghui.voting import services as voting
from gonghui.voting.enums import PollKind, PollState
from tests.voting.factories import electorate, make_poll, option_ids

from .summary_data import known_year

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


def _text(plan) -> str:
    document = Document(io.BytesIO(workplan_docx(plan)))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _drive(union, kind, title, month):
    DonationCampaign.objects.create(org=union, asked_org=union, kind=kind, title=title,
                                    starts_on=dt.date(this_year(), month, 1), ends_on=dt.date(this_year(), month, 20),
                                    state=CampaignState.CLOSED)  # fmt: skip


def _closed_poll(union, kind, title, *, votes=True, **extra):
    poll = make_poll(union, kind=kind, title=title, options=["张三", "李四"], voters=2, state=PollState.OPEN,
                     **extra)  # fmt: skip
    for voter in electorate(poll) if votes else []:
        voting.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["张三"]]})
    voting.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    return poll


def test_a_one_off_donation_and_an_election_are_not_repeated_next_year(tree, chair):
    known_year(tree.school1, chair, day=dt.date(this_year(), 1, 15))
    _drive(tree.school1, CampaignKind.CHARITY_DAY, "博爱一日捐", 6)
    _drive(tree.school1, CampaignKind.LOVE, "为重病教师王老师爱心捐款", 7)
    _closed_poll(tree.school1, PollKind.ELECTION, f"{this_year()}年工会委员会换届选举")

    plan = services.workplan_generate(actor=chair, org=tree.school1, year=this_year())
    text = _text(plan)

    assert "组织开展“博爱一日捐”捐款活动" in text  # the yearly drive comes round again
    assert "王老师" not in text and "爱心捐款" not in text
    assert "换届选举" not in text
    assert "开展“优秀工会工作者评选”" in text  # a yearly award stays


def test_no_target_reads_one_hundred_percent_or_more():
    facts = {key: {"value": 100.0} for key, *_rest in workplan.TARGETS}
    facts |= {"care.files.open": {"value": 2}, "care.files.overdue": {"value": 0}}

    texts = [item.text for item in workplan.targets(facts)]

    assert texts and all("100%" in text for text in texts)
    assert not [text for text in texts if "100%以上" in text]
    low = workplan.targets({"congress.satisfaction_rate": {"value": 80.0}})
    assert [item.text for item in low] == ["提案办理满意率达到95%以上"]


def test_each_figure_has_one_target_in_the_plan(tree, chair):
    known_year(tree.school1, chair, day=dt.date(this_year(), 1, 15))  # 答复率 50%: the summary asks for 100%
    facts = {"congress.answer_rate": {"value": 50.0}, "congress.satisfaction_rate": {"value": 80.0},
             "voting.turnout": {"value": 60.0}}  # fmt: skip
    goals = workplan.targets(facts)

    tasks = [
        workplan.without_set_targets(text, goals)
        for text in ["提高提案办理质量，满意率达到90%以上", "扩大民主参与面，选举和评议参投率达到90%以上",
                     "加强提案办理的跟踪督办，提案答复率和按期答复率均达到100%", "组织工会干部参加业务培训"]
    ]  # fmt: skip

    assert tasks == [
        "提高提案办理质量",
        "扩大民主参与面",
        "加强提案办理的跟踪督办",
        "组织工会干部参加业务培训",
    ]
    plan = services.workplan_generate(actor=chair, org=tree.school1, year=this_year())
    text = _text(plan)
    targets_of = {}
    for measure, value in re.findall(r"([\u4e00-\u9fff]{2}率)[^，；。\n]*?达到(\d+)%", text):
        targets_of.setdefault(measure, set()).add(value)
    assert targets_of and all(len(values) == 1 for values in targets_of.values()), targets_of
    assert "100%以上" not in text


def test_a_poll_whose_title_says_what_it_is_is_not_named_twice(tree, chair):
    known_year(tree.school1, chair, day=dt.date(this_year(), 1, 15))
    _closed_poll(tree.school1, PollKind.EVALUATION, "中层干部民主测评", votes=False)

    text = _text(services.workplan_generate(actor=chair, org=tree.school1, year=this_year()))

    assert "组织开展“中层干部民主测评”" in text and "民主测评”民主测评" not in text
    assert workplan.poll_line(PollKind.EVALUATION, "班子述职") == "组织“班子述职”民主测评"


def test_an_evaluation_counted_and_reviewed_but_not_yet_published_comes_round_next_year(tree, chair):
    known_year(tree.school1, chair, day=dt.date(this_year(), 1, 15))
    poll = _closed_poll(tree.school1, PollKind.EVALUATION, "班子述职测评", votes=False)
    voting.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)

    text = _text(services.workplan_generate(actor=chair, org=tree.school1, year=this_year()))

    assert "组织开展“班子述职测评”" in text
