"""The count for review (计票 → 核对 → 公布).

Closing a poll counts it (`services.poll_set_state`, which decrypts and shuffles the ballots);
the officers who run the poll then read the count here and confirm it (the REVIEWED step of the
transition table, audited there) before it is published to voters. Voters, the superior union and
everyone else still see nothing until release (`services.poll_tally`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.errors import DomainError

from . import rules, services
from .enums import PollState
from .models import Ballot, Poll

COUNTED_STATES = (PollState.CLOSED, PollState.REVIEWED, PollState.RELEASED)


def poll_count(poll: Poll) -> services.Results:
    """The count of a closed poll, for the officers' review; refused while the poll is open.
    The view lets only those who may change the poll call this."""
    poll = Poll.objects.get(pk=poll.pk)
    if poll.state not in COUNTED_STATES:
        raise DomainError(_("投票结束并计票后才能核对结果。"))
    ballots = list(Ballot.objects.filter(poll=poll).values_list("rater_group_id", "choices"))
    return services.results_of(poll, ballots, services.turnout(poll))


def texts(counted: Any) -> dict[str, str]:
    """The rule and, for an invalid count, why nobody is elected (for the templates)."""
    if counted is None:
        return {"rule_text": "", "outcome_text": ""}
    return {"rule_text": rules.rule_text(counted), "outcome_text": rules.outcome_text(counted)}
