"""Congress files behind access checks: agenda documents and answer attachments are downloaded
only through congress:agenda_document / congress:answer_attachment, under their uploaded (Chinese)
names; another union's file is a 404, and a department gets only answers of its own proposals."""

from __future__ import annotations

import pathlib
import re
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gonghui.congress import services
from gonghui.congress.enums import ItemResult, ProposalState, SessionStatus
from gonghui.congress.models import AgendaItem, Answer

from .factories import ProposalFactory, SessionFactory, TermFactory, department_user

pytestmark = pytest.mark.django_db

REPORT = "2025年学校工作报告（草案）.docx"
REPORT_BYTES = b"PK\x03\x04 work report"
ANSWER_FILE = "空调安装方案 第1稿.pdf"
ANSWER_BYTES = b"%PDF-1.7 aircon plan"


def html(response) -> str:
    return response.content.decode()


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def disposition(name: str) -> str:
    return f"attachment; filename*=utf-8''{quote(name)}"


@pytest.fixture
def report_item(session, chair) -> AgendaItem:
    return services.item_create(actor=chair, session=session, title="学校工作报告", order=1,
                                document=SimpleUploadedFile(REPORT, REPORT_BYTES))  # fmt: skip


@pytest.fixture
def answered(session, proposer, cosigners, chair, department_handler) -> Answer:
    proposal = ProposalFactory(session=session, proposer=proposer, cosigners=cosigners, committee=chair,
                               departments=[department_handler], state=ProposalState.ASSIGNED)  # fmt: skip
    return services.proposal_answer(actor=department_handler, proposal=proposal, body="拟于暑假安装。",
                                    attachment=SimpleUploadedFile(ANSWER_FILE, ANSWER_BYTES))  # fmt: skip


# --- agenda documents -----------------------------------------------------------------------------


def test_the_clerk_uploads_an_agenda_document_with_a_new_item(session, chair, client_for):
    client_for(chair).post(
        reverse("congress:session_item_create", args=[session.pk]),
        {"order": 1, "title": "学校工作报告", "document": SimpleUploadedFile(REPORT, REPORT_BYTES)},
    )

    item = AgendaItem.objects.get(session=session)
    assert item.document_filename == REPORT
    assert item.document.read() == REPORT_BYTES


def test_a_delegate_downloads_the_agenda_document_under_its_chinese_name(report_item, delegates, client_for):
    response = client_for(delegates[0].user).get(reverse("congress:agenda_document", args=[report_item.pk]))

    assert response.status_code == 200
    assert response["Content-Disposition"] == disposition(REPORT)
    assert body(response) == REPORT_BYTES


def test_the_session_page_links_the_document_through_the_download_view_only(report_item, chair, client_for):
    page = html(client_for(chair).get(reverse("congress:session_detail", args=[report_item.session_id])))

    assert f'href="{reverse("congress:agenda_document", args=[report_item.pk])}"' in page
    assert REPORT in page
    assert settings.MEDIA_URL not in page and report_item.document.name not in page


def test_another_unions_agenda_document_is_404(tree, report_item, other_union_chair, client_for):
    response = client_for(other_union_chair).get(reverse("congress:agenda_document", args=[report_item.pk]))

    assert response.status_code == 404


def test_an_item_without_a_document_has_nothing_to_download(session, chair, client_for):
    item = services.item_create(actor=chair, session=session, title="学校年度工作计划")

    assert client_for(chair).get(reverse("congress:agenda_document", args=[item.pk])).status_code == 404


def test_a_document_missing_from_storage_is_404_not_an_error(report_item, chair, client_for):
    pathlib.Path(report_item.document.path).unlink()

    assert (
        client_for(chair).get(reverse("congress:agenda_document", args=[report_item.pk])).status_code == 404
    )


