"""Factories for the congress app.

Each factory goes through the app's services (`term_create`, `session_create`, `delegate_elect`,
`proposal_create`, `suggestion_submit`), so what it makes is what a union would have recorded,
audit rows included. Tests that count audit rows filter by action.

    term = TermFactory(org=tree.school1)                           # 第六届, 2 co-signers needed
    session = SessionFactory(term=term, status=SessionStatus.IN_SESSION)   # Party-approved, open
    delegate = DelegateFactory(term=term)                          # with a login account
    delegate = DelegateFactory(term=term, user=None)               # without one
    proposal = ProposalFactory(session=session, state=ProposalState.ASSIGNED, departments=[dept])
    suggestion = SuggestionFactory(org=tree.school1, state=SuggestionState.ADOPTED)

`state=` drives a proposal or suggestion along the happy path with the services, one step at a
time (see `drive`); nothing is written to a state field directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gonghui.congress import services
from gonghui.congress.enums import (
    CongressKind,
    Implementation,
    ProposalCategory,
    ProposalState,
    Rating,
    SessionStatus,
    SuggestionState,
)
from gonghui.congress.models import (
    CongressSession,
    CongressTerm,
    Delegate,
    Proposal,
    Suggestion,
    SuggestionCampaign,
)
from gonghui.core.enums import Role
from gonghui.core.models import Org, User
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory


def today() -> dt.date:
    return timezone.localdate()


def department_user(org: Org, name: str = "总务处") -> User:
    """A handling department (承办部门): a login account with the department role at `org`."""
    user = UserFactory(name=name)
    RoleAssignmentFactory(user=user, org=org, role=Role.DEPARTMENT)
    return user


class TermFactory(DjangoModelFactory):
    class Meta:
        model = CongressTerm

    org = factory.SubFactory(OrgFactory)
    number = 6
    kind = CongressKind.STAFF
    start = factory.LazyFunction(lambda: today() - dt.timedelta(days=400))
    cosigners_required = 2

    @classmethod
    def _create(cls, model_class: type[CongressTerm], *args: Any, **kwargs: Any) -> CongressTerm:
        return services.term_create(actor=kwargs.pop("actor", None), **kwargs)


class SessionFactory(DjangoModelFactory):
    """A session; `status=` IN_SESSION or CLOSED records the Party approval and opens (and closes) it."""

    class Meta:
        model = CongressSession

    term = factory.SubFactory(TermFactory)
    date = factory.LazyFunction(today)
    place = "学校报告厅"
    status = SessionStatus.PREPARING

    @classmethod
    def _create(cls, model_class: type[CongressSession], *args: Any, **kwargs: Any) -> CongressSession:
        status = kwargs.pop("status")
        actor = kwargs.pop("actor", None)
        session = services.session_create(actor=actor, **kwargs)
        if status in (SessionStatus.IN_SESSION, SessionStatus.CLOSED):
            services.session_record_party_approval(
                actor=actor, session=session, on=session.date - dt.timedelta(days=7), note="同意"
            )
            session = services.session_set_state(actor=actor, session=session, to=SessionStatus.IN_SESSION)
        if status == SessionStatus.CLOSED:
            session = services.session_set_state(actor=actor, session=session, to=SessionStatus.CLOSED)
        return session


class DelegateFactory(DjangoModelFactory):
    """A member of the term's union elected as delegate; `user=None` for one without an account.

    Extra keyword arguments (`is_party=True`, …) are the composition flags.
    """

    class Meta:
        model = Delegate

    term = factory.SubFactory(TermFactory)
    member = factory.LazyAttribute(lambda o: MemberFactory(union=o.term.org))
    user = factory.LazyAttribute(lambda o: UserFactory(name=o.member.name))
    replaces = None

    @classmethod
    def _create(cls, model_class: type[Delegate], *args: Any, **kwargs: Any) -> Delegate:
        term, member, user = kwargs.pop("term"), kwargs.pop("member"), kwargs.pop("user")
        actor, replaces = kwargs.pop("actor", None), kwargs.pop("replaces")
        if user is not None:
            member.user = user
            member.save(update_fields=["user"])
        return services.delegate_elect(actor=actor, term=term, member=member, flags=kwargs, replaces=replaces)


# The happy path of a proposal, in order; `drive` walks it with the services.
HAPPY_PATH = [
    ProposalState.DRAFT,
    ProposalState.SUBMITTED,
    ProposalState.REGISTERED,
    ProposalState.ASSIGNED,
    ProposalState.ANSWERED,
    ProposalState.RATED,
    ProposalState.IMPLEMENTING,
    ProposalState.CLOSED,
]


def reload(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_related("session__term", "proposer").get(pk=proposal.pk)


def answer_all(proposal: Proposal, body: str = "已按提案意见研究落实。") -> Proposal:
    """Every active, not yet answered department answers."""
    for assignment in proposal.assignments.filter(active=True, answered_at__isnull=True).select_related(
        "department"
    ):
        services.proposal_answer(actor=assignment.department, proposal=proposal, body=body)
    return reload(proposal)


def drive(
    proposal: Proposal,
    to: str,
    *,
    committee: User | None = None,
    departments: Iterable[User] = (),
    deadline: dt.date | None = None,
    rating: str = Rating.SATISFIED,
) -> Proposal:
    """Move `proposal` forward along HAPPY_PATH until it is in state `to`, with the services."""
    departments = list(departments)
    target = HAPPY_PATH.index(to)
    proposal = reload(proposal)
    while HAPPY_PATH.index(proposal.state) < target:
        step = HAPPY_PATH[HAPPY_PATH.index(proposal.state) + 1]
        if step == ProposalState.SUBMITTED:
            for cosigner in proposal.cosigners.select_related("delegate"):
                services.cosigner_confirm(
                    actor=cosigner.delegate.user, proposal=proposal, delegate=cosigner.delegate
                )
            services.proposal_submit(actor=proposal.proposer_user, proposal=proposal)
        elif step == ProposalState.REGISTERED:
            services.proposal_review(actor=committee, proposal=proposal, decision=ProposalState.REGISTERED)
        elif step == ProposalState.ASSIGNED:
            if not departments:
                departments = [department_user(proposal.org)]
            services.proposal_assign(
                actor=committee,
                proposal=proposal,
                departments=departments,
                deadline=deadline or today() + dt.timedelta(days=30),
            )
        elif step == ProposalState.ANSWERED:
            answer_all(proposal)
        elif step == ProposalState.RATED:
            services.proposal_rate(actor=proposal.proposer_user, proposal=proposal, rating=rating)
        elif step == ProposalState.IMPLEMENTING:
            services.proposal_implement(
                actor=committee, proposal=proposal, status=Implementation.IN_PROGRESS, note="已列入计划"
            )
        elif step == ProposalState.CLOSED:
            services.proposal_implement(
                actor=committee, proposal=proposal, status=Implementation.DONE, note="已落实"
            )
        proposal = reload(proposal)
    return proposal


class ProposalFactory(DjangoModelFactory):
    """A proposal drafted by a delegate of the session's term with `cosigners_required` co-signers.

    `state=` walks it along the happy path (`drive`), with `committee`, `departments`,
    `deadline` and `rating` used on the way.
    """

    class Meta:
        model = Proposal

    session = factory.SubFactory(SessionFactory, status=SessionStatus.IN_SESSION)
    proposer = factory.LazyAttribute(lambda o: DelegateFactory(term=o.session.term))
    title = factory.Sequence(lambda n: f"关于改善教师办公条件的提案({n})")
    category = ProposalCategory.LOGISTICS
    reason = "教师办公室夏季温度过高，影响备课。"
    measures = "为各办公室加装空调，并由总务处统一维护。"
    cosigners = factory.LazyAttribute(
        lambda o: [DelegateFactory(term=o.session.term) for _ in range(o.session.term.cosigners_required)]
    )
    state = ProposalState.DRAFT
    committee = None
    departments: Any = ()
    deadline = None
    rating = Rating.SATISFIED

    @classmethod
    def _create(cls, model_class: type[Proposal], *args: Any, **kwargs: Any) -> Proposal:
        state = kwargs.pop("state")
        options = {key: kwargs.pop(key) for key in ("committee", "departments", "deadline", "rating")}
        proposal = services.proposal_create(actor=kwargs.pop("actor", None), **kwargs)
        return drive(proposal, state, **options)


class CampaignFactory(DjangoModelFactory):
    """A suggestion campaign (征集活动) running from ten days ago to twenty days ahead."""

    class Meta:
        model = SuggestionCampaign

    org = factory.SubFactory(OrgFactory)
    name = "“我为学校发展献一策”合理化建议征集"
    start = factory.LazyFunction(lambda: today() - dt.timedelta(days=10))
    end = factory.LazyFunction(lambda: today() + dt.timedelta(days=20))


SUGGESTION_PATH = [
    SuggestionState.SUBMITTED,
    SuggestionState.ADOPTED,
    SuggestionState.IMPLEMENTED,
    SuggestionState.REWARDED,
]


def union_member(org: Org) -> User:
    """A login account holding the member role (会员) at `org`: someone who may submit suggestions."""
    user = UserFactory()
    RoleAssignmentFactory(user=user, org=org, role=Role.MEMBER, this_org_only=True)
    return user


class SuggestionFactory(DjangoModelFactory):
    """A suggestion submitted by `submitter` (by default a member of `org`); `state=` reviews
    (with `reviewer`), implements, rewards."""

    class Meta:
        model = Suggestion

    org = factory.SubFactory(OrgFactory)
    submitter = factory.LazyAttribute(lambda o: union_member(o.org))
    title = factory.Sequence(lambda n: f"食堂错峰就餐的建议({n})")
    body = "建议按年级错峰就餐，减少排队时间。"
    anonymous = False
    campaign = None
    state = SuggestionState.SUBMITTED
    reviewer = None

    @classmethod
    def _create(cls, model_class: type[Suggestion], *args: Any, **kwargs: Any) -> Suggestion:
        state, reviewer = kwargs.pop("state"), kwargs.pop("reviewer")
        suggestion = services.suggestion_submit(actor=kwargs.pop("submitter"), **kwargs)
        if state == SuggestionState.SUBMITTED:
            return suggestion
        reviewer = reviewer or UserFactory(name="审查人")
        if state == SuggestionState.REJECTED:
            return services.suggestion_review(
                actor=reviewer, suggestion=suggestion, adopt=False, note="学校暂不具备条件。"
            )
        suggestion = services.suggestion_review(actor=reviewer, suggestion=suggestion, adopt=True)
        if SUGGESTION_PATH.index(state) >= SUGGESTION_PATH.index(SuggestionState.IMPLEMENTED):
            suggestion = services.suggestion_implement(
                actor=reviewer, suggestion=suggestion, benefit="每天节约排队时间约10分钟"
            )
        if state == SuggestionState.REWARDED:
            suggestion = services.suggestion_reward(actor=reviewer, suggestion=suggestion, reward="通报表扬")
        return suggestion
