"""Seed the kinds every union starts with (a union adds its own through kind_create)."""

from django.db import migrations

# Copied, not imported from enums.SEEDED_KINDS: a migration stays as it was written.
KINDS = (
    ("ball", "球类"),
    ("cards_chess", "棋牌"),
    ("tug_of_war", "拔河"),
    ("walking", "健步走/登山"),
    ("performance", "文艺汇演"),
    ("reading", "读书"),
    ("art_photo", "书画摄影"),
    ("fun_games", "趣味运动会"),
    ("family", "亲子"),
    ("social", "联谊"),
    ("festival", "节日主题"),
)


def seed(apps, schema_editor):
    ActivityKind = apps.get_model("activities", "ActivityKind")
    for order, (code, name) in enumerate(KINDS, start=1):
        ActivityKind.objects.get_or_create(org=None, code=code, defaults={"name": name, "order": order * 10})


def unseed(apps, schema_editor):
    ActivityKind = apps.get_model("activities", "ActivityKind")
    ActivityKind.objects.filter(org=None, code__in=[code for code, _name in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
