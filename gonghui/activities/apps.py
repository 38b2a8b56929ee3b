from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "gonghui.activities"
    label = "activities"
    verbose_name = _("文体活动")

    def ready(self) -> None:
        from gonghui.core import facts

        from . import facts as activity_facts

        facts.register("activities", activity_facts.year_facts)
