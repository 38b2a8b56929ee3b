"""A known year of records in 第一中学 (members, congress, voting, care), for the summary tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gonghui.care.enums import Occasion, VisitState
from gonghui.congress.enums import ProposalState, SessionStatus
from gonghui.members.enums import MemberStatus
from gonghui.voting import services as voting
from gonghui.voting.enums import PollKind, PollState
from tests.care.visit_factories import make_visit, set_condolence_standards
from tests.congress.factories import ProposalFactory, SessionFactory, TermFactory
from tests.members.factories import MemberFactory
from tests.voting.factories import electorate, make_poll, option_ids


def known_year(union: Any, approver: Any, *, day: dt.date | None = None) -> dict[str, Any]:
    """Two 春节 visits of 500 元, one 住院 visit of 300 元 (+ 水果 100 元); a session with two
    proposals (one answered); an award poll won by 张三 with 2 of 2 voting."""
    day = day or dt.date.today()
    retirees = [
        MemberFactory(union=union, female=True, status=MemberStatus.RETIRED, join_date=dt.date(1990, 9, 1)),
        MemberFactory(union=union, status=MemberStatus.RETIRED, join_date=dt.date(1992, 9, 1)),
    ]
    set_condolence_standards(union)
    make_visit(union, retirees, occasion=Occasion.SPRING_FESTIVAL, amount="500", visited_on=day,
               state=VisitState.RECORDED, approver=approver)  # fmt: skip
    make_visit(union, retirees[:1], occasion=Occasion.HOSPITAL, amount="300", visited_on=day,
               state=VisitState.RECORDED, approver=approver, gift="水果", gift_value="100")  # fmt: skip
    session = SessionFactory(term=TermFactory(org=union), status=SessionStatus.IN_SESSION, date=day)
    ProposalFactory(session=session, state=ProposalState.ANSWERED)
    ProposalFactory(session=session, state=ProposalState.REGISTERED)
    poll = make_poll(union, kind=PollKind.AWARD, title="优秀工会工作者评选", options=["张三", "李四"], voters=2,
                     state=PollState.OPEN, award_name="优秀工会工作者")  # fmt: skip
    for voter in electorate(poll):
        voting.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["张三"]]})
    voting.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    voting.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    voting.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)
    return {"session": session, "poll": poll}
