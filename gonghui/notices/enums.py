"""Code tables and lifecycles of public notices (公示) and the objections raised against them.

Each lifecycle is an explicit transition table; `services.<entity>_set_state` is the only place
that changes a state, and it refuses anything the table does not list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NoticeKind(models.TextChoices):
    AWARD = "award", _("评优评先")
    ELECTION = "election", _("选举结果")
    EVALUATION = "evaluation", _("民主评议")
    FINANCE = "finance", _("财务收支")
    OPENNESS = "openness", _("校务/厂务公开")
    OTHER = "other", _("其他")


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("公示中")
    # The period is over but some objection is still waiting for its resolution.
    CLOSED_PENDING = "closed_pending", _("公示期满，异议待处理")
    FINAL = "final", _("公示结束")
    WITHDRAWN = "withdrawn", _("已撤回")


NOTICE_TRANSITIONS: dict[str, frozenset[str]] = {
    NoticeState.DRAFT: frozenset({NoticeState.PUBLISHED}),
    NoticeState.PUBLISHED: frozenset({NoticeState.CLOSED_PENDING, NoticeState.FINAL, NoticeState.WITHDRAWN}),
    # An upheld objection may lead the union to withdraw the notice instead of letting it stand.
    NoticeState.CLOSED_PENDING: frozenset({NoticeState.FINAL, NoticeState.WITHDRAWN}),
    NoticeState.FINAL: frozenset(),
    NoticeState.WITHDRAWN: frozenset(),
}
# States in which the notice is shown on the board to every member of the union.
SHOWN_STATES = frozenset(
    {NoticeState.PUBLISHED, NoticeState.CLOSED_PENDING, NoticeState.FINAL, NoticeState.WITHDRAWN}
)
# States that count as a notice held (公示) for the figures.
HELD_STATES = frozenset({NoticeState.PUBLISHED, NoticeState.CLOSED_PENDING, NoticeState.FINAL})
# States that notice_refresh may move on when the period is over.
RUNNING_STATES = frozenset({NoticeState.PUBLISHED, NoticeState.CLOSED_PENDING})


class ObjectionState(models.TextChoices):
    SUBMITTED = "submitted", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


OBJECTION_TRANSITIONS: dict[str, frozenset[str]] = {
    ObjectionState.SUBMITTED: frozenset({ObjectionState.UPHELD, ObjectionState.DISMISSED}),
    ObjectionState.UPHELD: frozenset(),
    ObjectionState.DISMISSED: frozenset(),
}
RESOLVED_STATES = frozenset({ObjectionState.UPHELD, ObjectionState.DISMISSED})
