"""Demo voting data: for each school union a released committee election, a released democratic
evaluation, an open simple poll (最满意教师) and a released award selection put on 公示. Built
through the services (the same rules and audit trail as real use), with small electorates of
members who have accounts, so `gonghui demo` stays fast."""

from __future__ import annotations

import logging
from typing import Any

from gonghui.members.models import Member
from gonghui.members.queries import members_in

from . import services
from .enums import AwardLevel, Grade, PollKind, PollState, ScaleKind

log = logging.getLogger(__name__)
VOTERS = 12


def _release(poll: Any) -> Any:
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)


def _poll(school: Any, kind: str, title: str, names: list[str], voters: list[Member], **settings: Any) -> Any:
    poll = services.poll_create(actor=None, org=school, kind=kind, title=title, **settings)
    for name in names:
        services.option_add(actor=None, poll=poll, name=name)
    services.electorate_add(actor=None, poll=poll, members=voters)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)


def add_voting(context: dict[str, Any]) -> None:
    rng = context["rng"]
    persona = Member.objects.filter(user__username="member").first()
    for school in context["schools"]:
        members = list(members_in(school).filter(status="active").select_related("org").order_by("pk")[:40])
        voters = [m for m in members if m.user_id][:VOTERS]
        if len(voters) < 6 or len(members) < 8:
            continue
        names = [m.name for m in members[-6:]]
        election = _poll(
            school, PollKind.ELECTION, "工会委员会换届选举", names[:4], voters, choose_max=3, diff_ratio=20
        )
        options = [o.pk for o in services.ballot_options(election)]
        for member in voters[: len(voters) - 1]:
            services.ballot_cast(poll=election, member=member, choices={"selected": rng.sample(options, 3)})
        _release(election)

        evaluation = _poll(school, PollKind.EVALUATION, "中层干部民主测评", names[4:6], voters,
                           scale=ScaleKind.GRADES, min_respondents=5)  # fmt: skip
        people = [o.pk for o in services.ballot_options(evaluation)]
        for member in voters:
            grades = rng.choices(Grade.values, weights=[6, 3, 1, 0.2], k=len(people))
            services.ballot_cast(poll=evaluation, member=member,
                                 choices={"grades": {str(p): g for p, g in zip(people, grades, strict=True)}})  # fmt: skip
        _release(evaluation)

        award = _poll(school, PollKind.AWARD, "师德标兵评选", names[:3], voters, award_name="师德标兵",
                      award_level=AwardLevel.SCHOOL, choose_max=1)  # fmt: skip
        nominees = [o.pk for o in services.ballot_options(award)]
        for member in voters:
            services.ballot_cast(poll=award, member=member, choices={"selected": [nominees[0]]})
        _release(award)
        try:
            services.award_publish_notice(actor=None, poll=award)
        except ImportError:  # the notices app is not installed
            log.info("notices app missing: demo award not put on 公示")

        simple_voters = voters + (
            [persona] if persona is not None and persona.org.path.startswith(school.path) else []
        )
        _poll(school, PollKind.SIMPLE, "“最满意教师”投票", names[:4], simple_voters, choose_max=2)
