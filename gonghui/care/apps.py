from collections.abc import Callable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from gonghui.core.access import holds, may


def _guard(capability: Any) -> Callable[[Any, Any], bool]:

    def check(user: Any, org: Any) -> bool:
        return may(user, capability, org) if org is not None else holds(user, capability)

    return check


class CareConfig(AppConfig):
    name = "gonghui.care"
    label = "care"
    verbose_name = _("帮扶慰问")

    def ready(self) -> None:
        from gonghui.core import facts, nav
        from gonghui.core.demo import register_extension
        from gonghui.core.enums import Role
        from gonghui.core.todos import register as register_todo

        from . import demo, todos
        from . import facts as care_facts

        facts.register("care", care_facts.year_facts)
        # A figure links to its list only for viewers who may open that list for its union
        # (the care lists need a capability, often the 生活 portfolio, not just a role there).
        from gonghui.core import drilldown

        from . import rules

        for name, capability in (
            ("care:applications", rules.APP_VIEW), ("care:files", rules.FILE_VIEW),
            ("care:totals", rules.TOTALS_VIEW), ("care:visits", rules.VISIT_VIEW),
            ("care:donations", rules.CAMPAIGN_VIEW), ("care:health", rules.CAMPAIGN_VIEW),
            ("care:trips", rules.CAMPAIGN_OVERSEE),
        ):  # fmt: skip
            drilldown.guard(name, _guard(capability))
        # Officers of any portfolio see the entry; the pages themselves check the portfolio.
        officers = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE, Role.AUDITOR, Role.SUPERIOR_ADMIN,
                              Role.GROUP_LEADER})  # fmt: skip
        nav.register(
            nav.NavItem("care", _("帮扶慰问"), "care:home", "heart", officers, order=50, group="care")
        )
        register_todo(todos.care_todos)
        register_extension(demo.add_care)
        from . import visit_demo

        register_extension(visit_demo.add_visits)
        from . import donation_imports, imports  # noqa: F401  (registers care's import kinds)

        try:  # the member self-service page shows "我的帮扶" when it offers a section hook
            from gonghui.members.selfservice import register_section
        except ImportError:
            return
        register_section("care/_my_care.html", "gonghui.care.queries.my_care")
