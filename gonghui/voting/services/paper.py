"""Paper ballots: printing one-time codes, the tellers' census and their counted batches."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members.models import Member

from ..enums import (
    Channel,
    PollKind,
    PollState,
)
from ..models import (
    PaperBatch,
    PaperCode,
    PaperTally,
    Participation,
    Poll,
    Voter,
)
from ._common import (
    _lock_poll_shared,
    _require_state,
)
from .codes import code_hash, random_code
from .polls import ballot_options

# --- paper ballots ----------------------------------------------------------------------------


@service
def paper_codes_issue(*, actor: User | None, poll: Poll, voters: Sequence[Voter]) -> list[str]:
    """Print one-time ballot codes (随机码) for these voters, who from then on vote with a code
    only (never online). Only the codes' hashes are kept: the returned list is shown once, in a
    random order, so a slip cannot be traced to the voter it was handed to."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_state(poll, PollState.DRAFT, message=_("纸质随机码须在投票开始前打印。"))
    chosen = [v for v in voters if v.poll_id == poll.pk and not v.paper]
    if not chosen:
        raise DomainError(_("没有需要打印随机码的选民。"))
    codes: list[str] = []
    rows = []
    for voter in chosen:
        code = random_code()
        codes.append(code)
        rows.append(PaperCode(poll=poll, code_hash=code_hash(code), group_id=voter.group_id))
    PaperCode.objects.bulk_create(rows)
    Voter.objects.filter(pk__in=[v.pk for v in chosen]).update(paper=True)
    secrets.SystemRandom().shuffle(codes)
    audit(action="voting.paper_codes", actor=actor, org=poll.org, obj=poll, after={"codes": len(codes)})
    return codes


@service
def paper_census_record(*, actor: User | None, poll: Poll, members: Iterable[Member]) -> int:
    """Tellers record who voted on a paper ballot counted by hand (the census for both channels):
    a member who already voted online, or is recorded already, is refused."""
    _lock_poll_shared(poll)
    poll.refresh_from_db(fields=["state"])
    _require_state(poll, PollState.OPEN, message=_("只有投票进行中才能登记纸质投票。"))
    members = list(members)
    voters = dict(Voter.objects.filter(poll=poll, member__in=members).values_list("member_id", "paper"))
    strangers = [m for m in members if m.pk not in voters]
    if strangers:  # never a name: the caller's list may hold anyone's member
        raise DomainError(_("有%(n)s人不在选民名单中。") % {"n": len(strangers)})
    coded = [m.name for m in members if voters[m.pk]]
    if coded:
        raise DomainError(
            _("以下人员已领取随机码，应使用随机码投票：%(names)s") % {"names": "、".join(coded[:10])}
        )
    for member in members:
        try:
            with transaction.atomic():
                Participation.objects.create(poll=poll, member=member, channel=Channel.PAPER_COUNT)
        except IntegrityError:
            raise DomainError(_("%(name)s已投票，不能重复投票。") % {"name": member.name}) from None
    audit(action="voting.paper_census", actor=actor, org=poll.org, obj=poll, after={"members": len(members)})
    return len(members)


@service
def paper_batch_enter(
    *,
    actor: User | None,
    poll: Poll,
    valid: int,
    invalid: int,
    counts: dict[int, int],
    write_ins: dict[str, int] | None = None,
) -> PaperBatch:
    """Tellers enter a counted pile of paper ballots as totals (per option, per written-in name).

    The paper ballots entered can never exceed the members recorded as having voted on paper."""
    _lock_poll_shared(poll)
    poll.refresh_from_db(fields=["state"])
    _require_state(poll, PollState.OPEN, message=_("只有投票进行中才能录入纸质选票。"))
    if poll.kind == PollKind.EVALUATION:
        raise DomainError(_("民主测评的纸质评议表请使用随机码录入。"))
    write_ins = {name.strip(): n for name, n in (write_ins or {}).items() if name.strip() and n}
    if write_ins and not poll.allow_write_in:
        raise DomainError(_("本次投票不允许另选他人。"))
    if valid < 0 or invalid < 0 or any(n < 0 for n in [*counts.values(), *write_ins.values()]):
        raise DomainError(_("票数不能为负数。"))
    options = {o.pk for o in ballot_options(poll)}
    if set(counts) - options:
        raise DomainError(_("选项不属于本次投票。"))
    if any(n > valid for n in [*counts.values(), *write_ins.values()]):
        raise DomainError(_("任一人选的得票数不能超过有效票数。"))
    if sum(counts.values()) + sum(write_ins.values()) > valid * poll.choose_max:
        raise DomainError(_("得票总数超过有效票数 × 最多可选数。"))
    recorded = Participation.objects.filter(poll=poll, channel=Channel.PAPER_COUNT).count()
    entered = PaperBatch.objects.filter(poll=poll).aggregate(v=Sum("valid"), i=Sum("invalid"))
    already = (entered["v"] or 0) + (entered["i"] or 0)
    if already + valid + invalid > recorded:
        raise DomainError(
            _("纸质选票数(%(ballots)s)超过已登记的纸质投票人数(%(recorded)s)。")
            % {"ballots": already + valid + invalid, "recorded": recorded}
        )
    batch = PaperBatch.objects.create(poll=poll, valid=valid, invalid=invalid, entered_by=actor)
    PaperTally.objects.bulk_create(
        [PaperTally(batch=batch, option_id=pk, votes=n) for pk, n in counts.items() if n]
        + [PaperTally(batch=batch, write_in=name[:60], votes=n) for name, n in write_ins.items()]
    )
    audit(action="voting.paper_batch", actor=actor, org=poll.org, obj=poll,
          after={"valid": valid, "invalid": invalid})  # fmt: skip
    return batch
