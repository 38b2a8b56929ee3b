"""The member import's former job table moves into core.ImportJob (kind "members") with its key,
so an old link to a job still finds it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("members", "0004_pinyin_by_syllable"), ("core", "0002_import_job")]
AFTER = [("members", "0006_delete_import_job")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_old_member_import_jobs_become_core_import_jobs_of_kind_members(tree, chair):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    Old = old_apps.get_model("members", "ImportJob")
    old = Old.objects.create(
        org_id=tree.school1.pk, actor_id=chair.pk, file_name="会员.xlsx", file_path="imports/x.xlsx",
        state="done", total_rows=5, processed_rows=5, created_count=3, updated_count=2,
        message="导入完成：新增3人，更新2人。",
    )  # fmt: skip

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps

    job = new_apps.get_model("core", "ImportJob").objects.get(key=old.key)
    assert (job.kind, job.org_id, job.actor_id, job.state) == ("members", tree.school1.pk, chair.pk, "done")
    assert (job.total_rows, job.created_count, job.message) == (5, 5, "导入完成：新增3人，更新2人。")
    with pytest.raises(LookupError):
        new_apps.get_model("members", "ImportJob")
