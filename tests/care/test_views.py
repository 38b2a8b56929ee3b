"""Care pages: who sees hardship files (404 otherwise), every file view audited, the application
journey through the views, standards, totals, "我的帮扶", and query counts of the lists."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.care.enums import ApplicationState
from gonghui.care.models import AssistanceApplication, CareStandard, LedgerEntry
from gonghui.core.models import AuditEvent
from tests.members.factories import MemberFactory

from .factories import make_application, open_file

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


@pytest.fixture
def file(helped, welfare):
    return open_file(helped, actor=welfare, level="severe", family_situation="妻子重病，两个孩子上学")


@pytest.mark.parametrize("persona", ["chair", "welfare", "county_care_officer"])
def test_chair_welfare_officer_and_superior_care_officer_see_a_file_and_are_audited(
    persona, file, client_for, request
):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(reverse("care:file_detail", args=[file.pk]))

    assert response.status_code == 200
    assert "妻子重病" in response.content.decode()
    event = AuditEvent.objects.get(action="care.file_view", actor=user)
    assert event.object_id == str(file.pk) and event.org_id == file.org_id


@pytest.mark.parametrize(
    "persona", ["member", "committee_member", "other_union_chair", "county_officer", "vice_chair"]
)
def test_everyone_else_gets_404_for_a_file(persona, file, client_for, request):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(reverse("care:file_detail", args=[file.pk]))

    assert response.status_code == 404
    assert "妻子重病" not in response.content.decode()
    assert not AuditEvent.objects.filter(action="care.file_view").exists()


def test_the_file_list_is_refused_to_committee_members_without_the_portfolio(
    file, client_for, committee_member
):
    response = client_for(committee_member).get(reverse("care:files"))

    assert response.status_code == 403


def test_the_file_list_filters_by_level_cause_and_overdue(tree, standards, welfare, client_for):
    open_file(MemberFactory(union=tree.school1, name="甲特困"), actor=welfare, level="severe")
    open_file(MemberFactory(union=tree.school1, name="乙一般"), actor=welfare, level="ordinary", cause="disaster",
              next_review_on=today() - dt.timedelta(days=3))  # fmt: skip
    client = client_for(welfare)

    def names(**params) -> list[str]:
        page = client.get(reverse("care:files"), params).content.decode()
        return [n for n in ("甲特困", "乙一般") if n in page]

    assert names() == ["甲特困", "乙一般"]
    assert names(level="severe") == ["甲特困"]
    assert names(cause="disaster") == ["乙一般"]
    assert names(overdue="on") == ["乙一般"]


@pytest.mark.parametrize("count", [1, 3])
def test_the_file_list_query_count_is_flat(
    count, tree, standards, welfare, client_for, django_assert_num_queries
):
    for _ in range(count):
        open_file(MemberFactory(union=tree.school1), actor=welfare)
    client = client_for(welfare)
    client.get(reverse("care:files"))  # warm the session

    with django_assert_num_queries(5):
        client.get(reverse("care:files"))


@pytest.mark.parametrize("count", [1, 3])
def test_the_application_list_query_count_is_flat(
    count, helped, chair, client_for, django_assert_num_queries
):
    for _ in range(count):
        make_application(helped)
    client = client_for(chair)
    client.get(reverse("care:applications"))

    with django_assert_num_queries(5):
        response = client.get(reverse("care:applications"))
    assert response.content.decode().count(helped.name) == count


def test_file_create_edit_review_close_and_documents_through_the_views(tree, helped, welfare, client_for):
    client = client_for(welfare)
    response = client.post(reverse("care:file_create"), {
        "member": helped.pk, "opened_on": today().isoformat(), "cause": "illness", "level": "ordinary",
        "household_size": 3, "income_per_head": "800.50", "family_situation": "父亲住院",
    })  # fmt: skip
    file = helped.hardship_files.get()
    assert response.status_code == 302 and file.income_per_head == Decimal("800.50")

    client.post(reverse("care:file_edit", args=[file.pk]), {
        "cause": "illness", "level": "severe", "household_size": 3, "income_per_head": "700",
        "next_review_on": file.next_review_on.isoformat(),
    })  # fmt: skip
    client.post(reverse("care:file_document_add", args=[file.pk]),
                {"document": SimpleUploadedFile("低保证明.pdf", b"%PDF")})  # fmt: skip
    document = file.documents.get()
    download = client.get(reverse("care:file_document", args=[document.pk]))
    client.post(
        reverse("care:file_review", args=[file.pk]),
        {"reviewed_on": today().isoformat(), "outcome": "continue"},
    )
    client.post(reverse("care:file_close", args=[file.pk]), {"reason": "已脱困"})

    file.refresh_from_db()
    assert file.level == "severe" and file.state == "closed" and file.reviews.count() == 1
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF"
    assert AuditEvent.objects.filter(action="care.file_document_view", actor=welfare).count() == 1
    helped.refresh_from_db()
    assert helped.hardship_level == ""


def test_a_file_document_is_404_for_a_committee_member(file, welfare, committee_member, client_for):
    from gonghui.care import services

    document = services.hardship_document_add(
        actor=welfare, file=file, upload=SimpleUploadedFile("a.pdf", b"x")
    )

    assert (
        client_for(committee_member).get(reverse("care:file_document", args=[document.pk])).status_code == 404
    )


def test_the_application_journey_through_the_views(helped, welfare, chair, client_for):
    response = client_for(welfare).post(reverse("care:application_create"), {
        "member": helped.pk, "kind": "hardship_aid", "amount_requested": "1500", "reason": "住院", "submit_now": "on",
    })  # fmt: skip
    application = AssistanceApplication.objects.get(member=helped)
    assert response.status_code == 302 and application.state == ApplicationState.SUBMITTED

    page = client_for(welfare).get(reverse("care:application_detail", args=[application.pk])).content.decode()
    assert "批准" not in page  # the applicant may not approve, so is not offered it (issue 12 §4)
    chair_page = (
        client_for(chair).get(reverse("care:application_detail", args=[application.pk])).content.decode()
    )
    assert "批准" in chair_page
    client_for(welfare).post(reverse("care:application_approve", args=[application.pk]), {"amount": "1500"})
    assert AssistanceApplication.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED  # own

    client_for(chair).post(reverse("care:application_approve", args=[application.pk]), {"amount": "1500"})
    client_for(chair).post(reverse("care:application_pay", args=[application.pk]),
                           {"method": "cash", "paid_on": today().isoformat()})  # fmt: skip
    client_for(chair).post(reverse("care:application_pay", args=[application.pk]),
                           {"method": "cash", "paid_on": today().isoformat()})  # fmt: skip
    entry = LedgerEntry.objects.get(application=application)
    client_for(chair).post(reverse("care:entry_reverse", args=[entry.pk]), {"reason": "金额有误"})

    assert AssistanceApplication.objects.get(pk=application.pk).state == ApplicationState.REVERSED
    assert LedgerEntry.objects.filter(application=application).total() == Decimal("0.00")


def test_an_over_standard_approval_shows_the_problem_and_needs_the_chairs_reason(helped, chair, client_for):
    application = make_application(helped, amount="2600")
    client = client_for(chair)

    page = client.get(reverse("care:application_detail", args=[application.pk])).content.decode()
    client.post(reverse("care:application_approve", args=[application.pk]), {"amount": "2600"})
    assert "超过标准" in page
    assert AssistanceApplication.objects.get(pk=application.pk).state == ApplicationState.SUBMITTED

    client.post(reverse("care:application_approve", args=[application.pk]),
                {"amount": "2600", "override_reason": "大病特批"})  # fmt: skip
    assert AssistanceApplication.objects.get(pk=application.pk).override


def test_the_chair_sets_standards_and_the_welfare_officer_only_reads_them(tree, chair, welfare, client_for):
    client_for(chair).post(reverse("care:standards"),
                           {"org": tree.school1.pk, "kind": "student_aid", "amount": "800", "annual_cap": "1600"})  # fmt: skip
    response = client_for(welfare).post(reverse("care:standards"),
                                        {"org": tree.school1.pk, "kind": "student_aid", "amount": "9999",
                                         "annual_cap": "9999"})  # fmt: skip

    standard = CareStandard.objects.get(org=tree.school1, kind="student_aid")
    assert (standard.amount, standard.annual_cap) == (Decimal("800.00"), Decimal("1600.00"))
    assert response.status_code == 403
    assert "800.00" in client_for(welfare).get(reverse("care:standards")).content.decode()


def test_year_totals_net_reversals(helped, welfare, chair, client_for):
    make_application(helped, amount="1000", state="paid", approver=welfare)
    make_application(helped, amount="300", state="reversed", approver=welfare)

    page = client_for(chair).get(reverse("care:totals")).content.decode()

    assert "困难职工帮扶" in page and 'id="grand-total">1000.00<' in page


def test_other_unions_payouts_are_not_in_my_totals(tree, welfare, other_union_chair, client_for, standards):
    make_application(
        MemberFactory(union=tree.school2), amount="777", state="paid", approver=other_union_chair
    )

    page = client_for(welfare).get(reverse("care:totals")).content.decode()

    assert "777" not in page


def test_the_member_sees_their_aid_on_their_own_page_but_no_file(
    helped_with_account, member, welfare, client_for
):
    open_file(helped_with_account, actor=welfare, family_situation="机密的家庭情况")
    make_application(helped_with_account, amount="1200", state="paid", approver=welfare)

    page = client_for(member).get(reverse("members:me")).content.decode()

    assert "我的帮扶" in page and "1200.00" in page and "已发放" in page
    assert "机密的家庭情况" not in page
    assert client_for(member).get(reverse("care:applications")).status_code == 403


def test_care_home_and_todos(helped, welfare, chair, client_for):
    make_application(helped)
    make_application(helped, state="approved", approver=welfare)

    page = client_for(chair).get(reverse("care:home")).content.decode()
    home = client_for(chair).get(reverse("core:home")).content.decode()

    assert "待审批的帮扶申请：1" in page and "已批准待发放的帮扶：1" in page
    assert "待审批的帮扶申请" in home


def test_a_member_applies_for_student_aid_from_their_own_page(
    helped_with_account, member, welfare, client_for
):
    client = client_for(member)
    assert reverse("care:application_apply") in client.get(reverse("members:me")).content.decode()

    response = client.post(
        reverse("care:application_apply"),
        {"kind": "student_aid", "amount_requested": "800", "reason": "孩子考上大学，家庭困难",
         "child_name": "王小明", "school": "省师范大学", "grade": "大一", "admission_year": "2026"},
    )  # fmt: skip

    assert response.status_code == 302
    application = AssistanceApplication.objects.get(member=helped_with_account)
    assert application.state == ApplicationState.SUBMITTED
    assert application.applied_by == member
    assert application.child_name == "王小明"
    assert "800.00" in client.get(reverse("members:me")).content.decode()


def test_someone_without_a_member_record_cannot_apply(tree, county_officer, client_for):
    response = client_for(county_officer).post(
        reverse("care:application_apply"), {"kind": "hardship_aid", "amount_requested": "100", "reason": "x"}
    )

    assert response.status_code == 403
    assert not AssistanceApplication.objects.exists()
