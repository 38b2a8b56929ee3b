"""Polls: creating, changing a draft, and moving along the lifecycle (open, close, release)."""

from __future__ import annotations

import datetime as dt
import math
import secrets
from functools import partial
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.enums import GRASSROOTS_KINDS
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service

from .. import notify, rules, sealing
from ..enums import (
    DEFAULT_DIMENSIONS,
    Eligibility,
    PollKind,
    PollState,
    ScaleKind,
)
from ..models import (
    Ballot,
    Dimension,
    Option,
    PaperBatch,
    Poll,
)
from ._common import (
    _lock_poll_exclusive,
    _require_draft,
)
from .options import dimensions_set

# The settings of a poll the chair may change while it is a draft.
POLL_SETTINGS = (
    "title", "description", "opens_at", "closes_at", "choose_max", "allow_write_in", "diff_ratio",
    "majority_percent", "quorum_percent", "min_respondents", "scale", "drop_extremes", "award_name", "award_level",
)  # fmt: skip


# --- polls ------------------------------------------------------------------------------------


def _check_poll(poll: Poll) -> None:
    if poll.choose_max < 1:
        raise DomainError(_("应选人数/最多可选数至少为1。"))
    if poll.opens_at and poll.closes_at and poll.closes_at <= poll.opens_at:
        raise DomainError(_("结束时间须晚于开始时间。"))
    if poll.kind == PollKind.AWARD and not poll.award_name:
        raise DomainError(_("评优须填写奖项名称。"))
    rules.check_rules(poll)


@service
def poll_create(*, actor: User | None, org: Org, kind: str, title: str, **fields: Any) -> Poll:
    if org.kind not in GRASSROOTS_KINDS:
        raise DomainError(_("选举、测评和评优由基层工会组织。"))
    unknown = set(fields) - set(POLL_SETTINGS)
    if unknown:
        raise ValueError(f"poll_create cannot set {sorted(unknown)}")
    poll = Poll(org=org, kind=kind, title=title, created_by=actor, **fields)
    if kind == PollKind.AWARD and not poll.award_level:
        poll.award_level = "school"
    _check_poll(poll)
    poll.full_clean()
    poll.save()
    if kind == PollKind.EVALUATION and poll.scale == ScaleKind.DIMENSIONS:
        Dimension.objects.bulk_create(
            Dimension(poll=poll, order=i, name=name, max_score=top)
            for i, (name, top) in enumerate(DEFAULT_DIMENSIONS, 1)
        )
    audit(action="voting.poll_create", actor=actor, org=org, obj=poll, after={"kind": kind, "title": title})
    return poll


@service
def poll_update(*, actor: User | None, poll: Poll, **fields: Any) -> Poll:
    unknown = set(fields) - set(POLL_SETTINGS)
    if unknown:
        raise ValueError(f"poll_update cannot change {sorted(unknown)}")
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_draft(poll)
    names = list(fields)
    before = snapshot(poll, names)
    for name, value in fields.items():
        setattr(poll, name, value)
    _check_poll(poll)
    poll.full_clean()
    old, new = changed(before, snapshot(poll, names))
    if new:  # an unchanged form writes nothing
        poll.save(update_fields=names)
        audit(action="voting.poll_update", actor=actor, org=poll.org, obj=poll, before=old, after=new)
    if (
        poll.kind == PollKind.EVALUATION
        and poll.scale == ScaleKind.DIMENSIONS
        and not poll.dimensions.exists()
    ):
        dimensions_set(actor=actor, poll=poll, dimensions=DEFAULT_DIMENSIONS)
    return poll


def ballot_options(poll: Poll) -> list[Option]:
    """The options on the ballot (award nominees only once found eligible)."""
    return [o for o in poll.options.all() if o.on_ballot]


def required_candidates(poll: Poll) -> int:
    """差额选举: candidates needed for the seats, seats × (1 + ratio%), rounded up, more than seats."""
    if poll.diff_ratio == 0:
        return poll.choose_max
    return max(math.ceil(poll.choose_max * (100 + poll.diff_ratio) / 100), poll.choose_max + 1)


