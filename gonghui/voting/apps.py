from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "gonghui.voting"
    label = "voting"
    verbose_name = _("选举与投票")

    def ready(self) -> None:
        from gonghui.core import drilldown, facts, nav, todos
        from gonghui.core.demo import register_extension
        from gonghui.core.enums import Role

        from . import demo, notify, services
        from . import exports as _exports  # noqa: F401  (its document kinds, for the worker too)
        from . import facts as voting_facts
        from .views import polls

        facts.register("voting", voting_facts.year_facts)
        # Only officers see a union's polls on the voting home; anyone else would find it empty.
        drilldown.guard("voting:home", polls.may_drill)
        nav.register(
            nav.NavItem(
                "voting",
                _("选举投票"),
                "voting:home",
                "check2-square",
                frozenset(Role),
                order=40,
                group="democracy",
            )
        )
        register_extension(demo.add_voting)
        todos.register(notify.pending_votes)  # the home page's 待投票 card
        try:  # the notices app (公示) may not be installed yet
            from gonghui.notices.signals import notice_finalized
        except ImportError:
            return
        notice_finalized.connect(services.on_notice_finalized, dispatch_uid="voting.award_final")
