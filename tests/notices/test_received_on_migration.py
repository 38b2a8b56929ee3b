"""Objections raised before `received_on` existed are received on the local day they were raised,
so the figures count them where they counted them before."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("notices", "0002_notice_people")]
AFTER = [("notices", "0003_objection_received_on")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migrations_restored")
def test_existing_objections_are_received_on_the_local_day_they_were_submitted(tree, chair):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old_apps = executor.loader.project_state(BEFORE).apps
    notice = old_apps.get_model("notices", "Notice").objects.create(
        org_id=tree.school1.pk, title="旧公示", body="内容", starts_on=dt.date(2025, 6, 16),
        ends_on=dt.date(2025, 6, 20), state="final",
    )  # fmt: skip
    # Half past midnight local time: still the previous day in UTC.
    at = timezone.make_aware(dt.datetime(2025, 6, 16, 0, 30))
    old = old_apps.get_model("notices", "Objection").objects.create(
        notice_id=notice.pk, submitted_by_id=chair.pk, text="异议", submitted_at=at
    )

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new_apps = executor.loader.project_state(AFTER).apps

    objection = new_apps.get_model("notices", "Objection").objects.get(pk=old.pk)
    assert (objection.received_on, objection.offline, objection.objector_name) == (
        dt.date(2025, 6, 16),
        False,
        "",
    )
