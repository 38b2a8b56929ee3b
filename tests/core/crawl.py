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


FOREIGN_OBJECTS = {
    # 解除锁定 of school 2's chair, through school 2's roles page.
    "core:user_unlock": lambda tree, p: {"pk": tree.school2.pk, "user_pk": p.other_union_chair.pk},
    "core:import_status": _school2_import_job,
    "core:import_apply": _school2_import_job,
    "core:import_retry": _school2_import_job,
    "core:import_errors": _school2_import_job,
}
