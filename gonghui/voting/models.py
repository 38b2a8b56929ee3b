"""Polls and the secret ballot box (DESIGN.md §5).

Who may vote (`Voter`), who has voted (`Participation`) and what was voted (`Ballot`) are three
tables. A Ballot carries no link to a person, no timestamp and no sequential key: its primary key
is a random UUID4, its receipt code is random, and `services.poll_set_state` rewrites a poll's
ballots in a random order when the poll closes, so neither a read in storage order nor a read in
key order reproduces the order in which ballots were cast (see docs in `services.shuffle_ballots`).
"""

from __future__ import annotations

import posixpath
import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import OFFICER_ROLES, Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

from .enums import POLL_TRANSITIONS, AwardLevel, Channel, Eligibility, PollKind, PollState, ScaleKind

# Officers of the union (and its superior union, which sees polls but never results before
# release) see polls; the union's chair, vice-chairs and committee members run them.
VOTING_VIEW_ROLES = OFFICER_ROLES
VOTING_CHANGE_ROLES = frozenset({Role.CHAIR, Role.VICE_CHAIR, Role.COMMITTEE})


class Poll(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="polls", verbose_name=_("工会"))
    kind = models.CharField(_("类型"), max_length=12, choices=PollKind.choices)
    title = models.CharField(_("名称"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    state = models.CharField(_("状态"), max_length=12, choices=PollState.choices, default=PollState.DRAFT)
    opens_at = models.DateTimeField(_("计划开始时间"), null=True, blank=True)
    closes_at = models.DateTimeField(_("计划结束时间"), null=True, blank=True)
    # Seats (选举: 应选人数), places (评优: 名额) or the most choices a voter may tick (投票).
    choose_max = models.PositiveSmallIntegerField(
        _("应选人数/最多可选"), default=1, validators=[MinValueValidator(1)]
    )
    allow_write_in = models.BooleanField(_("允许另选他人"), default=False)
    # 差额选举: candidates >= seats × (1 + ratio%), rounded up; 0 allows 等额选举.
    diff_ratio = models.PositiveSmallIntegerField(
        _("差额比例(%)"), default=20, validators=[MaxValueValidator(100)]
    )
    # Elected with more than this percentage of the electorate (elections: at least half, the
    # law's rule) or of the valid ballots (awards); see voting.rules.
    majority_percent = models.PositiveSmallIntegerField(
        _("当选须超过的得票比例(%)"),
        default=50,
        validators=[MaxValueValidator(99)],
        help_text=_("选举：占应到会有选举权人数的比例，不低于50；评优：占有效票的比例。"),
    )
    # More than this percentage of the electorate must take part; 0: elections follow the law
    # (more than two thirds), other polls have no turnout rule. Elections may only set >= 67.
    quorum_percent = models.PositiveSmallIntegerField(
        _("参加人数须超过应到人数的(%)"),
        default=0,
        validators=[MaxValueValidator(99)],
        help_text=_("填0：选举按条例须超过三分之二；可设更高比例。"),
    )
    # 民主测评: no per-person result is shown with fewer respondents than this.
    min_respondents = models.PositiveSmallIntegerField(_("最少有效评议人数"), default=10)
    scale = models.CharField(
        _("评议方式"), max_length=12, choices=ScaleKind.choices, default=ScaleKind.GRADES
    )
    drop_extremes = models.BooleanField(_("去掉一个最高分和一个最低分"), default=False)
    award_name = models.CharField(_("奖项名称"), max_length=60, blank=True)
    award_level = models.CharField(_("奖项级别"), max_length=10, choices=AwardLevel.choices, blank=True)
    # The public notice (公示) of an award's result, in the notices app (its id; no hard FK).
    notice_id = models.PositiveIntegerField(null=True, blank=True, editable=False)
    award_final = models.BooleanField(_("公示期满，结果生效"), default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    released_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The day the poll was held (a paper vote in June entered in December is June's): set by the
    # officer when closing it (default today, never later); the figures count by it.
    held_on = models.DateField(_("举行日期"), null=True, blank=True, editable=False)
    # Ballots (electronic + paper) counted at the moment the poll closed, as reported then.
    ballots_at_close = models.PositiveIntegerField(null=True, blank=True, editable=False)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=VOTING_VIEW_ROLES, change=VOTING_CHANGE_ROLES
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=PollState,
        table=POLL_TRANSITIONS,
        action="voting.poll_state",
        stamps={
            PollState.OPEN: "opened_at",
            PollState.CLOSED: "closed_at",
            PollState.RELEASED: "released_at",
        },
        refused=_("投票当前为“%(state)s”，不能改为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("投票")
        verbose_name_plural = _("投票")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["org", "state"], name="voting_poll_org_state_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_released(self) -> bool:
        return self.state == PollState.RELEASED

    @property
    def is_evaluation(self) -> bool:
        return self.kind == PollKind.EVALUATION

    @property
    def uses_grades(self) -> bool:
        return self.kind == PollKind.EVALUATION and self.scale == ScaleKind.GRADES


class Option(models.Model):
    """A candidate (候选人), a person evaluated (被测评人), a nominee (推荐人选) or a plain choice."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    name = models.CharField(_("名称/姓名"), max_length=60)
    position = models.CharField(_("职务/简介"), max_length=120, blank=True)
    # The person behind the option (no self-evaluation; award nominee), when a member.
    member = models.ForeignKey(
        "members.Member",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("会员"),
    )
    deeds = models.TextField(_("事迹/述职摘要"), blank=True)
    # 述职报告: served only through voting:option_report (access-checked), never by MEDIA_URL.
    report = models.FileField(_("述职报告"), upload_to="voting/reports/", blank=True)
    report_name = models.CharField(max_length=200, blank=True)
    self_nominated = models.BooleanField(_("自荐"), default=False)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eligibility = models.CharField(
        _("资格审查"), max_length=12, choices=Eligibility.choices, default=Eligibility.ELIGIBLE
    )
    screening_note = models.CharField(_("审查意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["poll", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def report_filename(self) -> str:
        return self.report_name or posixpath.basename(self.report.name or "")

    @property
    def on_ballot(self) -> bool:
        return self.eligibility == Eligibility.ELIGIBLE


class Dimension(models.Model):
    """One scored dimension of an evaluation (德、能、勤、绩、廉), 0..max_score."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="dimensions")
    order = models.PositiveSmallIntegerField(default=1)
    name = models.CharField(_("评议项目"), max_length=30)
    max_score = models.PositiveSmallIntegerField(_("满分"), default=20, validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["poll", "order", "id"]

    def __str__(self) -> str:
        return self.name


class RaterGroup(models.Model):
    """A group of raters of an evaluation (代表, 教师, 领导班子) and its weight."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="rater_groups")
    name = models.CharField(_("评议人类别"), max_length=30)
    weight = models.DecimalField(
        _("权重"), max_digits=5, decimal_places=2, default=Decimal("1"), validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["poll", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "name"], name="voting_rater_group_unique")]

    def __str__(self) -> str:
        return self.name


class Voter(models.Model):
    """One member of a poll's electorate (选民/评议人). Frozen once the poll opens."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="voters")
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="+")
    group = models.ForeignKey(
        RaterGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="voters"
    )
    # Issued a paper ballot code: this voter then votes with the code only, never online.
    paper = models.BooleanField(_("纸质随机码"), default=False)

    class Meta:
        ordering = ["poll", "id"]
        constraints = [models.UniqueConstraint(fields=["poll", "member"], name="voting_voter_unique")]

    def __str__(self) -> str:
        return f"{self.member_id} @ {self.poll_id}"


class PaperCode(models.Model):
    """A one-time ballot code (随机码) printed on a slip. Only its keyed hash is stored; it names
    no voter (the chair hands out shuffled slips), and it is used at most once."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="paper_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    # The rater group of the voter it was printed for (evaluations weigh groups); never the voter.
    group = models.ForeignKey(RaterGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    used = models.BooleanField(default=False)

    def __str__(self) -> str:
        return f"code @ {self.poll_id}"


class Participation(models.Model):
    """Who has voted (not secret): the census shared by every channel. UNIQUE(poll, member) is
    the guard against voting twice, online or on paper; a code is used at most once."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="participations")
    member = models.ForeignKey(
        "members.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    paper_code = models.OneToOneField(
        PaperCode, null=True, blank=True, on_delete=models.PROTECT, related_name="participation"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "member"], name="voting_participation_once"),
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | models.Q(paper_code__isnull=False),
                name="voting_participation_who",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.channel}"


def _new_uuid() -> uuid.UUID:
    return uuid.uuid4()


class Ballot(models.Model):
    """One secret ballot. No person, no time, no sequence: a random key, a random receipt and the
    choices (JSON: {"selected": [option ids], "write_ins": [names]} for elections, awards and
    polls; {"scores": {option: {dimension: n}}} or {"grades": {option: grade}} for evaluations).
    Default ordering is by the random key, so no read through the ORM is in casting order."""

    id = models.UUIDField(primary_key=True, default=_new_uuid, editable=False)
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="ballots")
    # The rater group of an evaluation ballot (for the weights); a group, never a person.
    rater_group = models.ForeignKey(
        RaterGroup, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receipt = models.CharField(max_length=12)
    choices = models.JSONField(default=dict)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "receipt"], name="voting_ballot_receipt_unique")
        ]

    def __str__(self) -> str:
        return self.receipt


class PaperBatch(models.Model):
    """Paper ballots counted by tellers (计票), entered as totals: valid and invalid ballots."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="paper_batches")
    valid = models.PositiveIntegerField(_("有效票"))
    invalid = models.PositiveIntegerField(_("无效票"), default=0)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["poll", "id"]

    def __str__(self) -> str:
        return f"{self.poll_id}: {self.valid}+{self.invalid}"


class PaperTally(models.Model):
    """Votes for one option (or one written-in name) in a paper batch."""

    batch = models.ForeignKey(PaperBatch, on_delete=models.CASCADE, related_name="tallies")
    option = models.ForeignKey(Option, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    write_in = models.CharField(max_length=60, blank=True)
    votes = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["batch", "id"]

    def __str__(self) -> str:
        return f"{self.option_id or self.write_in}: {self.votes}"
