"""The counting rules of a poll, and the check that a union sets no looser rule for an election.

《工会基层组织选举工作条例》(REFERENCE.md §6): an election is valid only when more than two
thirds of the electorate (应到会有选举权人数) take part; a candidate is elected with the votes of
more than half of the electorate (not of the valid ballots); more ballots returned than voters
void the round. These are the defaults of every election; a union may choose a stricter rule (a
higher turnout, a higher majority), never a looser one. Evaluations, awards and simple polls keep
their own rules (a majority of the valid ballots; a turnout only where the union sets one).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.errors import DomainError

from .counting import Rules
from .enums import PollKind

# "More than two thirds" is 66.67%: the smallest whole percentage stricter than it is 67.
ELECTION_MIN_QUORUM_PERCENT = 67
ELECTION_MIN_MAJORITY_PERCENT = 50


def rules_for(poll: Any) -> Rules:
    """The rules a poll is counted by (an election never looser than the law, even if its stored
    settings predate this check)."""
    if poll.kind == PollKind.ELECTION:
        return Rules(
            majority_percent=max(poll.majority_percent, ELECTION_MIN_MAJORITY_PERCENT),
            of_electorate=True,
            quorum_percent=poll.quorum_percent if poll.quorum_percent >= ELECTION_MIN_QUORUM_PERCENT else 0,
            two_thirds=True,
        )
    return Rules(majority_percent=poll.majority_percent, quorum_percent=poll.quorum_percent)


def check_rules(poll: Any) -> None:
    """DomainError (in Chinese) for an election rule looser than the law."""
    if poll.kind != PollKind.ELECTION:
        return
    if poll.majority_percent < ELECTION_MIN_MAJORITY_PERCENT:
        raise DomainError(
            _("选举的当选票数须超过应到会有选举权人数的半数，不能低于%(p)s%%。")
            % {"p": ELECTION_MIN_MAJORITY_PERCENT}
        )
    if poll.quorum_percent and poll.quorum_percent < ELECTION_MIN_QUORUM_PERCENT:
        raise DomainError(
            _("选举须有超过应到会有选举权人数三分之二的人参加，参加比例不能低于%(p)s%%（填0按三分之二）。")
            % {"p": ELECTION_MIN_QUORUM_PERCENT}
        )


def held_on(day: dt.date | None, *, today: dt.date) -> dt.date:
    """The day a poll was held: `day` (a paper vote entered later keeps its own day, and so its
    year), today when not given; a DomainError (in Chinese) for a day after today."""
    if day is None:
        return today
    if day > today:
        raise DomainError(_("举行日期不能晚于今天。"))
    return day


def rule_text(counted: Any) -> str:
    """The rule the count was decided by, in one sentence (page and result sheet)."""
    r = counted.rules
    parts = []
    if r.two_thirds:
        parts.append(_("参加投票人数须超过应到会有选举权人数的三分之二"))
    if r.quorum_percent:
        parts.append(_("参加投票人数须超过应到人数的%(q)s%%") % {"q": r.quorum_percent})
    if r.of_electorate and counted.electorate is not None:
        parts.append(
            _("得票须超过应到会有选举权人数(%(e)s人)的%(p)s%%，即不少于%(t)s票")
            % {"e": counted.electorate, "p": r.majority_percent, "t": counted.threshold}
        )
    else:
        parts.append(
            _("得票须超过有效票的%(p)s%%，即不少于%(t)s票")
            % {"p": r.majority_percent, "t": counted.threshold}
        )
    return "；".join(parts) + "。"


def outcome_text(counted: Any) -> str:
    """Why nobody is elected when the count is not valid ("" when it is)."""
    from .counting import NO_QUORUM, VOID

    if counted.outcome == NO_QUORUM:
        return _(
            "应到会有选举权人数%(e)s人，实际参加投票%(v)s人，未达到规定的参加人数，本次投票无效，无人当选。"
        ) % {"e": counted.electorate, "v": counted.participants}
    if counted.outcome == VOID:
        return _("收回选票%(b)s张，多于投票人数%(v)s人，本次投票无效，无人当选。") % {
            "b": counted.total,
            "v": counted.participants,
        }
    return ""
