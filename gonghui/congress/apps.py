from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "gonghui.congress"
    label = "congress"
    verbose_name = _("教代会/职代会")

    def ready(self) -> None:
        from gonghui.core import facts
        from gonghui.core.demo import register_extension

        from . import demo
        from . import facts as congress_facts

        facts.register("congress", congress_facts.year_facts)
        register_extension(demo.add_congress)
