"""Code tables and the poll lifecycle of the voting app (选举, 民主评议, 评优, 投票).

The lifecycle is an explicit transition table; `services.poll_set_state` is the only place that
changes a poll's state, and it refuses anything the table does not list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PollKind(models.TextChoices):
    ELECTION = "election", _("选举")
    EVALUATION = "evaluation", _("民主测评")
    AWARD = "award", _("评优")
    SIMPLE = "simple", _("投票")


class PollState(models.TextChoices):
    DRAFT = "draft", _("准备中")
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已计票待核对")
    REVIEWED = "reviewed", _("已核对待公布")
    RELEASED = "released", _("已公布结果")
    CANCELLED = "cancelled", _("已取消")


POLL_TRANSITIONS: dict[str, frozenset[str]] = {
    PollState.DRAFT: frozenset({PollState.OPEN, PollState.CANCELLED}),
    PollState.OPEN: frozenset({PollState.CLOSED}),
    # 计票 (closing counts) → 核对 (officers check the count) → 公布: never published in one step.
    PollState.CLOSED: frozenset({PollState.REVIEWED}),
    PollState.REVIEWED: frozenset({PollState.RELEASED}),
    PollState.RELEASED: frozenset(),
    PollState.CANCELLED: frozenset(),
}


class Channel(models.TextChoices):
    ONLINE = "online", _("网上投票")
    PAPER_CODE = "paper_code", _("纸质随机码")
    PAPER_COUNT = "paper_count", _("纸质选票(计票录入)")


class ScaleKind(models.TextChoices):
    """How an evaluation is scored: several dimensions with a maximum, or one grade."""

    DIMENSIONS = "dimensions", _("分项打分(德能勤绩廉)")
    GRADES = "grades", _("等次评价(优秀/称职/基本称职/不称职)")


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


# Points of a grade, for a weighted score of a grade evaluation.
GRADE_POINTS: dict[str, int] = {
    Grade.EXCELLENT: 100,
    Grade.COMPETENT: 80,
    Grade.BASIC: 60,
    Grade.INCOMPETENT: 0,
}
DEFAULT_DIMENSIONS: list[tuple[str, int]] = [("德", 20), ("能", 20), ("勤", 20), ("绩", 20), ("廉", 20)]


class AwardLevel(models.TextChoices):
    SCHOOL = "school", _("校级")
    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")
    NATIONAL = "national", _("全国")


class Eligibility(models.TextChoices):
    """资格审查 of an award nominee by the panel; only eligible nominees are on the ballot."""

    PENDING = "pending", _("待审查")
    ELIGIBLE = "eligible", _("符合条件")
    INELIGIBLE = "ineligible", _("不符合条件")
