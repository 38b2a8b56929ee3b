"""The electorate (选民名单) of a poll, fixed while the poll is a draft."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members.models import Member

from ..models import (
    Poll,
    RaterGroup,
    Voter,
)
from ._common import (
    _require_draft,
)

# --- electorate -------------------------------------------------------------------------------


@service
def electorate_add(
    *, actor: User | None, poll: Poll, members: Iterable[Member], group: RaterGroup | None = None
) -> int:
    """Add members to the electorate (those already in it keep their place). Refused once open."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_draft(poll)
    if group is not None and group.poll_id != poll.pk:
        raise DomainError(_("评议人类别不属于本次测评。"))
    wanted = {m.pk: m for m in members}
    outside = [m.name for m in wanted.values() if not m.org.path.startswith(poll.org.path)]
    if outside:
        raise DomainError(_("以下人员不是本工会会员：%(names)s") % {"names": "、".join(outside[:10])})
    have = set(Voter.objects.filter(poll=poll, member_id__in=wanted).values_list("member_id", flat=True))
    new = [Voter(poll=poll, member_id=pk, group=group) for pk in wanted if pk not in have]
    Voter.objects.bulk_create(new, batch_size=500)
    if new:
        audit(action="voting.electorate_add", actor=actor, org=poll.org, obj=poll, after={"added": len(new)})
    return len(new)


@service
def voter_remove(*, actor: User | None, poll: Poll, voter: Voter) -> None:
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_draft(poll)
    if voter.poll_id != poll.pk:
        raise DomainError(_("该人员不在本次投票的名单中。"))
    voter.delete()
    audit(
        action="voting.voter_remove", actor=actor, org=poll.org, obj=poll, before={"member": voter.member_id}
    )


@service
def electorate_clear(*, actor: User | None, poll: Poll) -> int:
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_draft(poll)
    removed, _counts = Voter.objects.filter(poll=poll).delete()
    audit(action="voting.electorate_clear", actor=actor, org=poll.org, obj=poll, before={"voters": removed})
    return removed
