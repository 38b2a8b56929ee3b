"""The proposal list walks sessions newest first (ORDER BY date DESC, id DESC) and stops at the end
of a page; without this index a county officer's list sorted all of the subtree's proposals."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("congress", "0002_proposal_number_unique_attachment_names"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="congresssession",
            index=models.Index(fields=["date", "id"], name="congress_sess_date_idx"),
        ),
    ]
