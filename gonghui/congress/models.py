"""Congress (教代会/职代会): terms, sessions, delegates, agenda, proposals (提案), suggestions (合理化建议)."""

from __future__ import annotations

import posixpath
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.enums import MANAGER_ROLES, OFFICER_ROLES, Role
from gonghui.core.models import Org
from gonghui.core.policy import AccessPolicy
from gonghui.core.transitions import StateMachine

from .enums import (
    PROPOSAL_TRANSITIONS,
    SESSION_TRANSITIONS,
    SUGGESTION_TRANSITIONS,
    CongressKind,
    Implementation,
    ItemResult,
    ProposalCategory,
    ProposalState,
    Rating,
    SessionStatus,
    SuggestionState,
    VoteChoice,
)

if TYPE_CHECKING:
    from gonghui.core.access import Rows

# Officers run the congress; a superior union's officers see it (no personal data here).
CONGRESS_VIEW_ROLES = OFFICER_ROLES | {Role.DELEGATE, Role.MEMBER}
CONGRESS_CHANGE_ROLES = MANAGER_ROLES - {Role.SUPERIOR_ADMIN} | {Role.COMMITTEE}
PROPOSAL_OFFICER_ROLES = OFFICER_ROLES
SUGGESTION_REVIEW_ROLES = MANAGER_ROLES - {Role.SUPERIOR_ADMIN} | {Role.COMMITTEE}


def ordinal(number: int) -> str:
    """1 -> 一, 12 -> 十二 (terms and sessions are numbered in Chinese)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    if number < 20:
        return "十" + (digits[number % 10] if number % 10 else "")
    return digits[number // 10] + "十" + (digits[number % 10] if number % 10 else "")


class CongressTerm(models.Model):
    """A term (届) of a union's congress, e.g. 第六届教职工代表大会 (2024–2029)."""

    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="congress_terms", verbose_name=_("工会")
    )
    number = models.PositiveSmallIntegerField(_("届次"))
    kind = models.CharField(
        _("类型"), max_length=20, choices=CongressKind.choices, default=CongressKind.STAFF
    )
    start = models.DateField(_("任期开始"))
    end = models.DateField(_("任期结束"), null=True, blank=True)
    cosigners_required = models.PositiveSmallIntegerField(_("提案附议人数"), default=2)
    # Quorum as a fraction (default 2/3 of all delegates), so 20 of 30 is exactly enough.
    quorum_numerator = models.PositiveSmallIntegerField(_("法定到会比例(分子)"), default=2)
    quorum_denominator = models.PositiveSmallIntegerField(_("法定到会比例(分母)"), default=3)
    # Composition quotas (percent of delegates), configurable per term; 0 means no quota.
    quota_women = models.PositiveSmallIntegerField(
        _("女代表比例不低于(%)"), default=0, validators=[MaxValueValidator(100)]
    )
    quota_frontline = models.PositiveSmallIntegerField(
        _("一线教职工比例不低于(%)"), default=60, validators=[MaxValueValidator(100)]
    )
    quota_young = models.PositiveSmallIntegerField(
        _("青年代表比例不低于(%)"), default=0, validators=[MaxValueValidator(100)]
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=CONGRESS_VIEW_ROLES, change=CONGRESS_CHANGE_ROLES
    )

    class Meta:
        verbose_name = _("届")
        verbose_name_plural = _("届")
        constraints = [models.UniqueConstraint(fields=["org", "number", "kind"], name="congress_term_unique")]
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"第{ordinal(self.number)}届{self.get_kind_display()}"


