"""Masking crawl: no page and no export shows a full ID number or mobile number (issue 3, §2).

A dataset is built whose every full 身份证号 and 手机号 is known. Then, for each persona, every
member-related page (the list under several filters and its HTMX fragment, each member's
detail, edit and transfer pages, the transfers list, 我的会籍, the import pages) and every export
(名单 and 实名制模板, masked) is fetched, and the HTML and the workbook cells are searched for
those values. The only place a full value may appear is the reveal fragment for a user with the
reveal permission — checked here as a positive control, so the detector is known to work.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from gonghui.core.enums import Role
from gonghui.core.imports import jobs
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent, User
from gonghui.members import idcard, importer, rows, services
from gonghui.members.enums import ChangeType
from gonghui.members.models import Member
from gonghui.members.privacy import decrypt
from gonghui.members.queries import LIST_COLUMNS
from tests.conftest import Tree
from tests.exporting import fetch_export
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERSONAS = ["county_officer", "chair", "committee_member", "member", "other_union_chair", "group_leader"]
# Personas with no reveal permission anywhere: their reveal=1 export must be refused.
NO_REVEAL = ["county_officer", "committee_member", "member", "group_leader"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def group_leader(tree: Tree) -> User:
    user = UserFactory(username="group_leader", name="语文组组长")
    RoleAssignmentFactory(user=user, org=tree.school1_group_a, role=Role.GROUP_LEADER)
    return user


@dataclass
class Dataset:
    members: list[Member]
    ids: set[str]
    mobiles: set[str]
    job: ImportJob

    def secrets(self) -> set[str]:
        return self.ids | self.mobiles


def _import_file(records: list[dict[str, str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append([c.header for c in rows.COLUMNS])
    for record in records:
        sheet.append([record.get(c.key, "") for c in rows.COLUMNS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def dataset(tree, chair, member, other_union_chair, django_capture_on_commit_callbacks) -> Dataset:
    made = [
        MemberFactory(union=tree.school1, name="张伟", group=tree.school1_group_a, mobile="13812345678"),
        MemberFactory(
            union=tree.school1, name="安娜", female=True, mobile="13900001111", hardship_level="severe"
        ),
        MemberFactory(union=tree.school1, name="单田芳", group=tree.school1_group_a, mobile="13700005678"),
        MemberFactory(
            union=tree.school1, name="王老师", mobile="15012340000", birth_date=dt.date(1960, 2, 2)
        ),
        MemberFactory(union=tree.school1, name="赵退会", mobile="18600001234"),
        MemberFactory(union=tree.school1, name="林小雨", female=True, mobile="13712349876"),
        MemberFactory(union=tree.school2, name="李雷", group=tree.school2_group, mobile="13500003333"),
        MemberFactory(union=tree.school2, name="韩梅梅", female=True, mobile="13500004444"),
    ]
    services.member_retire(actor=chair, member=made[3])
    services.member_change_status(actor=chair, member=made[4], change=ChangeType.WITHDRAW)
    Member.objects.filter(pk=made[5].pk).update(user=member)
    services.transfer_request(actor=chair, member=made[1], to_org=tree.school2, reason="调动")
    services.transfer_request(actor=other_union_chair, member=made[7], to_org=tree.school1, reason="调动")

    # An import with one good row and one row with errors, both carrying known numbers.
    new_id = idcard.make("430121", dt.date(1992, 8, 8), 311)
    bad_id = idcard.make("430121", dt.date(1993, 9, 9), 312)  # even sequence: female
    content = _import_file([
        {"name": "新会员", "id_number": new_id, "mobile": "13655556666"},
        {"name": "错会员", "id_number": bad_id, "sex": "男", "mobile": "13677778888"},
    ])  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        job = jobs.import_start(
            actor=chair,
            kind=importer.MEMBERS,
            org=tree.school1,
            upload=SimpleUploadedFile("会员.xlsx", content),
        )
    job.refresh_from_db()
    assert job.error_rows == 1, job.errors

    ids = {decrypt(m.id_encrypted) for m in made} | {new_id, bad_id}
    mobiles = {m.mobile for m in made} | {"13655556666", "13677778888"}
    return Dataset(members=made, ids=ids, mobiles=mobiles, job=job)


def _pages(tree: Tree, data: Dataset) -> Iterator[tuple[str, str, dict[str, str], dict[str, str]]]:
    """(label, url, query, headers) of every member-related page."""
    filters = [
        {}, {"status": ""}, {"status": "retired"}, {"status": "withdrawn"}, {"flag": "hardship"},
        {"flag": "female"}, {"q": "zw"}, {"q": "zhang"}, {"q": "5678"}, {"q": "张"},
        {"union": str(tree.school1.pk)}, {"union": str(tree.school1.pk), "group": str(tree.school1_group_a.pk)},
        {"union": str(tree.school2.pk)}, {"age_band": "55岁及以上", "status": ""}, {"page": "2"},
    ]  # fmt: skip
    for query in filters:
        yield "list", reverse("members:list"), query, {}
        yield "list (htmx)", reverse("members:list"), query, {"HTTP_HX_REQUEST": "true"}
    for m in data.members:
        for name in ("members:detail", "members:edit", "members:transfer_create"):
            yield f"{name} {m.name}", reverse(name, args=[m.pk]), {}, {}
    for name in ("members:transfers", "members:me", "members:create"):
        yield name, reverse(name), {}, {}
    yield "import start", reverse("core:import_start"), {"kind": "members"}, {}
    yield "import status", reverse("core:import_status", args=[data.job.key]), {}, {}
    yield (
        "import status (htmx)",
        reverse("core:import_status", args=[data.job.key]),
        {},
        {"HTTP_HX_REQUEST": "true"},
    )


def _texts(response) -> Iterator[str]:
    """The response as text: the HTML, or every cell of a returned workbook."""
    if response.get("Content-Type", "").startswith(XLSX):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                for cell in row:
                    if cell is not None:
                        yield str(cell)
    else:
        yield response.content.decode(errors="replace")


def _leaks(response, secrets: set[str]) -> set[str]:
    found = set()
    for text in _texts(response):
        found |= {secret for secret in secrets if secret in text}
    return found


def _client(request, persona: str) -> Client:
    user = request.getfixturevalue(persona)
    client = Client()
    client.force_login(user)
    # Show every list column, the masked ID and the mobile included (also used by the export).
    client.post(reverse("members:columns"), {"columns": [key for key, _label in LIST_COLUMNS]})
    return client


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_shows_a_full_id_number_or_mobile(request, tree, dataset, persona):
    client = _client(request, persona)
    leaks: list[str] = []
    statuses: dict[str, int] = {}

    for label, url, query, headers in _pages(tree, dataset):
        response = client.get(url, query, **headers)
        statuses[label] = response.status_code
        assert response.status_code < 500, (label, query)
        found = _leaks(response, dataset.secrets())
        if found:
            leaks.append(f"{label} {query}: {sorted(found)}")

    assert not leaks, "\n".join(leaks)
    if persona == "chair":  # the crawl did see the pages it searched
        assert statuses["members:detail 张伟"] == 200
        assert statuses["members:edit 张伟"] == 200


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("fmt", ["list", "national"])
def test_no_masked_export_holds_a_full_id_number_or_mobile(request, tree, dataset, persona, fmt):
    client = _client(request, persona)
    queries = [{}, {"status": ""}, {"union": str(tree.school1.pk)}, {"flag": "hardship"}]
    exported = 0

    for query in queries:
        response = fetch_export(client, reverse("members:export"), {**query, "fmt": fmt})
        assert response.status_code < 500
        found = _leaks(response, dataset.secrets())
        assert not found, (persona, fmt, query, sorted(found))
        if response.get("Content-Type", "").startswith(XLSX):
            exported += 1

    if persona in ("chair", "committee_member", "other_union_chair", "group_leader"):
        assert exported == len(queries)  # they may export; the files were searched


@pytest.mark.parametrize("persona", NO_REVEAL)
def test_an_unmasked_export_is_refused_to_users_without_the_reveal_permission(request, dataset, persona):
    client = _client(request, persona)

    for fmt in ("list", "national"):
        response = fetch_export(client, reverse("members:export"), {"fmt": fmt, "reveal": "1", "status": ""})

        assert not response.get("Content-Type", "").startswith(XLSX)
        assert not _leaks(response, dataset.secrets())


@pytest.mark.parametrize("persona", [*NO_REVEAL, "other_union_chair"])
def test_the_import_error_file_is_masked_for_users_without_the_reveal_permission(request, dataset, persona):
    client = _client(request, persona)

    response = client.get(reverse("core:import_errors", args=[dataset.job.key]))

    assert response.status_code < 500
    assert not _leaks(response, dataset.secrets())


def test_an_unmasked_import_error_file_is_audited(request, dataset, chair):
    client = _client(request, "chair")

    response = client.get(reverse("core:import_errors", args=[dataset.job.key]))

    if _leaks(response, dataset.secrets()):
        assert AuditEvent.objects.filter(actor=chair, action="import.errors_revealed").exists(), (
            "the chair downloaded full ID and mobile numbers without an audit event"
        )


def test_the_reveal_fragment_is_where_a_permitted_user_sees_full_values(request, dataset):
    """Positive control: the crawl's detector finds full values where they are meant to be."""
    client = _client(request, "chair")
    zhang = dataset.members[0]

    response = client.post(reverse("members:reveal", args=[zhang.pk]), HTTP_HX_REQUEST="true")

    assert _leaks(response, dataset.secrets()) == {decrypt(zhang.id_encrypted), "13812345678"}
    assert AuditEvent.objects.filter(action="member.reveal", object_id=str(zhang.pk)).count() == 1


@pytest.mark.parametrize(
    "persona", ["committee_member", "group_leader", "other_union_chair", "county_officer"]
)
def test_the_reveal_fragment_is_refused_to_everyone_else(request, tree, dataset, persona):
    client = _client(request, persona)

    for m in [m for m in dataset.members if m.org.is_within(tree.school1.path)]:
        response = client.post(reverse("members:reveal", args=[m.pk]), HTTP_HX_REQUEST="true")
        assert response.status_code == 404
        assert not _leaks(response, dataset.secrets())
