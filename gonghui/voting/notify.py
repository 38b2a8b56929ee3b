"""Voters are told: opening a poll sends each voter with an account an in-app message (through
core's notification service), and their home page shows a "待投票" to-do (core.todos) until they
have voted or the poll has closed."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.core.services import notification_send
from gonghui.core.todos import Todo

from . import queries
from .models import Poll, Voter


def poll_opened(poll_id: int) -> int:
    """Message every voter of a poll that has just opened (run after the opening commits)."""
    poll = Poll.objects.select_related("org").get(pk=poll_id)
    voters = Voter.objects.filter(poll=poll, member__user__isnull=False).select_related("member__user")
    users = list({v.member.user.pk: v.member.user for v in voters if v.member.user is not None}.values())
    if not users:
        return 0
    when = (
        _("投票截止时间：%(end)s。") % {"end": poll.closes_at.strftime("%Y-%m-%d %H:%M")}
        if poll.closes_at
        else ""
    )
    sent = notification_send(
        users=users,
        title=_("请参加投票：%(title)s") % {"title": poll.title},
        body=_("%(org)s的“%(title)s”已开始，您在选民名单中。") % {"org": poll.org.name, "title": poll.title}
        + when,
        url=reverse("voting:vote", args=[poll.pk]),
        org=poll.org,
    )
    return len(sent)


def pending_votes(user: Any, scope: Any) -> list[Todo]:
    """The home page's 待投票 card: open polls of the user's electorate they have not voted in."""
    waiting = [poll for poll, voted in queries.my_open_polls(user) if not voted]
    if not waiting:
        return []
    url = reverse("voting:vote", args=[waiting[0].pk]) if len(waiting) == 1 else reverse("voting:home")
    label = _("待投票：%(title)s") % {"title": waiting[0].title} if len(waiting) == 1 else _("待投票")
    return [Todo(label, len(waiting), url, level="danger")]
