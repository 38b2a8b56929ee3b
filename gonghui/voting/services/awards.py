"""Awards (评优) after the vote: the public notice (公示) and the final result."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service

from ..enums import (
    PollKind,
)
from ..models import (
    Poll,
)
from ._common import (
    _require_released,
)
from .results import poll_tally

# --- awards and the public notice (公示) ------------------------------------------------------


@service
def award_publish_notice(*, actor: User | None, poll: Poll, days: int = 5) -> Any:
    """Put an award's released result on public notice (公示) through core.publicity (the notices
    app's board)."""
    from gonghui.core import publicity

    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    if poll.kind != PollKind.AWARD:
        raise DomainError(_("只有评优结果需要公示。"))
    _require_released(poll)
    if poll.notice_id is not None:
        raise DomainError(_("该评优结果已经公示。"))
    elected = poll_tally(poll).counted.elected  # type: ignore[union-attr]
    winners = [row.name for row in elected]
    option_ids = [int(row.key[1:]) for row in elected if row.key.startswith("o")]
    chosen = poll.options.filter(pk__in=option_ids, member__isnull=False).select_related("member__org")
    people = [o.member for o in chosen if o.member is not None]  # told when the notice is published
    if not winners:
        raise DomainError(_("没有当选人选，无需公示。"))
    body = _("经推荐、资格审查和投票，拟评选以下同志为“%(award)s”(%(level)s)：%(names)s。公示期间如有异议，请向工会反映。") % {
        "award": poll.award_name, "level": poll.get_award_level_display(), "names": "、".join(winners),
    }  # fmt: skip
    title = _("关于“%(award)s”评选结果的公示") % {"award": poll.award_name}
    notice = publicity.publish(
        actor=actor,
        org=poll.org,
        subject=poll,
        kind="award",
        title=title,
        body=body,
        days=days,
        people=people,
    )
    poll.notice_id = notice.pk
    poll.save(update_fields=["notice_id"])
    audit(action="voting.award_notice", actor=actor, org=poll.org, obj=poll, after={"notice": notice.pk})
    return notice


@service
def award_finalize(*, poll: Poll, notice: Any) -> Poll:
    """The 公示 ended with every objection resolved: the award's result becomes final (表彰)."""
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    is_final = getattr(notice, "is_final", False)
    if poll.notice_id != getattr(notice, "pk", None) or not (is_final() if callable(is_final) else is_final):
        return poll
    if not poll.award_final:
        poll.award_final = True
        poll.save(update_fields=["award_final"])
        audit(action="voting.award_final", actor=None, org=poll.org, obj=poll, after={"notice": notice.pk})
    return poll


def on_notice_finalized(sender: Any, notice: Any, **kwargs: Any) -> None:
    """Receiver of notices.signals.notice_finalized: hands over to the service (no logic here)."""
    poll = Poll.objects.filter(notice_id=notice.pk, kind=PollKind.AWARD).first()
    if poll is not None:
        award_finalize(poll=poll, notice=notice)
