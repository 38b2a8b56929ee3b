"""The reports app's audit events in Chinese (see core.audit_text)."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.audit_text import register


def _section(detail: str) -> str:
    """The edited section's code (`care`) is not for users: the event's name says enough."""
    return ""


register(
    area=("reports", _("报表与总结")),
    events={
        "reports.summary_create": _("生成工作总结"),
        "reports.summary_regenerate": _("重新生成工作总结"),
        "reports.paragraph_edit": _("修改工作总结段落"),
        "reports.paragraph_restore": _("恢复工作总结段落的生成文本"),
        "reports.plan_set": _("修改工作总结中的下一年工作计划"),
        "reports.workplan_generate": _("生成工作计划"),
        "reports.workplan_item_update": _("修改工作计划条目"),
        "reports.workplan_guiding_update": _("修改工作计划指导思想"),
        "reports.monthly_update": _("修改月度工作安排"),
        "reports.statistics_export": _("导出工会统计表"),
    },
    keys={"units": _("单位数"), "items": _("计划条目")},
    details={"reports.paragraph_edit": _section, "reports.paragraph_restore": _section},
)
