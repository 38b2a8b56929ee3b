"""Writes of rationalisation suggestions (合理化建议) and their campaigns (征集活动)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service

from ..enums import (
    SuggestionState,
)
from ..models import (
    Suggestion,
    SuggestionCampaign,
)
from ..suggestion_queries import member_unions

# --- suggestions ----------------------------------------------------------------------------


@service
def suggestion_submit(
    *,
    actor: User | None,
    org: Org,
    title: str,
    body: str,
    anonymous: bool = False,
    campaign: SuggestionCampaign | None = None,
    submitted_on: dt.date | None = None,
) -> Suggestion:
    """Anyone with a role in the union (or in one of its union groups) submits, named or anonymous.
    `submitted_on` is the day it was put forward (today by default; one entered late keeps its
    own day, and so its statistical year), never in the future."""
    if actor is None or not member_unions(actor).filter(pk=org.pk).exists():
        raise DomainError(_("只有本工会的会员可以向本工会提出合理化建议。"))
    day = submitted_on or timezone.localdate()
    if day > timezone.localdate():
        raise DomainError(_("提出日期不能晚于今天。"))
    if campaign is not None and campaign.org_id != org.pk:
        raise DomainError(_("该征集活动不属于本工会。"))
    if campaign is not None and not (campaign.start <= day <= campaign.end):
        raise DomainError(_("该征集活动不在进行中。"))
    suggestion = Suggestion(
        org=org, campaign=campaign, submitter=actor, anonymous=anonymous, title=title, body=body,
        submitted_on=day,
    )  # fmt: skip
    suggestion.full_clean(exclude=["submitter"])
    suggestion.save()
    audit(action="congress.suggestion_submit", actor=None if anonymous else actor, org=org, obj=suggestion)
    return suggestion


@service
def suggestion_set_state(*, suggestion: Suggestion, actor: User | None, to: str, **after: Any) -> None:
    Suggestion.states.move(suggestion, to=to, actor=actor, org=suggestion.org, after=after)


@service
def suggestion_review(*, actor: User, suggestion: Suggestion, adopt: bool, note: str = "") -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if suggestion.submitter_id == actor.pk:
        raise DomainError(_("不能审查自己提出的建议。"))
    if not adopt and not note.strip():
        raise DomainError(_("不采纳时须写明理由。"))
    suggestion_set_state(suggestion=suggestion, actor=actor,
                         to=SuggestionState.ADOPTED if adopt else SuggestionState.REJECTED)  # fmt: skip
    suggestion.review_note, suggestion.reviewed_at = note, timezone.now()
    suggestion.save(update_fields=["review_note", "reviewed_at"])
    return suggestion


@service
def suggestion_implement(
    *, actor: User | None, suggestion: Suggestion, benefit: str, amount: Decimal = Decimal("0")
) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if actor is not None and suggestion.submitter_id == actor.pk:
        raise DomainError(_("不能为自己提出的建议登记实施情况。"))
    suggestion_set_state(suggestion=suggestion, actor=actor, to=SuggestionState.IMPLEMENTED)
    suggestion.benefit, suggestion.benefit_amount = benefit, amount.quantize(Decimal("0.01"))
    suggestion.save(update_fields=["benefit", "benefit_amount"])
    return suggestion


@service
def suggestion_reward(*, actor: User | None, suggestion: Suggestion, reward: str) -> Suggestion:
    suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
    if actor is not None and suggestion.submitter_id == actor.pk:
        raise DomainError(_("不能奖励自己提出的建议。"))
    suggestion_set_state(suggestion=suggestion, actor=actor, to=SuggestionState.REWARDED)
    suggestion.reward = reward
    suggestion.save(update_fields=["reward"])
    return suggestion


@service
def campaign_create(
    *, actor: User | None, org: Org, name: str, start: dt.date, end: dt.date
) -> SuggestionCampaign:
    """A suggestion campaign (合理化建议征集活动) with a start and an end."""
    if end < start:
        raise DomainError(_("结束日期不能早于开始日期。"))
    campaign = SuggestionCampaign(org=org, name=name, start=start, end=end)
    campaign.full_clean()
    campaign.save()
    audit(action="congress.campaign_create", actor=actor, org=org, obj=campaign,
          after={"name": name, "start": start.isoformat(), "end": end.isoformat()})  # fmt: skip
    return campaign
