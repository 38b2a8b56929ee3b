"""Next year's work plan (工作计划): targets carried from the figures, the monthly calendar from
this year's dated records, edits kept, DOCX/PDF exports; access across unions and roles."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import TestCase
from django.urls import reverse
from docx import Document

from gonghui.care.enums import CampaignKind, CampaignState, HealthKind, Occasion, VisitState
from gonghui.care.models import DonationCampaign, HealthCampaign
from gonghui.core.models import AuditEvent
from gonghui.reports import services, workplan
from gonghui.reports.documents import workplan_docx, workplan_pdf
from gonghui.reports.models import PeriodKind, WorkPlan
from tests.care.visit_factories import make_visit
from tests.exporting import fetch_export
from tests.members.factories import MemberFactory
from tests.voting.pdf_reader import pdf_text

from .summary_data import known_year

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


def _summary(union):
    with TestCase.captureOnCommitCallbacks(execute=True):
        obj = services.summary_create(actor=None, org=union, period_kind=PeriodKind.CALENDAR, year=this_year(),
                                      subtree=False)  # fmt: skip
    obj.refresh_from_db()
    return obj


def _records(union, chair):
    """known_year on 15 January, plus a 重阳 visit in October, a check-up in May and a drive in June."""
    known_year(union, chair, day=dt.date(this_year(), 1, 15))
    retiree = MemberFactory(union=union)
    make_visit(union, [retiree], occasion=Occasion.CHONGYANG, amount="200", visited_on=dt.date(this_year(), 10, 11),
               state=VisitState.RECORDED, approver=chair)  # fmt: skip
    HealthCampaign.objects.create(org=union, kind=HealthKind.CHECKUP, year=this_year(), title=f"{this_year()}年教职工体检",
                                  starts_on=dt.date(this_year(), 5, 10), ends_on=dt.date(this_year(), 5, 20))  # fmt: skip
    DonationCampaign.objects.create(org=union, asked_org=union, kind=CampaignKind.CHARITY_DAY, title="博爱一日捐",
                                    starts_on=dt.date(this_year(), 6, 1), ends_on=dt.date(this_year(), 6, 30),
                                    state=CampaignState.CLOSED)  # fmt: skip


def test_targets_are_carried_exactly_from_the_figures():
    facts = {"congress.answer_rate": {"value": 91.7}, "congress.satisfaction_rate": {"value": "88.5"},
             "voting.turnout": {"value": 97.0}, "members.join_rate": {"value": 100.0},
             "care.files.open": {"value": 4}, "care.files.overdue": {"value": 1}}  # fmt: skip
    found = {item.target_key: item for item in workplan.targets(facts)}
    answer = found["congress.answer_rate"]
    assert (answer.text, answer.current_value, answer.target_value, answer.unit) == (
        "提案答复率达到100%", "91.7%", "100", "%")  # fmt: skip
    assert found["congress.satisfaction_rate"].text == "提案办理满意率达到95%以上"
    assert found["congress.satisfaction_rate"].current_value == "88.5%"
    assert found["voting.turnout"].text == "选举和评议参投率达到100%"  # never "100%以上"
    assert found["members.join_rate"].text == "职工入会率达到100%"
    assert found["care.files.overdue"].text == "困难职工档案按期复核率达到100%"
    assert "congress.on_time_rate" not in found


def test_plan_from_a_known_year(tree, chair):
    _records(tree.school1, chair)
    summary = _summary(tree.school1)
    plan = services.workplan_generate(actor=chair, org=tree.school1, year=this_year(), summary=summary)
    assert plan.year == this_year() + 1 and plan.title == f"第一中学工会{this_year() + 1}年工作计划"
    assert plan.summary == summary
    goals = {i.target_key: i for i in plan.items.exclude(target_key="")}
    assert goals["congress.answer_rate"].text == "提案答复率达到100%"
    assert goals["congress.answer_rate"].current_value == "50.0%"
    assert goals["voting.turnout"].current_value == "100.0%"
    # the summary's next-year list becomes tasks, sorted into sections (the rates' targets are the
    # goals': the task keeps its action, not a second target)
    task = plan.items.get(text="加强提案办理的跟踪督办")
    assert task.section == "democracy" and not task.target_key
    months = {(m.month, m.text) for m in plan.months.all()}
    assert (1, "召开第六届教代会第二次会议") in months, months
    assert (1, "开展春节走访慰问活动，慰问离退休教职工和困难职工") in months
    assert (10, "开展重阳节走访慰问离退休老同志活动") in months
    assert (5, f"组织{this_year() + 1}年教职工体检") in months
    assert (6, "组织开展“博爱一日捐”捐款活动") in months
    assert (dt.date.today().month, "开展“优秀工会工作者评选”") in months
    assert (12, "总结全年工作，起草年度工作总结和下一年工作计划") in months
    assert AuditEvent.objects.filter(action="reports.workplan_generate").exists()


def test_edits_are_kept_on_regeneration_and_exported(tree, chair):
    _records(tree.school1, chair)
    plan = services.workplan_generate(actor=chair, org=tree.school1, year=this_year())  # straight from facts
    goal = plan.items.get(target_key="congress.answer_rate")
    services.workplan_item_update(actor=chair, item=goal, text="提案答复率达到100%，按期答复率达到95%")
    october = plan.months.get(month=10)
    services.monthly_update(actor=chair, activity=october, month=9, text="重阳节前走访慰问离退休老同志")
    services.workplan_generate(actor=chair, org=tree.school1, year=this_year(), plan=plan)
    assert plan.items.filter(text="提案答复率达到100%，按期答复率达到95%", edited=True).count() == 1
    assert not plan.items.filter(text="提案答复率达到100%").exists()
    assert plan.months.filter(month=9, text="重阳节前走访慰问离退休老同志", edited=True).count() == 1
    assert plan.months.filter(month=5).count() == 1  # regenerated, not doubled
    document = Document(io.BytesIO(workplan_docx(plan)))
    text = "\n".join(p.text for p in document.paragraphs)
    cells = [[c.text for c in row.cells] for t in document.tables for row in t.rows]
    assert f"第一中学工会{this_year() + 1}年工作计划" in text
    assert "提案答复率达到100%，按期答复率达到95%" in text and "四、月份活动安排" in text
    assert ["9月", "重阳节前走访慰问离退休老同志"] in cells and ["月份", "活动安排"] in cells
    pdf = pdf_text(workplan_pdf(plan)).replace("\n", "")
    for expected in ("提案答复率达到100%，按期答复率达到95%", "重阳节前走访慰问离退休老同志", "月份活动安排",
                     f"组织{this_year() + 1}年教职工体检", "二、工作目标", "三、主要任务"):  # fmt: skip
        assert expected in pdf, expected


def test_pages_generate_edit_inline_and_export(tree, chair, client_for):
    _records(tree.school1, chair)
    summary = _summary(tree.school1)
    client = client_for(chair)
    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert "生成下一年工作计划" in page
    response = client.post(reverse("reports:workplan_create", args=[summary.pk]))
    plan = WorkPlan.objects.get(org=tree.school1)
    assert response.status_code == 302 and response.url == reverse("reports:workplan_detail", args=[plan.pk])
    page = client.get(response.url).content.decode()
    assert "提案答复率达到100%" in page and "开展重阳节走访慰问离退休老同志活动" in page
    item = plan.items.get(target_key="congress.answer_rate")
    url = reverse("reports:workplan_item_edit", args=[plan.pk, item.pk])
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<textarea" in form and "<html" not in form
    saved = client.post(url, {"text": "答复率100%"}, headers={"HX-Request": "true"}).content.decode()
    assert "答复率100%" in saved and "<html" not in saved
    month = plan.months.get(month=10)
    url = reverse("reports:workplan_month_edit", args=[plan.pk, month.pk])
    saved = client.post(
        url, {"month": 11, "text": "慰问老同志"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "11月" in saved and "慰问老同志" in saved
    assert client.post(url, {"month": 13, "text": "x"}).status_code == 200  # invalid: the form again
    month.refresh_from_db()
    assert (month.month, month.text) == (11, "慰问老同志")
    docx = fetch_export(client, reverse("reports:workplan_docx", args=[plan.pk]))
    assert "答复率100%" in "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    pdf = fetch_export(client, reverse("reports:workplan_pdf", args=[plan.pk]))
    assert pdf["Content-Type"] == "application/pdf" and "慰问老同志" in pdf_text(pdf.content)


def test_other_union_404_and_member_403(tree, chair, other_union_chair, member, client_for):
    _records(tree.school1, chair)
    plan = services.workplan_generate(actor=chair, org=tree.school1, year=this_year())
    item = plan.items.first()
    other, own_member = client_for(other_union_chair), client_for(member)
    for name, args in (("reports:workplan_detail", [plan.pk]), ("reports:workplan_docx", [plan.pk]),
                       ("reports:workplan_pdf", [plan.pk])):  # fmt: skip
        assert other.get(reverse(name, args=args)).status_code == 404
        assert own_member.get(reverse(name, args=args)).status_code == 403
    edit = reverse("reports:workplan_item_edit", args=[plan.pk, item.pk])
    assert other.post(edit, {"text": "x"}).status_code == 404
    assert own_member.post(edit, {"text": "x"}).status_code == 403
    item.refresh_from_db()
    assert item.text != "x" and not item.edited


def test_the_chair_rewords_the_guiding_ideas_and_next_years_plan_starts_from_them(tree, chair, client_for):
    _records(tree.school1, chair)
    plan = services.workplan_generate(actor=chair, org=tree.school1, year=this_year())
    assert plan.guiding_ideas == workplan.default_guiding_ideas(tree.school1, this_year() + 1)
    client = client_for(chair)
    url = reverse("reports:workplan_guiding_edit", args=[plan.pk])
    assert "<textarea" in client.get(url, headers={"HX-Request": "true"}).content.decode()
    reworded = f"{this_year() + 1}年，第一中学工会坚持以教职工为中心，围绕学校发展大局开展工作。"
    saved = client.post(url, {"text": reworded}, headers={"HX-Request": "true"}).content.decode()
    assert reworded in saved and "<html" not in saved
    assert client.post(url, {"text": ""}).status_code == 200  # empty: the form again, nothing lost
    plan.refresh_from_db()
    assert plan.guiding_ideas == reworded
    assert AuditEvent.objects.filter(
        action="reports.workplan_guiding_update", object_id=str(plan.pk)
    ).exists()
    following = services.workplan_generate(actor=chair, org=tree.school1, year=this_year() + 1)
    assert (
        following.guiding_ideas
        == f"{this_year() + 2}年，第一中学工会坚持以教职工为中心，围绕学校发展大局开展工作。"
    )


def test_a_second_generate_opens_the_existing_plan_and_the_list_shows_plans(tree, chair, client_for):
    _records(tree.school1, chair)
    summary = _summary(tree.school1)
    client = client_for(chair)
    first = client.post(reverse("reports:workplan_create", args=[summary.pk]))
    second = client.post(reverse("reports:workplan_create", args=[summary.pk]))
    plan = WorkPlan.objects.get(org=tree.school1)
    assert first.url == second.url == reverse("reports:workplan_detail", args=[plan.pk])
    page = client.get(reverse("reports:summary_detail", args=[summary.pk])).content.decode()
    assert "查看下一年工作计划" in page and "生成下一年工作计划" not in page
    listing = client.get(reverse("reports:summary_list")).content.decode()
    assert plan.title in listing and reverse("reports:workplan_detail", args=[plan.pk]) in listing


def test_the_plan_list_shows_no_other_unions_plans(tree, chair, other_union_chair, client_for):
    plan = services.workplan_generate(actor=chair, org=tree.school1, year=this_year())
    listing = client_for(other_union_chair).get(reverse("reports:summary_list")).content.decode()
    assert plan.title not in listing
