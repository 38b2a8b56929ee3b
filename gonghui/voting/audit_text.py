"""The voting app's audit events in Chinese (see core.audit_text). No event names a voter next
to a choice: `voting.vote` records that someone voted, never how."""

from django.utils.translation import gettext_lazy as _

from gonghui.core.audit_text import Key, register

from .enums import Eligibility

register(
    area=("voting", _("选举评议")),
    events={
        "voting.poll_create": _("新建投票"),
        "voting.poll_update": _("修改投票设置"),
        "voting.poll_state": _("变更投票状态"),
        "voting.option_add": _("添加候选人/选项"),
        "voting.option_remove": _("删除候选人/选项"),
        "voting.nomination_screen": _("审查推荐人选"),
        "voting.dimensions_set": _("设置评议项目"),
        "voting.rater_group_add": _("添加评议人群体"),
        "voting.electorate_add": _("添加投票人"),
        "voting.voter_remove": _("移除投票人"),
        "voting.electorate_clear": _("清空投票人名单"),
        "voting.paper_codes": _("生成纸质票随机码"),
        "voting.paper_census": _("登记纸质投票人"),
        "voting.paper_batch": _("录入纸质选票"),
        "voting.vote": _("投票"),
        "voting.award_notice": _("评优结果进行公示"),
        "voting.award_final": _("评优公示期满，结果生效"),
    },
    keys={
        "option": _("候选人/选项"),
        "eligibility": Key(_("资格审查"), choices=Eligibility),
        "dimensions": _("评议项目"),
        "group": _("评议人群体"),
        "weight": _("权重"),
        "added": _("新增人数"),
        "voters": _("投票人数"),
        "codes": _("随机码数量"),
        "members": _("人数"),
        "valid": _("有效票"),
        "invalid": _("无效票"),
        "ballots": _("选票数"),
        "held_on": _("举行日期"),
        "round": _("轮次"),
        "member": Key(_("会员"), model="members.member"),
        "notice": Key(_("公示"), model="notices.notice"),
    },
)
