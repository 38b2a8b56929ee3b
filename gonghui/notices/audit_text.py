"""The notices app's audit events in Chinese (see core.audit_text)."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.audit_text import Key, register

register(
    area=("notices", _("公示")),
    events={
        "notices.notice_create": _("新建公示"),
        "notices.notice_update": _("修改公示"),
        "notices.notice_state": _("变更公示状态"),
        "notices.objection_submit": _("提出异议"),
        "notices.objection_record": _("补录线下异议"),
        "notices.objection_state": _("处理异议"),
    },
    keys={
        "notice": Key(_("公示"), model="notices.notice"),
        "anonymous": _("匿名"),
        "any_upheld": _("有异议成立"),
        "days": _("公示天数"),
        "subject": _("公示事项"),
        "posted": _("补录线下已张贴的公示"),
        "received_on": _("收到日期"),
    },
)