class CongressSession(models.Model):
    """A session (次) of a term: 第六届第二次教代会."""

    term = models.ForeignKey(
        CongressTerm, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("届")
    )
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="congress_sessions", editable=False)
    number = models.PositiveSmallIntegerField(_("次"))
    date = models.DateField(_("会议日期"))
    place = models.CharField(_("地点"), max_length=120, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.PREPARING
    )
    party_approved_on = models.DateField(_("党支部审批日期"), null=True, blank=True)
    party_approval_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=CONGRESS_VIEW_ROLES, change=CONGRESS_CHANGE_ROLES
    )

    # The one way `status` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="status",
        choices=SessionStatus,
        table=SESSION_TRANSITIONS,
        action="congress.session_state",
        stamps={SessionStatus.IN_SESSION: "opened_at", SessionStatus.CLOSED: "closed_at"},
        refused=_("会议当前为“%(state)s”，不能改为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="congress_session_unique")]
        ordering = ["-date", "-number"]
        indexes = [
            models.Index(fields=["org", "date"], name="congress_sess_org_date_idx"),
            # A county officer's proposal list walks sessions newest first (bench: congress).
            models.Index(fields=["date", "id"], name="congress_sess_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.term}{self.short_name}"

    @property
    def short_name(self) -> str:
        return f"第{ordinal(self.number)}次会议"


class Delegation(models.Model):
    """A delegation or delegate group (代表团/组), usually by grade or department."""

    term = models.ForeignKey(CongressTerm, on_delete=models.CASCADE, related_name="delegations")
    name = models.CharField(_("名称"), max_length=60)
    head = models.ForeignKey(
        "Delegate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("团长")
    )

    class Meta:
        verbose_name = _("代表团")
        verbose_name_plural = _("代表团")
        constraints = [models.UniqueConstraint(fields=["term", "name"], name="congress_delegation_unique")]

    def __str__(self) -> str:
        return self.name


class Delegate(models.Model):
    """A member elected as delegate for a term. Composition flags are kept as elected."""

    term = models.ForeignKey(CongressTerm, on_delete=models.CASCADE, related_name="delegates")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="+", editable=False)
    member = models.ForeignKey("members.Member", on_delete=models.PROTECT, related_name="delegateships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegateships",
    )
    name = models.CharField(_("姓名"), max_length=40)
    delegation = models.ForeignKey(
        Delegation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="delegates",
        verbose_name=_("代表团"),
    )
    is_woman = models.BooleanField(_("女"), default=False)
    is_frontline = models.BooleanField(_("一线教职工"), default=True)
    is_leader = models.BooleanField(_("领导干部"), default=False)
    is_young = models.BooleanField(_("青年(35岁以下)"), default=False)
    is_party = models.BooleanField(_("党员"), default=False)
    elected_on = models.DateField(_("当选日期"), default=timezone.localdate)
    active = models.BooleanField(_("在任"), default=True)
    replaces = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replaced_by",
        verbose_name=_("补选替补"),
    )

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=OFFICER_ROLES, change=CONGRESS_CHANGE_ROLES, owner_field="user"
    )

    class Meta:
        verbose_name = _("代表")
        verbose_name_plural = _("代表")
        constraints = [models.UniqueConstraint(fields=["term", "member"], name="congress_delegate_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Attendance(models.Model):
    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="attendances")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="attendances")
    checked_in_at = models.DateTimeField(default=timezone.now)
    by_self = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["session", "delegate"], name="congress_attendance_once")
        ]

    def __str__(self) -> str:
        return f"{self.delegate} @ {self.session}"


