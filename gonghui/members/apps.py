from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "gonghui.members"
    label = "members"
    verbose_name = _("会员管理")

    def ready(self) -> None:
        from gonghui.core import facts, nav, rekeying
        from gonghui.core.demo import register_extension
        from gonghui.core.enums import OrgKind
        from gonghui.core.todos import register as register_todo

        from . import demo, rekey, todos
        from . import exports as _exports  # noqa: F401  (its document kinds, for the worker too)
        from . import facts as member_facts
        from .models import MEMBER_VIEW_ROLES

        nav.register(
            nav.NavItem(
                "members", _("会员"), "members:list", "person-vcard", MEMBER_VIEW_ROLES, order=20, group="org"
            )
        )
        nav.register(
            nav.NavItem(
                "my_membership",
                _("我的会籍"),
                "members:me",
                "person",
                frozenset({"member", "delegate"}),
                order=80,
                group="org",
            )
        )
        nav.register_org_link(
            nav.OrgLink(
                "members",
                _("会员名册"),
                "members:list",
                "union",
                frozenset({OrgKind.GRASSROOTS, OrgKind.JOINT}),
            )
        )
        facts.register("members", member_facts.year_facts)
        # Member rows are for the union's own officers; a superior union's officer sees the
        # figures but not the roll, so figures link to it only where the viewer may open it.
        from gonghui.core import drilldown
        from gonghui.core.access import holds, may

        drilldown.guard(
            "members:list",
            lambda user, org: (
                may(user, MEMBER_VIEW_ROLES, org) if org is not None else holds(user, MEMBER_VIEW_ROLES)
            ),
        )
        register_extension(demo.add_members)
        register_todo(todos.incoming_transfers)
        from . import importer  # noqa: F401  (registers the member import kind)

        # ID numbers are encrypted and hashed under GONGHUI_FIELD_KEY: `rotate-keys` moves them.
        rekeying.register(
            rekeying.Rekeyer(
                "members",
                rekey.rekey_id_numbers,
                done="重新加密身份证号 {count} 个",
                done_en="{count} ID numbers re-encrypted",
            )
        )
