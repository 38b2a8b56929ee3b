"""Builders for the voting tests. Everything goes through `gonghui.voting.services`, so a poll
made here is what a chair would have set up, audit rows included.

    voter = voter_member(tree.school1)                       # a member with a login account
    poll = make_poll(tree.school1, voters=3)                 # 选举, 1 seat, 甲/乙/丙, draft
    poll = make_poll(tree.school1, state=PollState.OPEN)     # opened (electorate frozen)
    poll = make_poll(tree.school1, kind=PollKind.EVALUATION, options=[...], scale=ScaleKind.GRADES)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from gonghui.core.models import Org
from gonghui.members.models import Member
from gonghui.members.services import member_link_user
from gonghui.voting import services
from gonghui.voting.enums import PollKind, PollState
from gonghui.voting.models import Poll
from tests.factories import UserFactory
from tests.members.factories import MemberFactory


def voter_member(union: Org, *, account: bool = True, **kwargs: Any) -> Member:
    member = MemberFactory(union=union, **kwargs)
    if account:
        member_link_user(actor=None, member=member, user=UserFactory(name=member.name))
    return member


def make_poll(
    org: Org,
    *,
    kind: str = PollKind.ELECTION,
    title: str = "第一中学工会委员会选举",
    options: Sequence[str] = ("张三", "李四", "王五"),
    voters: int | Sequence[Member] = 3,
    state: str = PollState.DRAFT,
    option_members: Sequence[Member | None] = (),
    **settings: Any,
) -> Poll:
    if kind == PollKind.AWARD:
        settings.setdefault("award_name", "优秀工会工作者")
    poll = services.poll_create(actor=None, org=org, kind=kind, title=title, **settings)
    members = list(option_members) + [None] * (len(options) - len(option_members))
    for name, member in zip(options, members, strict=True):
        services.option_add(actor=None, poll=poll, name=name, member=member)
    electorate = [voter_member(org) for _ in range(voters)] if isinstance(voters, int) else list(voters)
    services.electorate_add(actor=None, poll=poll, members=electorate)
    return drive(poll, state)


def drive(poll: Poll, state: str) -> Poll:
    """Move a poll along draft → open → closed (counted) → reviewed → released (or cancelled) with the service."""
    path = {
        PollState.DRAFT: [],
        PollState.OPEN: [PollState.OPEN],
        PollState.CLOSED: [PollState.OPEN, PollState.CLOSED],
        PollState.REVIEWED: [PollState.OPEN, PollState.CLOSED, PollState.REVIEWED],
        PollState.RELEASED: [PollState.OPEN, PollState.CLOSED, PollState.REVIEWED, PollState.RELEASED],
        PollState.CANCELLED: [PollState.CANCELLED],
    }[PollState(state)]
    if poll.state in path:  # already part of the way
        path = path[path.index(poll.state) + 1 :]
    for step in path:
        poll = services.poll_set_state(actor=None, poll=poll, to=step)
    return poll


def electorate(poll: Poll) -> list[Member]:
    return [v.member for v in poll.voters.select_related("member", "member__user").order_by("pk")]


def option_ids(poll: Poll) -> dict[str, int]:
    return {o.name: o.pk for o in poll.options.all()}


def opened_ballots(poll: Poll) -> list[tuple[str, dict[str, Any]]]:
    """(receipt, choices) of every ballot, opened with the server's secret as closing would (a
    test's look inside the sealed ballot box of an open poll)."""
    from gonghui.voting import sealing
    from gonghui.voting.models import Ballot

    found = []
    for receipt, choices in Ballot.objects.filter(poll=poll).values_list("receipt", "choices"):
        if sealing.is_sealed(choices):
            choices, receipt = sealing.unseal(poll.pk, choices)
        found.append((receipt, choices))
    return found
