from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "gonghui.core"
    label = "core"
    verbose_name = _("基础")

    def ready(self) -> None:
        from . import asset_checks, checks, deploy_checks, nav  # noqa: F401  (registers system checks and the core menu)