def _check_can_open(poll: Poll) -> None:
    options = ballot_options(poll)
    if poll.kind == PollKind.AWARD and poll.options.filter(eligibility=Eligibility.PENDING).exists():
        raise DomainError(_("尚有推荐人选未经资格审查。"))
    if poll.kind == PollKind.SIMPLE and len(options) < 2:
        raise DomainError(_("投票至少需要两个选项。"))
    if not options:
        raise DomainError(_("尚未添加候选人/被测评人/选项。"))
    if poll.kind == PollKind.ELECTION and len(options) < required_candidates(poll):
        raise DomainError(
            _("差额选举：应选%(seats)s人，候选人至少应有%(needed)s人（差额比例%(ratio)s%%），现有%(have)s人。")
            % {"seats": poll.choose_max, "needed": required_candidates(poll), "ratio": poll.diff_ratio,
               "have": len(options)}
        )  # fmt: skip
    if poll.kind == PollKind.AWARD and len(options) < poll.choose_max:
        raise DomainError(_("符合条件的人选少于名额。"))
    if (
        poll.kind == PollKind.EVALUATION
        and poll.scale == ScaleKind.DIMENSIONS
        and not poll.dimensions.exists()
    ):
        raise DomainError(_("尚未设置评议项目。"))
    if not poll.voters.exists():
        raise DomainError(_("尚未确定选民(评议人)名单。"))


@service
def poll_set_state(*, actor: User | None, poll: Poll, to: str, held_on: dt.date | None = None) -> Poll:
    """Move a poll along its lifecycle: open (freezes the electorate), close (counts and shuffles
    the ballots under an exclusive lock; `held_on`, default today and never later, is the day the
    poll was held, which the figures count by), release (results become visible), cancel a draft."""
    _lock_poll_exclusive(poll)
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if to not in PollState.values:
        raise DomainError(_("无法识别的投票状态。"))
    Poll.states.check(poll.state, to)
    fields: dict[str, Any] = {}
    after: dict[str, Any] = {}
    if to == PollState.OPEN:
        _check_can_open(poll)
        transaction.on_commit(partial(notify.poll_opened, poll.pk))  # voters are told (in-app)
    elif to == PollState.CLOSED:
        fields["held_on"] = rules.held_on(held_on, today=timezone.localdate())
        fields["ballots_at_close"] = ballots_counted(poll)
        shuffle_ballots(poll)
        after |= {"ballots": fields["ballots_at_close"], "held_on": fields["held_on"].isoformat()}
    Poll.states.move(poll, to=to, actor=actor, org=poll.org, fields=fields, after=after)
    return poll


def ballots_counted(poll: Poll) -> int:
    """Electronic ballots plus paper ballots entered by the tellers (valid and invalid)."""
    paper = PaperBatch.objects.filter(poll=poll).aggregate(v=Sum("valid"), i=Sum("invalid"))
    return Ballot.objects.filter(poll=poll).count() + (paper["v"] or 0) + (paper["i"] or 0)


@service(audited_elsewhere="part of closing a poll, which poll_set_state audits")
def shuffle_ballots(poll: Poll) -> int:
    """Unseal the poll's ballots (voting.sealing) and rewrite them in a random order (OS
    randomness), inside the caller's transaction: afterwards choices and receipts are readable and
    the heap (PostgreSQL) or rowid (SQLite) order is a random permutation, independent of the
    order in which the ballots were cast. Keys are unchanged."""
    rows = []
    for pk, group, receipt, choices in Ballot.objects.filter(poll=poll).values_list(
        "id", "rater_group_id", "receipt", "choices"
    ):
        if sealing.is_sealed(choices):
            choices, receipt = sealing.unseal(poll.pk, choices)
        rows.append((pk, group, receipt, choices))
    secrets.SystemRandom().shuffle(rows)
    doomed = Ballot.objects.filter(poll=poll)
    doomed._raw_delete(doomed.db)
    Ballot.objects.bulk_create(
        [Ballot(id=pk, poll=poll, rater_group_id=group, receipt=receipt, choices=choices)
         for pk, group, receipt, choices in rows],
        batch_size=500,
    )  # fmt: skip
    return len(rows)
