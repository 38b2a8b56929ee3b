"""The members app's audit events in Chinese (see core.audit_text)."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.audit_text import Key, register

from .enums import ChangeType, Employment
from .queries import LIST_COLUMNS

register(
    area=("member", _("会员")),
    events={
        "member.create": _("新增会员"),
        "member.update": _("修改会员信息"),
        "member.status": _("变更会籍状态"),
        "member.retire_move": _("退休会员移入离退休组"),
        "member.bulk_move": _("批量调整工会小组"),
        "member.reveal": _("查看会员完整信息"),
        "member.transfer": _("会员关系转接"),
        "member.link_user": _("关联会员账号"),
        "member.export": _("导出会员名册"),
        "member.import": _("导入会员名册"),
        "member.import_errors": _("下载导入错误说明表"),
    },
    keys={
        "change": Key(_("会籍变化类型"), choices=ChangeType),
        "group": _("工会小组"),
        "employment": Key(_("用工类别"), choices=Employment),
        "to_org": _("转入工会"),
        "fmt": Key(_("导出格式"), choices={"list": _("会员名册"), "national": _("实名制模板")}),
        "masked": _("已打码"),
        "columns": Key(_("导出列"), choices=dict(LIST_COLUMNS)),
        "created": _("新增人数"),
        "updated": _("更新人数"),
        "unchanged": _("无变化人数"),
        "skipped_error_rows": _("跳过的错误行"),  # imports before all-or-nothing
        "total_rows": _("总行数"),
        "member.import:kind": Key(_("类别"), hidden=True),  # the import kind's code
        "file": _("文件"),
        "rows": _("导入行数"),
    },
)