def test_a_revised_item_keeps_the_document_unless_a_revised_one_is_uploaded(report_item, session, delegates, chair,
                                                                              client_for):  # fmt: skip
    for delegate in delegates:
        services.session_check_in(actor=None, session=session, delegate=delegate, by_self=False)
    services.item_record_result(actor=chair, item=report_item, votes_for=1, votes_against=3, votes_abstain=0)
    client = client_for(chair)

    client.post(
        reverse("congress:session_item_revise", args=[report_item.pk]), {"title": "学校工作报告(修改稿)"}
    )
    kept = AgendaItem.objects.get(revision_of=report_item)
    services.item_record_result(
        actor=chair, item=kept, votes_for=0, votes_against=0, votes_abstain=0, revise=True
    )
    client.post(reverse("congress:session_item_revise", args=[kept.pk]),
                {"title": "学校工作报告(第二稿)", "document": SimpleUploadedFile("第二稿.docx", b"second")})  # fmt: skip
    replaced = AgendaItem.objects.get(revision_of=kept)

    assert (kept.document_filename, kept.document.read()) == (REPORT, REPORT_BYTES)
    assert (replaced.document_filename, replaced.document.read()) == ("第二稿.docx", b"second")
    assert replaced.result == ItemResult.PENDING


def test_an_agenda_document_over_20_mb_is_refused(session, chair, client_for):
    big = SimpleUploadedFile("大文件.pdf", b"0" * (20 * 1024 * 1024 + 1))

    response = client_for(chair).post(reverse("congress:session_item_create", args=[session.pk]),
                                      {"order": 1, "title": "预算报告", "document": big}, follow=True)  # fmt: skip

    assert "文件不能超过20MB。" in html(response)
    assert not AgendaItem.objects.exists()


# --- answer attachments ---------------------------------------------------------------------------


def test_the_proposer_and_the_chair_download_the_answer_attachment(answered, proposer, chair, client_for):
    url = reverse("congress:answer_attachment", args=[answered.pk])

    for user in (proposer.user, chair):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == disposition(ANSWER_FILE)
        assert body(response) == ANSWER_BYTES


def test_the_proposal_page_links_the_attachment_through_the_download_view(answered, proposer, client_for):
    page = html(
        client_for(proposer.user).get(reverse("congress:proposal_detail", args=[answered.proposal_id]))
    )

    assert f'href="{reverse("congress:answer_attachment", args=[answered.pk])}"' in page
    assert ANSWER_FILE in page
    assert settings.MEDIA_URL not in page and answered.attachment.name not in page


def test_a_department_downloads_answers_only_of_proposals_assigned_to_it(
    answered, department_handler, second_department, client_for
):
    url = reverse("congress:answer_attachment", args=[answered.pk])

    assert client_for(department_handler).get(url).status_code == 200
    assert client_for(second_department).get(url).status_code == 404


def test_a_department_the_proposal_was_reassigned_away_from_loses_the_download(
    answered, chair, department_handler, second_department, client_for
):
    proposal = answered.proposal
    services.proposal_rate(actor=proposal.proposer_user, proposal=proposal, rating="unsatisfied")
    services.proposal_assign(actor=chair, proposal=proposal, departments=[second_department],
                             deadline=proposal.deadline)  # fmt: skip
    url = reverse("congress:answer_attachment", args=[answered.pk])

    assert client_for(department_handler).get(url).status_code == 404
    assert client_for(second_department).get(url).status_code == 200


def test_another_unions_answer_attachment_is_404_to_every_school1_persona(
    tree, chair, member, department_handler, client_for
):
    session = SessionFactory(term=TermFactory(org=tree.school2), status=SessionStatus.IN_SESSION)
    theirs = department_user(tree.school2)
    proposal = ProposalFactory(session=session, state=ProposalState.ASSIGNED, departments=[theirs])
    answer = services.proposal_answer(actor=theirs, proposal=proposal, body="已答复。",
                                      attachment=SimpleUploadedFile("第二小学.pdf", b"x"))  # fmt: skip
    url = reverse("congress:answer_attachment", args=[answer.pk])

    assert [client_for(user).get(url).status_code for user in (chair, member, department_handler)] == [
        404
    ] * 3


def test_a_delegate_who_is_neither_proposer_nor_cosigner_cannot_download_an_unpublished_answer(
    answered, delegates, client_for
):
    assert client_for(delegates[3].user).get(
        reverse("congress:answer_attachment", args=[answered.pk])
    ).status_code == (404)


def test_downloads_need_a_login(answered, report_item, client):
    for url in (
        reverse("congress:answer_attachment", args=[answered.pk]),
        reverse("congress:agenda_document", args=[report_item.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("core:login"))


def test_no_congress_template_links_an_uploaded_file_directly():
    templates = pathlib.Path(settings.BASE_DIR, "gonghui", "congress", "templates").rglob("*.html")
    direct = re.compile(r"(document|attachment)\.url|MEDIA_URL")

    assert [t.name for t in templates if direct.search(t.read_text())] == []