class AgendaItem(models.Model):
    """An item put to the congress (plans, 绩效工资发放办法, budgets…). Not passed: 不得执行."""

    session = models.ForeignKey(CongressSession, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("序号"), default=1)
    title = models.CharField(_("议题"), max_length=120)
    # Served only through congress:agenda_document (access-checked), never by MEDIA_URL.
    document = models.FileField(_("文件"), upload_to="congress/items/", blank=True)
    document_name = models.CharField(_("文件名"), max_length=200, blank=True)
    result = models.CharField(
        _("表决结果"), max_length=10, choices=ItemResult.choices, default=ItemResult.PENDING
    )
    votes_for = models.PositiveIntegerField(_("赞成"), default=0)
    votes_against = models.PositiveIntegerField(_("反对"), default=0)
    votes_abstain = models.PositiveIntegerField(_("弃权"), default=0)
    # A named vote (记名表决) is open while named_vote is set and the result is still pending.
    named_vote = models.BooleanField(_("记名表决"), default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    revision_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="revisions",
        verbose_name=_("修改前议题"),
    )

    class Meta:
        ordering = ["session", "order", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def may_execute(self) -> bool:
        return self.result == ItemResult.PASSED

    @property
    def named_vote_open(self) -> bool:
        return self.named_vote and self.result == ItemResult.PENDING

    @property
    def document_filename(self) -> str:
        """The file name as uploaded (storage may have renamed the stored file)."""
        return self.document_name or posixpath.basename(self.document.name or "")


class AgendaVote(models.Model):
    """A named vote of a present delegate on an agenda item (记名表决)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="votes")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="+")
    choice = models.CharField(max_length=10, choices=VoteChoice.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "delegate"], name="congress_agenda_vote_once")]

    def __str__(self) -> str:
        return f"{self.item}: {self.choice}"


def proposal_rows(rows: Rows) -> Q | None:
    """Who sees a proposal besides its proposer (DESIGN.md §3; issue 4 "Access"): the union's
    officers once it is submitted (a draft is its proposer's and co-signers'), a co-signer (附议人,
    who must see the draft to confirm it), the union's delegates the proposals published to them
    (向代表公开), a handling department (承办部门) those actively assigned to it. Every scope is
    tested on the proposal's session's org when the list walks the sessions' date index."""
    if rows.action != "view":
        return None
    user_id = rows.user.pk
    # Sets computed once (IN subqueries), not EXISTS per proposal row: a county officer's list
    # otherwise runs the co-signer probe for each of the subtree's proposals.
    q = Q(pk__in=Cosigner.objects.filter(delegate__user=user_id).values("proposal_id"))
    officer = rows.within(exists_on="session__org")
    if officer is not None:
        q |= officer & ~Q(state=ProposalState.DRAFT)
    delegate = rows.within([Role.DELEGATE], exists_on="session__org")
    if delegate is not None:
        q |= delegate & Q(published=True) & ~Q(state=ProposalState.DRAFT)
    department = rows.within([Role.DEPARTMENT], exists_on="session__org")
    if department is not None:
        assigned = Assignment.objects.filter(department=user_id, active=True).values("proposal_id")
        q |= department & Q(pk__in=assigned)
    return q


class Proposal(models.Model):
    session = models.ForeignKey(CongressSession, on_delete=models.PROTECT, related_name="proposals")
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="proposals", editable=False)
    number = models.PositiveIntegerField(_("提案号"), null=True, blank=True)
    title = models.CharField(_("案由"), max_length=120)
    category = models.CharField(_("类别"), max_length=20, choices=ProposalCategory.choices)
    reason = models.TextField(_("理由"))
    measures = models.TextField(_("建议措施"))
    proposer = models.ForeignKey(
        Delegate, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("提案人")
    )
    proposer_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    state = models.CharField(
        _("状态"), max_length=16, choices=ProposalState.choices, default=ProposalState.DRAFT
    )
    review_note = models.CharField(_("审查意见"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="merged",
        verbose_name=_("并入"),
    )
    deadline = models.DateField(_("答复期限"), null=True, blank=True)
    rating = models.CharField(_("评价"), max_length=12, choices=Rating.choices, blank=True)
    implementation = models.CharField(
        _("落实情况"), max_length=14, choices=Implementation.choices, default=Implementation.NOT_STARTED
    )
    implementation_note = models.TextField(_("落实说明"), blank=True)
    published = models.BooleanField(_("向代表公开"), default=False)
    submitted_at = models.DateTimeField(null=True, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    assigned_at = models.DateTimeField(null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org",
        view=PROPOSAL_OFFICER_ROLES,
        change=CONGRESS_CHANGE_ROLES,
        owner_field="proposer_user",
        row_rule=proposal_rows,
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=ProposalState,
        table=PROPOSAL_TRANSITIONS,
        action="congress.proposal_state",
        refused=_("提案当前为“%(state)s”，不能办理为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("提案")
        verbose_name_plural = _("提案")
        ordering = ["-session__date", "number", "id"]
        constraints = [
            # Numbers are given at 立案; drafts and unregistered proposals have none (NULLs never collide).
            models.UniqueConstraint(fields=["session", "number"], name="congress_proposal_number_unique")
        ]
        indexes = [
            models.Index(fields=["org", "state"], name="congress_prop_org_state_idx"),
            models.Index(fields=["session", "state"], name="congress_proposal_sess_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return (
            self.state == ProposalState.ASSIGNED
            and self.deadline is not None
            and self.deadline < timezone.localdate()
        )


class Cosigner(models.Model):
    """附议人: a delegate who supports a proposal; counts only once they confirm."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="cosigners")
    delegate = models.ForeignKey(Delegate, on_delete=models.CASCADE, related_name="cosigned")
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["proposal", "delegate"], name="congress_cosigner_once")
        ]

    def __str__(self) -> str:
        return f"{self.delegate} → {self.proposal}"


class Assignment(models.Model):
    """交办: a proposal assigned to a handling department (a user with the 承办部门 role)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    department = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments"
    )
    deadline = models.DateField(_("答复期限"))
    assigned_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    reassign_requested = models.CharField(_("申请改派理由"), max_length=200, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at"]

    def __str__(self) -> str:
        return f"{self.proposal} → {self.department}"


class Answer(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="answers")
    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="answers")
    round = models.PositiveSmallIntegerField(default=1)
    body = models.TextField(_("答复内容"))
    # Served only through congress:answer_attachment (access-checked), never by MEDIA_URL.
    attachment = models.FileField(_("附件"), upload_to="congress/answers/", blank=True)
    attachment_name = models.CharField(_("附件名"), max_length=200, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(default=timezone.now)
    on_time = models.BooleanField(default=True)

    class Meta:
        ordering = ["answered_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal} #{self.round}"

    @property
    def attachment_filename(self) -> str:
        """The file name as uploaded (storage may have renamed the stored file)."""
        return self.attachment_name or posixpath.basename(self.attachment.name or "")


class RatingRecord(models.Model):
    """Each rating the proposer gave (one per answer round)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="ratings")
    round = models.PositiveSmallIntegerField(default=1)
    rating = models.CharField(max_length=12, choices=Rating.choices)
    comment = models.CharField(max_length=300, blank=True)
    rated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["rated_at", "id"]

    def __str__(self) -> str:
        return f"{self.proposal} {self.rating}"


class SuggestionCampaign(models.Model):
    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="suggestion_campaigns")
    name = models.CharField(_("活动名称"), max_length=80)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", view=CONGRESS_VIEW_ROLES, change=SUGGESTION_REVIEW_ROLES
    )

    class Meta:
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.name


class Suggestion(models.Model):
    """合理化建议: anyone in the union submits; anonymous ones hide the name from reviewers."""

    org = models.ForeignKey(Org, on_delete=models.PROTECT, related_name="suggestions")
    campaign = models.ForeignKey(
        SuggestionCampaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="suggestions"
    )
    anonymous = models.BooleanField(_("对审查人匿名"), default=False)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"))
    from_proposal = models.OneToOneField(
        Proposal, null=True, blank=True, on_delete=models.SET_NULL, related_name="converted_suggestion"
    )
    state = models.CharField(
        _("状态"), max_length=12, choices=SuggestionState.choices, default=SuggestionState.SUBMITTED
    )
    review_note = models.CharField(_("审查意见"), max_length=300, blank=True)
    benefit = models.TextField(_("效益"), blank=True)
    benefit_amount = models.DecimalField(
        _("效益金额(元)"), max_digits=12, decimal_places=2, default=Decimal("0")
    )
    reward = models.CharField(_("奖励"), max_length=200, blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    # The day it was put forward, which the figures count (a suggestion of last year entered in
    # October is last year's): set by the user, today by default, never in the future.
    submitted_on = models.DateField(_("提出日期"), default=timezone.localdate)
    reviewed_at = models.DateTimeField(null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        # Superior unions see suggestion figures (facts), not who suggested what.
        org_field="org",
        view=OFFICER_ROLES - {Role.SUPERIOR_ADMIN},
        change=SUGGESTION_REVIEW_ROLES,
        owner_field="submitter",
    )

    # The one way `state` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="state",
        choices=SuggestionState,
        table=SUGGESTION_TRANSITIONS,
        action="congress.suggestion_state",
        refused=_("建议当前为“%(state)s”，不能办理为“%(to)s”。"),
    )

    class Meta:
        verbose_name = _("合理化建议")
        verbose_name_plural = _("合理化建议")
        ordering = ["-submitted_at", "-id"]
        indexes = [
            models.Index(fields=["org", "submitted_at"], name="congress_sugg_org_at_idx"),
            models.Index(fields=["org", "submitted_on"], name="congress_sugg_org_on_idx"),
        ]

    def __str__(self) -> str:
        return self.title
