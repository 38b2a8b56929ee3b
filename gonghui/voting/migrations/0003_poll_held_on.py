from django.db import migrations, models
from django.utils import timezone


def date_closed_polls(apps, schema_editor):
    """Polls closed before the field existed were held on the day they were closed."""
    Poll = apps.get_model("voting", "Poll")
    for poll in Poll.objects.filter(closed_at__isnull=False, held_on__isnull=True).only("pk", "closed_at"):
        Poll.objects.filter(pk=poll.pk).update(held_on=timezone.localtime(poll.closed_at).date())


class Migration(migrations.Migration):
    dependencies = [
        ("voting", "0002_election_rules_and_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="poll",
            name="held_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="举行日期"),
        ),
        migrations.RunPython(date_closed_polls, migrations.RunPython.noop),
    ]
