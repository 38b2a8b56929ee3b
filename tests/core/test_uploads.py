"""Uploads (issue 13): one size limit on every upload form, pictures checked by their content, and
every stored file served so that a browser cannot run it (an image inline as itself, anything else
as a download), with nosniff and a sandboxing policy."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.urls import reverse
from PIL import Image

from gonghui.care.forms import DocumentForm
from gonghui.care.models import HardshipDocument, VisitPhoto
from gonghui.care.visit_forms import PhotoForm
from gonghui.congress.models import AgendaItem
from gonghui.congress.proposal_forms import AnswerForm
from gonghui.congress.session_forms import ItemForm, ReviseForm
from gonghui.core.enums import Portfolio, Role
from gonghui.core.errors import DomainError
from gonghui.core.imports import jobs
from gonghui.core.imports.models import ImportJob
from gonghui.core.uploads import serve_stored_file
from gonghui.voting import services as voting_services
from gonghui.voting.forms import OptionForm
from tests.care.factories import open_file, set_standards
from tests.care.visit_factories import make_visit, set_condolence_standards
from tests.congress.factories import SessionFactory, TermFactory
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory
from tests.voting.factories import make_poll

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
HTML_PHOTO = b"<html><body><script>document.title='xss';window.__xss=1</script></body></html>"
SVG_PHOTO = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="document.title=\'xss\'">'
    b"<script>window.__xss=1</script></svg>"
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def picture(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, kind)
    return out.getvalue()


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


# Every form that takes a file, with what it needs besides the file.
UPLOAD_FORMS = {
    "hardship document": (DocumentForm, "document", {}, {}),
    "agenda document": (ItemForm, "document", {"order": 1, "title": "学校工作报告"}, {}),
    "revised agenda document": (ReviseForm, "document", {"title": "修改后的报告"}, {}),
    "answer attachment": (AnswerForm, "attachment", {"body": "已研究落实。"}, {}),
    "report of a person evaluated": (OptionForm, "report", {"name": "张三"}, {"members": []}),
    "visit photo": (PhotoForm, "photo", {}, {}),
}


@pytest.mark.parametrize("what", list(UPLOAD_FORMS))
def test_a_21_mb_file_is_refused_by_every_upload_form_naming_the_limit(what):
    form_class, field, data, kwargs = UPLOAD_FORMS[what]
    big = picture("PNG") + b"\0" * (21 * MB)
    form = form_class(data, {field: SimpleUploadedFile("大文件.png", big, "image/png")}, **kwargs)

    assert not form.is_valid()
    assert form.errors[field] == ["文件不能超过20MB。"]


@pytest.mark.parametrize("what", [w for w in UPLOAD_FORMS if w != "visit photo"])
def test_a_document_within_the_limit_is_accepted_by_every_upload_form(what):
    form_class, field, data, kwargs = UPLOAD_FORMS[what]
    form = form_class(data, {field: SimpleUploadedFile("工作报告.pdf", b"%PDF-1.7 report")}, **kwargs)

    assert form.is_valid(), form.errors
    assert form.cleaned_data[field].read() == b"%PDF-1.7 report"


def test_the_limit_is_the_one_of_the_settings(settings):
    settings.GONGHUI_MAX_UPLOAD_MB = 1
    two_mb = SimpleUploadedFile("证明.pdf", b"%PDF" + b"\0" * (2 * MB))

    form = DocumentForm({}, {"document": two_mb})

    assert not form.is_valid()
    assert form.errors["document"] == ["文件不能超过1MB。"]


def test_an_import_workbook_over_the_limit_is_refused_by_the_upload_form(settings, tree, client_for):
    settings.GONGHUI_MAX_UPLOAD_MB = 1
    officer = UserFactory(username="county_care")
    RoleAssignmentFactory(
        user=officer, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE
    )
    workbook = SimpleUploadedFile("会员.xlsx", b"PK\x03\x04" + b"\0" * (2 * MB))

    response = client_for(officer).post(
        reverse("core:import_start") + "?kind=care-payouts", {"union": tree.county.pk, "file": workbook}
    )

    assert response.status_code == 200
    assert "文件不能超过1MB。" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_import_pipeline_checks_the_same_limit_of_the_settings(settings):
    settings.GONGHUI_MAX_UPLOAD_MB = 1
    workbook = SimpleUploadedFile("会员.xlsx", b"PK\x03\x04" + b"\0" * (2 * MB))

    with pytest.raises(DomainError, match="文件超过1MB"):
        jobs.read_upload(workbook)


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "GIF", "WEBP"])
def test_a_real_picture_is_accepted_as_a_visit_photo(kind):
    form = PhotoForm({}, {"photo": SimpleUploadedFile(f"慰问.{kind.lower()}", picture(kind))})

    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("name", "content", "declared"),
    [
        ("慰问.html", HTML_PHOTO, "text/html"),
        ("慰问.svg", SVG_PHOTO, "image/svg+xml"),
        ("慰问.jpg", HTML_PHOTO, "image/jpeg"),  # HTML under a picture's name and type
        ("慰问.bmp", picture("BMP"), "image/bmp"),  # a picture, but not one of the four types
    ],
)
def test_anything_but_a_jpeg_png_gif_or_webp_picture_is_refused_as_a_visit_photo(name, content, declared):
    form = PhotoForm({}, {"photo": SimpleUploadedFile(name, content, declared)})

    assert not form.is_valid()
    assert form.errors["photo"] == ["请上传 JPG、PNG、GIF 或 WebP 格式的图片。"]


@pytest.fixture
def visit(tree):
    set_condolence_standards(tree.school1)
    return make_visit(tree.school1, [MemberFactory(union=tree.school1)])


@pytest.mark.parametrize(("name", "content"), [("慰问.html", HTML_PHOTO), ("慰问.svg", SVG_PHOTO)])
def test_uploading_html_or_svg_as_a_photo_stores_nothing_and_says_why(
    visit, chair, client_for, name, content
):
    response = client_for(chair).post(
        reverse("care:visit_photo_add", args=[visit.pk]),
        {"photo": SimpleUploadedFile(name, content)},
        follow=True,
    )

    assert VisitPhoto.objects.filter(visit=visit).count() == 0
    assert "请上传 JPG、PNG、GIF 或 WebP 格式的图片。" in response.content.decode()


def test_a_too_large_hardship_document_is_refused_with_the_limit_named(tree, chair, client_for):
    set_standards(tree.school1)
    file = open_file(MemberFactory(union=tree.school1))

    response = client_for(chair).post(
        reverse("care:file_document_add", args=[file.pk]),
        {"document": SimpleUploadedFile("证明.pdf", b"%PDF" + b"\0" * (21 * MB))},
        follow=True,
    )

    assert file.documents.count() == 0
    assert "文件不能超过20MB。" in response.content.decode()


@pytest.mark.parametrize(("name", "content"), [("慰问.html", HTML_PHOTO), ("慰问.svg", SVG_PHOTO)])
def test_a_stored_html_or_svg_photo_is_served_as_a_download_never_as_a_page(visit, chair, client_for, name,
                                                                             content):  # fmt: skip
    photo = VisitPhoto.objects.create(visit=visit, photo=ContentFile(content, name=name), name=name)

    response = client_for(chair).get(reverse("care:visit_photo", args=[photo.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert body(response) == content


def test_a_stored_jpeg_photo_is_shown_inline_as_image_jpeg(visit, chair, client_for):
    jpeg = picture("JPEG")
    photo = VisitPhoto.objects.create(visit=visit, photo=ContentFile(jpeg, name="慰问.jpg"), name="慰问.jpg")

    response = client_for(chair).get(reverse("care:visit_photo", args=[photo.pk]))

    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert body(response) == jpeg


def test_a_png_named_jpg_is_served_as_the_png_it_is(visit, chair, client_for):
    photo = VisitPhoto.objects.create(
        visit=visit, photo=ContentFile(picture("PNG"), name="a.jpg"), name="a.jpg"
    )

    response = client_for(chair).get(reverse("care:visit_photo", args=[photo.pk]))

    assert response["Content-Type"] == "image/png"


def test_a_stored_hardship_document_is_a_download_even_when_it_is_html(tree, chair, client_for):
    set_standards(tree.school1)
    file = open_file(MemberFactory(union=tree.school1))
    document = HardshipDocument.objects.create(file=file, document=ContentFile(HTML_PHOTO, name="证明.html"),
                                               name="证明.html")  # fmt: skip

    response = client_for(chair).get(reverse("care:file_document", args=[document.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_stored_agenda_document_is_a_download_even_when_it_is_svg(tree, chair, client_for):
    session = SessionFactory(term=TermFactory(org=tree.school1))
    item = AgendaItem.objects.create(session=session, order=1, title="报告",
                                     document=ContentFile(SVG_PHOTO, name="报告.svg"))  # fmt: skip

    response = client_for(chair).get(reverse("congress:agenda_document", args=[item.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_report_of_a_person_evaluated_is_a_download_even_when_it_is_a_picture(tree, chair, client_for):
    poll = make_poll(tree.school1, options=())
    option = voting_services.option_add(actor=None, poll=poll, name="张三",
                                        report=SimpleUploadedFile("述职.png", picture("PNG")))  # fmt: skip

    response = client_for(chair).get(reverse("voting:option_report", args=[option.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_record_whose_file_is_gone_is_a_404(visit):
    photo = VisitPhoto.objects.create(visit=visit, photo=ContentFile(b"x", name="gone.jpg"), name="gone.jpg")
    photo.photo.storage.delete(photo.photo.name)

    with pytest.raises(Http404):
        serve_stored_file(photo.photo, photo.name, inline_image=True)
