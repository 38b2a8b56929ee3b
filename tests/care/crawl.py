"""Care URL fillers for the cross-organisation crawl (merged into tests/test_crawl.py).

URL name -> a function (tree, personas) returning the id of an object that belongs to school 2.
"""

from __future__ import annotations

from typing import Any


def _school2_member(tree: Any) -> Any:
    from gonghui.members.models import Member
    from tests.members.factories import MemberFactory

    existing = Member.objects.filter(org=tree.school2_group, name="第二小学困难会员").first()
    return existing or MemberFactory(union=tree.school2, group=tree.school2_group, name="第二小学困难会员")


def _school2_file(tree: Any, p: Any) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.care import services
    from gonghui.care.models import HardshipFile

    existing = HardshipFile.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    file = services.hardship_file_open(
        actor=None, member=_school2_member(tree), cause="illness", level="severe"
    )
    services.hardship_document_add(actor=None, file=file, upload=SimpleUploadedFile("诊断证明.pdf", b"pdf"))
    return file.pk


def _school2_document(tree: Any, p: Any) -> int:
    from gonghui.care.models import HardshipDocument

    return HardshipDocument.objects.get(file_id=_school2_file(tree, p)).pk


def _school2_application(tree: Any, p: Any) -> int:
    """A paid application of 第二小学 (its chair approved it), so every action has something to do."""
    from gonghui.care.models import AssistanceApplication

    from .factories import make_application, set_standards

    existing = AssistanceApplication.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    set_standards(tree.school2)
    return make_application(_school2_member(tree), state="paid", approver=p.other_union_chair).pk


def _school2_entry(tree: Any, p: Any) -> int:
    from gonghui.care.models import LedgerEntry

    return LedgerEntry.objects.get(application_id=_school2_application(tree, p)).pk


FOREIGN_OBJECTS: dict = {
    **{f"care:{name}": _school2_file for name in (
        "file_detail", "file_edit", "file_review", "file_close", "file_document_add",
    )},
    "care:file_document": _school2_document,
    **{f"care:{name}": _school2_application for name in (
        "application_detail", "application_submit", "application_approve", "application_reject",
        "application_pay",
    )},
    "care:entry_reverse": _school2_entry,
}  # fmt: skip
