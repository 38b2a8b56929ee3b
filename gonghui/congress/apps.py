from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CongressConfig(AppConfig):
    name = "gonghui.congress"
    label = "congress"
    verbose_name = _("教代会/职代会")

    def ready(self) -> None:
        from gonghui.core import facts, nav
        from gonghui.core.demo import register_extension
        from gonghui.core.enums import Role

        from . import demo
        from . import facts as congress_facts
        from .models import CONGRESS_VIEW_ROLES, PROPOSAL_OFFICER_ROLES

        facts.register("congress", congress_facts.year_facts)
        nav.register(
            nav.NavItem(
                "congress", _("教代会"), "congress:home", "people-fill", CONGRESS_VIEW_ROLES, order=30
            )
        )
        nav.register(
            nav.NavItem(
                "proposals",
                _("提案"),
                "congress:proposals",
                "file-earmark-text",
                PROPOSAL_OFFICER_ROLES | {Role.DELEGATE, Role.DEPARTMENT},
                order=32,
            )
        )
        nav.register(
            nav.NavItem(
                "suggestions", _("合理化建议"), "congress:suggestions", "lightbulb", frozenset(Role), order=36
            )
        )
        register_extension(demo.add_congress)
