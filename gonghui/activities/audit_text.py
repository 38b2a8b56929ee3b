"""The activities app's audit events in Chinese (see core.audit_text)."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.audit_text import Key, register

register(
    area=("activities", _("文体活动")),
    events={
        "activities.kind_create": _("新增活动类别"),
        "activities.activity_create": _("新建活动"),
        "activities.activity_update": _("修改活动"),
        "activities.activity_state": _("变更活动状态"),
        "activities.quota_set": _("设置单位名额"),
        "activities.entry_sign_up": _("活动报名"),
        "activities.team_enter": _("组队报名"),
        "activities.entry_state": _("变更报名状态"),
        "activities.entry_promote": _("候补转为正式报名"),
    },
    keys={
        "activity": Key(_("活动"), model="activities.activity"),
        "unit": Key(_("参加单位"), model="core.org"),
        "member": Key(_("会员"), model="members.member"),
        "invited": Key(_("参加名单"), model="members.member"),
        "captain": Key(_("队长"), model="members.member"),
        "players": Key(_("上场队员"), model="members.member"),
        "substitutes": Key(_("替补队员"), model="members.member"),
        "team_name": _("队名"),
        "max_entries": _("名额"),
    },
)
