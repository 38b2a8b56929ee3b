import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "gonghui.notices"
    label = "notices"
    verbose_name = _("公示")

    def ready(self) -> None:
        from gonghui.core import drilldown, facts, nav, publicity, schedule
        from gonghui.core.demo import register_extension
        from gonghui.core.todos import register as register_todo

        from . import demo, queries, services, tasks, todos, views
        from . import facts as notice_facts
        from .models import NOTICE_VIEW_ROLES

        facts.register("notices", notice_facts.year_facts)
        # Objections are read by the union's panel only (a member sees just their own), so the
        # objection figures link only for the panel; the board is every member's.
        drilldown.guard("notices:objections", views.may_drill_objections)
        nav.register(
            nav.NavItem(
                "notices",
                _("公示"),
                "notices:board",
                "megaphone",
                NOTICE_VIEW_ROLES,
                order=50,
                group="democracy",
            )
        )
        register_extension(demo.add_notices)
        register_todo(todos.objections_waiting)
        # Other apps put records on notice through core.publicity; ended periods close hourly.
        publicity.register(
            publicity.Board(
                create=services.notice_create, publish=services.notice_publish, visible=queries.notices_for
            )
        )
        schedule.register(tasks.notices_finalise, dt.timedelta(hours=1))
