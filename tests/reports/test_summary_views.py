"""Summary pages: generate, edit a paragraph inline (HTMX), restore, export; 404 across unions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document

from gonghui.reports.models import Summary
from tests.exporting import fetch_export
from tests.voting.pdf_reader import pdf_text

from .summary_data import known_year

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def this_year() -> int:
    return dt.date.today().year


def _generate(client, org, django_capture_on_commit_callbacks) -> Summary:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:summary_list"),
                               {"org": org.pk, "period_kind": "calendar", "year": this_year()})  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    return Summary.objects.get(org=org)


def test_chair_generates_edits_and_exports(tree, chair, client_for, django_capture_on_commit_callbacks):
    known_year(tree.school1, chair)
    client = client_for(chair)
    obj = _generate(client, tree.school1, django_capture_on_commit_callbacks)
    page = client.get(reverse("reports:summary_detail", args=[obj.pk])).content.decode()
    assert "全年共走访慰问职工3人次" in page and "发放慰问金" in page
    care = obj.paragraphs.get(section="area.care")
    url = reverse("reports:summary_paragraph_edit", args=[obj.pk, care.pk])
    form = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "<textarea" in form and "<html" not in form
    saved = client.post(url, {"text": "我们慰问了职工。"}, headers={"HX-Request": "true"}).content.decode()
    assert "我们慰问了职工。" in saved and "恢复自动生成" in saved
    docx = Document(io.BytesIO(fetch_export(client, reverse("reports:summary_docx", args=[obj.pk])).content))
    assert any(p.text == "我们慰问了职工。" for p in docx.paragraphs)
    restore = reverse("reports:summary_paragraph_restore", args=[obj.pk, care.pk])
    restored = client.post(restore, headers={"HX-Request": "true"}).content.decode()
    assert "全年共走访慰问职工3人次" in restored
    response = fetch_export(client, reverse("reports:summary_pdf", args=[obj.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "全年共走访慰问职工3人次" in pdf_text(response.content).replace("\n", "")


def test_other_unions_summary_is_404(
    tree, chair, other_union_chair, client_for, django_capture_on_commit_callbacks
):
    obj = _generate(client_for(chair), tree.school1, django_capture_on_commit_callbacks)
    other = client_for(other_union_chair)
    paragraph = obj.paragraphs.first()
    assert other.get(reverse("reports:summary_detail", args=[obj.pk])).status_code == 404
    assert fetch_export(other, reverse("reports:summary_docx", args=[obj.pk])).status_code == 404
    edit = reverse("reports:summary_paragraph_edit", args=[obj.pk, paragraph.pk])
    assert other.post(edit, {"text": "x"}).status_code == 404
    paragraph.refresh_from_db()
    assert paragraph.edited_text is None


def test_cannot_generate_for_a_union_out_of_scope(tree, chair, client_for):
    response = client_for(chair).post(reverse("reports:summary_list"),
                                      {"org": tree.school2.pk, "period_kind": "calendar", "year": this_year()})  # fmt: skip
    assert response.status_code == 200
    assert not Summary.objects.exists()
