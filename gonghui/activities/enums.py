"""Code tables and lifecycles of activities (文体活动) and their entries (报名).

Each lifecycle is an explicit transition table, read by the models' `StateMachine`s: services move
a row with `Model.states.move(...)`, which refuses anything the table does not list.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The kinds every union starts with (seeded by migration 0002); a union adds its own.
SEEDED_KINDS = (
    ("ball", "球类"),
    ("cards_chess", "棋牌"),
    ("tug_of_war", "拔河"),
    ("walking", "健步走/登山"),
    ("performance", "文艺汇演"),
    ("reading", "读书"),
    ("art_photo", "书画摄影"),
    ("fun_games", "趣味运动会"),
    ("family", "亲子"),
    ("social", "联谊"),
    ("festival", "节日主题"),
)


class ActivityState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("报名中")
    CLOSED = "closed", _("报名结束")
    DONE = "done", _("已举办")
    CANCELLED = "cancelled", _("已取消")


ACTIVITY_TRANSITIONS: dict[str, frozenset[str]] = {
    ActivityState.DRAFT: frozenset({ActivityState.OPEN, ActivityState.CANCELLED}),
    ActivityState.OPEN: frozenset({ActivityState.CLOSED, ActivityState.CANCELLED}),
    # Sign-up may be reopened (a deadline extended) until the activity is held.
    ActivityState.CLOSED: frozenset({ActivityState.OPEN, ActivityState.DONE, ActivityState.CANCELLED}),
    ActivityState.DONE: frozenset(),
    ActivityState.CANCELLED: frozenset(),
}
# States in which entries still change: a withdrawal frees a place and the waiting list moves up.
RUNNING_STATES = frozenset({ActivityState.OPEN, ActivityState.CLOSED})


class Eligibility(models.TextChoices):
    """Who may take part."""

    SUBTREE = "subtree", _("本级及下属工会全体会员")
    GROUP = "group", _("指定工会(小组)的会员")
    LIST = "list", _("指定名单")


class EntryMode(models.TextChoices):
    INDIVIDUAL = "individual", _("个人报名")
    TEAM = "team", _("组队报名")


class SpendingCategory(models.TextChoices):
    """Where the budget and cost post in the union's accounts (funds posts them later)."""

    CULTURE_SPORTS = "culture_sports", _("文体活动支出")
    EDUCATION = "education", _("职工教育支出")
    OTHER = "other", _("其他活动支出")


class EntryState(models.TextChoices):
    ENTERED = "entered", _("已报名")
    WAITING = "waiting", _("候补")
    WITHDRAWN = "withdrawn", _("已退出")


ENTRY_TRANSITIONS: dict[str, frozenset[str]] = {
    EntryState.ENTERED: frozenset({EntryState.WITHDRAWN}),
    # A waiting entry moves up when a place frees (a withdrawal, a larger quota or cap).
    EntryState.WAITING: frozenset({EntryState.ENTERED, EntryState.WITHDRAWN}),
    EntryState.WITHDRAWN: frozenset(),
}
# Entries that hold or wait for a place: a member has at most one of these per activity.
LIVE_ENTRY_STATES = frozenset({EntryState.ENTERED, EntryState.WAITING})
