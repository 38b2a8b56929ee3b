"""Core URL fillers for the cross-organisation crawl (merged into tests/test_crawl.py): an import
job of school 2 (core.imports), uploaded by school 2's chair."""

from __future__ import annotations

from typing import Any


def _school2_import_job(tree: Any, p: Any) -> Any:
    from gonghui.core.imports.models import ImportJob

    existing = ImportJob.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.key
    return ImportJob.objects.create(
        kind="care-payouts", org=tree.school2, actor=p.other_union_chair, file_name="第二小学帮扶.xlsx",
        file_path="crawl/none.xlsx", state=ImportJob.State.PREVIEW,
    ).key  # fmt: skip


def _school2_export_job(tree: Any, p: Any) -> Any:
    """A finished document of school 2's chair: its file exists, so only access can refuse it."""
    from django.conf import settings

    from gonghui.core.exports.models import ExportJob

    existing = ExportJob.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.key
    job = ExportJob.objects.create(
        kind="members.export", org=tree.school2, actor=p.other_union_chair, title="会员名单.xlsx",
        file_name="members.xlsx", file_path="", content_type="application/octet-stream",
        state=ExportJob.State.DONE,
    )  # fmt: skip
    target = settings.MEDIA_ROOT / "exports" / f"{job.key}.xlsx"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(b"PK\x03\x04 school 2")
    ExportJob.objects.filter(pk=job.pk).update(file_path=f"exports/{job.key}.xlsx")
    return job.key


FOREIGN_OBJECTS = {
    # 解除锁定 of school 2's chair, through school 2's roles page.
    "core:user_unlock": lambda tree, p: {"pk": tree.school2.pk, "user_pk": p.other_union_chair.pk},
    "core:import_status": _school2_import_job,
    "core:import_apply": _school2_import_job,
    "core:import_retry": _school2_import_job,
    "core:import_errors": _school2_import_job,
    "core:export_status": _school2_export_job,
    "core:export_file": _school2_export_job,
    "core:export_retry": _school2_export_job,
}
