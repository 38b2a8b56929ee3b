"""Member import jobs move to the import framework's one job table (core.ImportJob, kind
"members"): every row is copied with its key, so an old link to a job still finds it."""

from django.db import migrations


def forwards(apps, schema_editor):
    Old = apps.get_model("members", "ImportJob")
    New = apps.get_model("core", "ImportJob")
    New.objects.bulk_create(
        [
            New(
                key=job.key,
                kind="members",
                org_id=job.org_id,
                actor_id=job.actor_id,
                options={},
                file_name=job.file_name,
                file_path=job.file_path,
                state=job.state,
                total_rows=job.total_rows,
                processed_rows=job.processed_rows,
                error_rows=job.error_rows,
                # The shared table counts rows written; the message keeps the added/updated split.
                created_count=job.created_count + job.updated_count,
                errors=job.errors,
                message=job.message,
                created_at=job.created_at,
                finished_at=job.finished_at,
            )
            for job in Old.objects.all()
        ],
        batch_size=500,
    )


def backwards(apps, schema_editor):
    Old = apps.get_model("members", "ImportJob")
    New = apps.get_model("core", "ImportJob")
    for job in New.objects.filter(kind="members"):
        Old.objects.create(
            key=job.key, org_id=job.org_id, actor_id=job.actor_id, file_name=job.file_name,
            file_path=job.file_path, state=job.state, total_rows=job.total_rows,
            processed_rows=job.processed_rows, error_rows=job.error_rows, created_count=job.created_count,
            errors=job.errors, message=job.message, created_at=job.created_at, finished_at=job.finished_at,
        )  # fmt: skip
    New.objects.filter(kind="members").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_pinyin_by_syllable"),
        ("core", "0002_import_job"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
