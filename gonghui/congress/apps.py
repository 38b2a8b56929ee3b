import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _covered_by(roles: Iterable[str]) -> Callable[[Any, Any], bool]:
    """A drill-down guard: the viewer holds one of `roles` over the figure's union."""

    def check(user: Any, org: Any) -> bool:
        from gonghui.core.access import in_scope

        return org is not None and in_scope(user, org, roles)

    return check


class CongressConfig(AppConfig):
    name = "gonghui.congress"
    label = "congress"
    verbose_name = _("教代会/职代会")

    def ready(self) -> None:
        from gonghui.core import drilldown, electorates, facts, nav, schedule
        from gonghui.core.demo import register_extension
        from gonghui.core.enums import Role

        from . import (
            demo,
            electorate,
            exports,  # noqa: F401  (its document kinds, for the worker too)
            tasks,
        )
        from . import facts as congress_facts
        from .models import CONGRESS_VIEW_ROLES, PROPOSAL_OFFICER_ROLES
        from .views import proposals, suggestions

        facts.register("congress", congress_facts.year_facts)
        from . import suggestion_imports  # noqa: F401  (registers the suggestion import kind)

        # A figure links to a list only for those who see all its records there: a delegate's
        # proposal list holds only the published ones, a member's suggestion list their own.
        # The pages refuse the same viewers (403), so a link is shown exactly where it opens.
        drilldown.guard("congress:sessions", _covered_by(CONGRESS_VIEW_ROLES))
        drilldown.guard("congress:proposals", proposals.may_drill)
        drilldown.guard("congress:suggestions", suggestions.may_drill)
        nav.register(
            nav.NavItem(
                "congress",
                _("教代会"),
                "congress:home",
                "people-fill",
                CONGRESS_VIEW_ROLES,
                order=30,
                group="democracy",
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
                group="democracy",
            )
        )
        nav.register(
            nav.NavItem(
                "suggestions",
                _("合理化建议"),
                "congress:suggestions",
                "lightbulb",
                frozenset(Role),
                order=36,
                group="democracy",
            )
        )
        register_extension(demo.add_congress)
        # A term's delegates can be a poll's electorate; overdue proposal answers are chased hourly.
        electorates.register(electorate.SOURCE)
        schedule.register(tasks.deadline_remind, dt.timedelta(hours=1))
