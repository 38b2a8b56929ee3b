from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "gonghui.reports"
    label = "reports"
    verbose_name = _("统计与总结")

    def ready(self) -> None:
        from gonghui.core import nav

        from . import exports  # noqa: F401  (its document kinds, for the worker too)
        from .views.dashboard import DASHBOARD_ROLES

        nav.register(
            nav.NavItem(
                "reports",
                _("统计看板"),
                "reports:dashboard",
                "bar-chart-line",
                DASHBOARD_ROLES,
                order=70,
                group="reports",
            )
        )
