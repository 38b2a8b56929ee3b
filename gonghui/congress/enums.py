"""Code tables and lifecycles of the congress app (教代会/职代会, 提案, 合理化建议).

Each lifecycle is an explicit transition table; `services.<entity>_set_state` is the only
place that changes a state, and it refuses anything the table does not list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CongressKind(models.TextChoices):
    STAFF = "staff", _("教职工代表大会")
    WORKERS = "workers", _("职工代表大会")
    MEMBER_DELEGATES = "member_delegates", _("会员代表大会")
    MEMBERS = "members", _("会员大会")


class SessionStatus(models.TextChoices):
    PREPARING = "preparing", _("筹备")
    IN_SESSION = "in_session", _("召开")
    CLOSED = "closed", _("闭会")


SESSION_TRANSITIONS: dict[str, frozenset[str]] = {
    SessionStatus.PREPARING: frozenset({SessionStatus.IN_SESSION}),
    SessionStatus.IN_SESSION: frozenset({SessionStatus.CLOSED}),
    SessionStatus.CLOSED: frozenset(),
}


class ItemResult(models.TextChoices):
    PENDING = "pending", _("待表决")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("未通过")
    REVISE = "revise", _("修改后再议")


class VoteChoice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class ProposalCategory(models.TextChoices):
    TEACHING = "teaching", _("教育教学")
    LOGISTICS = "logistics", _("后勤保障")
    WELFARE = "welfare", _("福利待遇")
    MANAGEMENT = "management", _("管理制度")
    SAFETY = "safety", _("安全")
    OTHER = "other", _("其他")


class ProposalState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    REGISTERED = "registered", _("已立案")
    NOT_REGISTERED = "not_registered", _("不立案")
    MERGED = "merged", _("已并案")
    CONVERTED = "converted", _("转为建议")
    ASSIGNED = "assigned", _("已交办")
    ANSWERED = "answered", _("已答复")
    RATED = "rated", _("已评价")
    IMPLEMENTING = "implementing", _("落实中")
    CLOSED = "closed", _("已办结")


PROPOSAL_TRANSITIONS: dict[str, frozenset[str]] = {
    ProposalState.DRAFT: frozenset({ProposalState.SUBMITTED}),
    ProposalState.SUBMITTED: frozenset(
        {
            ProposalState.REGISTERED,
            ProposalState.NOT_REGISTERED,
            ProposalState.MERGED,
            ProposalState.CONVERTED,
        }
    ),
    ProposalState.REGISTERED: frozenset({ProposalState.ASSIGNED}),
    # A department may ask to re-assign: ASSIGNED -> ASSIGNED with other departments.
    ProposalState.ASSIGNED: frozenset({ProposalState.ANSWERED, ProposalState.ASSIGNED}),
    # 不满意 sends the proposal back for another answer.
    ProposalState.ANSWERED: frozenset({ProposalState.RATED, ProposalState.ASSIGNED}),
    ProposalState.RATED: frozenset({ProposalState.IMPLEMENTING, ProposalState.CLOSED}),
    ProposalState.IMPLEMENTING: frozenset({ProposalState.CLOSED}),
    ProposalState.NOT_REGISTERED: frozenset(),
    ProposalState.MERGED: frozenset(),
    ProposalState.CONVERTED: frozenset(),
    ProposalState.CLOSED: frozenset(),
}
# States in which the proposal counts as 立案 (registered) for the figures.
REGISTERED_STATES = frozenset(
    {
        ProposalState.REGISTERED, ProposalState.ASSIGNED, ProposalState.ANSWERED, ProposalState.RATED,
        ProposalState.IMPLEMENTING, ProposalState.CLOSED,
    }
)  # fmt: skip


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASICALLY = "basically", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class Implementation(models.TextChoices):
    NOT_STARTED = "not_started", _("未开始")
    IN_PROGRESS = "in_progress", _("落实中")
    DONE = "done", _("已落实")
    NOT_FEASIBLE = "not_feasible", _("暂不具备条件")


class SuggestionState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ADOPTED = "adopted", _("采纳")
    REJECTED = "rejected", _("不采纳")
    IMPLEMENTED = "implemented", _("已实施")
    REWARDED = "rewarded", _("已奖励")


SUGGESTION_TRANSITIONS: dict[str, frozenset[str]] = {
    SuggestionState.SUBMITTED: frozenset({SuggestionState.ADOPTED, SuggestionState.REJECTED}),
    SuggestionState.ADOPTED: frozenset({SuggestionState.IMPLEMENTED}),
    SuggestionState.IMPLEMENTED: frozenset({SuggestionState.REWARDED}),
    SuggestionState.REJECTED: frozenset(),
    SuggestionState.REWARDED: frozenset(),
}
ADOPTED_STATES = frozenset({SuggestionState.ADOPTED, SuggestionState.IMPLEMENTED, SuggestionState.REWARDED})
