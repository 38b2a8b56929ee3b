from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotingConfig(AppConfig):
    name = "gonghui.voting"
    label = "voting"
    verbose_name = _("选举与投票")

    def ready(self) -> None:
        from gonghui.core import drilldown, facts, nav, publicity, rekeying, todos
        from gonghui.core.demo import register_extension
        from gonghui.core.enums import Role

        from . import demo, notify, rekey, services
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
        # An award's result becomes final with its 公示 (core's signal: voting imports no notices).
        publicity.notice_finalized.connect(services.on_notice_finalized, dispatch_uid="voting.award_final")
        # Sealed ballots and paper codes are keyed on GONGHUI_FIELD_KEY: `rotate-keys` moves them.
        rekeying.register(
            rekeying.Rekeyer(
                "ballots",
                rekey.rekey_ballots,
                done="重新密封未结束投票的选票 {count} 张",
                done_en="{count} sealed ballots resealed",
                refusal=rekey.refusal,
            )
        )
