"""Writes of donation drives (捐款) and health work (体检 · 妇检 · 疗休养): keyword-only, atomic,
audited (DESIGN.md §4). Money leaves through the ledger (`services.ledger_record`): a drive's
payout to a member is sourced by its `DonationUse`, a trip's cost by the `RecuperationTrip`; each
source is paid once (partial UNIQUE on LedgerEntry).

    campaign_create / campaign_open / campaign_close
    donation_add, donation_import_apply (the rows of care.donation_imports)
    donation_use_add
    health_campaign_create, health_attend
    trip_create
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import may
from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.writes import service
from gonghui.members.enums import MemberStatus, Sex
from gonghui.members.models import Member
from gonghui.members.queries import members_in

from . import rules
from .dates import not_future, paid_by_today
from .enums import (
    CampaignKind,
    CampaignState,
    HealthKind,
    LedgerKind,
    PaymentMethod,
    SpendingCategory,
)
from .models import (
    CENT,
    ZERO,
    Donation,
    DonationCampaign,
    DonationUse,
    HealthAttendance,
    HealthCampaign,
    RecuperationTrip,
    fen_sum,
    from_fen,
)
from .services import ledger_record

# "Current members" for the asked and eligible lists: members in service (在会).
CURRENT = (MemberStatus.ACTIVE,)


def _require(actor: User | None, org: Org, message: str) -> None:
    if actor is not None and not may(actor, rules.CAMPAIGN_CHANGE, org):
        raise DomainError(message)


def _money(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as error:
        raise DomainError(_("金额格式不正确。")) from error
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise DomainError(_("金额最多保留两位小数(到分)。"))
    if amount <= ZERO:
        raise DomainError(_("金额必须大于零。"))
    return amount.quantize(CENT)


def _in_union(member: Member, union: Org) -> bool:
    return member.org.path.startswith(union.path)


def _current_members(org: Org) -> QuerySet[Member]:
    return members_in(org).filter(status__in=CURRENT)


# --- donation drives ---------------------------------------------------------------------------


def collected(campaign: DonationCampaign) -> Decimal:
    return from_fen(campaign.donations.aggregate(total=fen_sum())["total"])


def used(campaign: DonationCampaign) -> Decimal:
    return from_fen(campaign.uses.aggregate(total=fen_sum())["total"])


@service
def campaign_create(
    *,
    actor: User | None,
    org: Org,
    kind: str,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    beneficiary: Member | None = None,
    asked_org: Org | None = None,
    description: str = "",
) -> DonationCampaign:
    """A drive in draft. `asked_org` is the union (default) or one of its groups: its current
    members are asked when the drive opens."""
    _require(actor, org, _("您无权在该工会发起捐款活动。"))
    asked_org = asked_org or org
    if not asked_org.path.startswith(org.path):
        raise DomainError(_("倡议范围必须是本工会或其工会小组。"))
    if kind not in CampaignKind.values:
        raise DomainError(_("请选择捐款类别。"))
    if kind == CampaignKind.LOVE and beneficiary is None:
        raise DomainError(_("爱心捐款请选择受捐会员。"))
    if beneficiary is not None and not _in_union(beneficiary, org):
        raise DomainError(_("受捐会员必须是本工会会员。"))
    if ends_on < starts_on:
        raise DomainError(_("截止日期不能早于开始日期。"))
    if not (title or "").strip():
        raise DomainError(_("请填写活动名称。"))
    campaign = DonationCampaign.objects.create(
        org=org, kind=kind, title=title.strip()[:100], starts_on=starts_on, ends_on=ends_on,
        beneficiary=beneficiary, asked_org=asked_org, description=description, created_by=actor,
    )  # fmt: skip
    audit(action="care.campaign_create", actor=actor, org=org, obj=campaign,
          after={"kind": kind, "title": campaign.title, "asked_org": asked_org.pk})  # fmt: skip
    return campaign


def _locked_campaign(campaign: DonationCampaign) -> DonationCampaign:
    return DonationCampaign.objects.select_for_update(of=("self",)).select_related("org").get(pk=campaign.pk)


@service
def campaign_set_state(*, campaign: DonationCampaign, actor: User | None, to: str, **after: Any) -> None:
    DonationCampaign.states.move(campaign, to=to, actor=actor, org=campaign.org, after=after)


@service
def campaign_open(*, actor: User | None, campaign: DonationCampaign) -> DonationCampaign:
    """Open the drive and freeze the members asked: the current members of `asked_org` now."""
    campaign = _locked_campaign(campaign)
    _require(actor, campaign.org, _("您无权操作该捐款活动。"))
    campaign_set_state(campaign=campaign, actor=actor, to=CampaignState.OPEN)
    ids = list(_current_members(campaign.asked_org).values_list("pk", flat=True))
    campaign.asked.set(ids)
    campaign.asked_count = len(ids)
    campaign.opened_at = timezone.now()
    campaign.save(update_fields=["asked_count", "opened_at"])
    return campaign


@service
def campaign_close(*, actor: User | None, campaign: DonationCampaign) -> DonationCampaign:
    campaign = _locked_campaign(campaign)
    _require(actor, campaign.org, _("您无权操作该捐款活动。"))
    campaign_set_state(
        campaign=campaign, actor=actor, to=CampaignState.CLOSED, collected=str(collected(campaign))
    )
    campaign.closed_at = timezone.now()
    campaign.save(update_fields=["closed_at"])
    return campaign


def _check_open(campaign: DonationCampaign) -> None:
    if campaign.state != CampaignState.OPEN:
        raise DomainError(_("只有进行中的捐款活动才能登记捐款。"))


@service
def donation_add(
    *,
    actor: User | None,
    campaign: DonationCampaign,
    amount: Any,
    donated_on: dt.date,
    member: Member | None = None,
    donor_name: str = "",
) -> Donation:
    """One gift: by a member of the union (once per drive) or by a named donor."""
    campaign = _locked_campaign(campaign)
    _require(actor, campaign.org, _("您无权登记该活动的捐款。"))
    _check_open(campaign)
    amount = _money(amount)
    if member is None and not (donor_name or "").strip():
        raise DomainError(_("请选择捐款会员或填写捐款人姓名。"))
    if member is not None and not _in_union(member, campaign.org):
        raise DomainError(_("该会员不是本工会会员。"))
    was_asked = member is not None and campaign.asked.filter(pk=member.pk).exists()
    donation = Donation(
        campaign=campaign, member=member, donor_name=(member.name if member else donor_name.strip())[:60],
        was_asked=was_asked, amount=amount, donated_on=not_future(donated_on, _("捐款日期")), entered_by=actor,
    )  # fmt: skip
    try:
        with transaction.atomic():
            donation.save()
    except IntegrityError as error:
        raise DomainError(_("%(name)s已登记过本次捐款。") % {"name": donation.donor_name}) from error
    audit(action="care.donation_add", actor=actor, org=campaign.org, obj=donation,
          after={"campaign": campaign.pk, "member": member.pk if member else None, "amount": str(amount)})  # fmt: skip
    return donation


# --- import: rows checked by care.donation_imports (core.imports), applied all or nothing ---------


@service
def donation_import_apply(
    *, actor: User | None, campaign: DonationCampaign, rows: list[dict[str, Any]], batch: str
) -> int:
    """Write the checked rows, all or nothing. `batch` makes a retried request a no-op."""
    campaign = _locked_campaign(campaign)
    _require(actor, campaign.org, _("您无权登记该活动的捐款。"))
    _check_open(campaign)
    key = uuid.UUID(batch)
    if Donation.objects.filter(import_batch=key).exists():
        raise DomainError(_("这批捐款已经导入过了。"))
    member_ids = [r["m"] for r in rows]
    members = {m.pk: m for m in Member.objects.filter(pk__in=member_ids).select_related("org")}
    asked = set(campaign.asked.filter(pk__in=member_ids).values_list("pk", flat=True))
    donations = []
    for r in rows:
        member = members.get(r["m"])
        if member is None or not _in_union(member, campaign.org):
            raise DomainError(_("第%(n)s行的会员已不在本工会，请重新上传。") % {"n": r["n"]})
        donations.append(Donation(
            campaign=campaign, member=member, donor_name=member.name[:60], was_asked=member.pk in asked,
            amount=_money(r["a"]), donated_on=dt.date.fromisoformat(r["d"]), import_batch=key, entered_by=actor,
        ))  # fmt: skip
    try:
        with transaction.atomic():
            Donation.objects.bulk_create(donations)
    except IntegrityError as error:
        raise DomainError(_("有会员已登记过本次捐款，未导入任何记录，请重新上传。")) from error
    audit(action="care.donation_import", actor=actor, org=campaign.org, obj=campaign,
          after={"rows": len(donations), "total": str(sum((d.amount for d in donations), ZERO)), "batch": batch})  # fmt: skip
    return len(donations)


# --- uses of the money ----------------------------------------------------------------------------


@service
def donation_use_add(
    *,
    actor: User | None,
    campaign: DonationCampaign,
    used_on: dt.date,
    purpose: str,
    amount: Any,
    member: Member | None = None,
    payee_name: str = "",
    method: str = PaymentMethod.TRANSFER,
) -> DonationUse:
    """Record how money of the drive was used. Uses never exceed what was collected (checked
    under the drive's row lock). A payout to a member is a ledger entry sourced by the use."""
    campaign = _locked_campaign(campaign)
    _require(actor, campaign.org, _("您无权登记该活动的捐款使用。"))
    if campaign.state == CampaignState.DRAFT:
        raise DomainError(_("捐款活动尚未开始。"))
    amount = _money(amount)
    if not (purpose or "").strip():
        raise DomainError(_("请填写用途。"))
    if member is None and not (payee_name or "").strip():
        raise DomainError(_("请选择受助会员或填写接收方。"))
    if member is not None and not _in_union(member, campaign.org):
        raise DomainError(_("受助会员必须是本工会会员。"))
    available = collected(campaign) - used(campaign)
    if amount > available:
        raise DomainError(
            _("使用金额%(amount)s元超过可用余额%(available)s元(已募集减已使用)。")
            % {"amount": amount, "available": available}
        )
    use = DonationUse.objects.create(
        campaign=campaign, used_on=used_on, purpose=purpose.strip()[:200], member=member,
        payee_name=(member.name if member else payee_name.strip())[:100], amount=amount, created_by=actor,
    )  # fmt: skip
    audit(action="care.donation_use_add", actor=actor, org=campaign.org, obj=use,
          after={"campaign": campaign.pk, "amount": str(amount), "member": member.pk if member else None})  # fmt: skip
    if member is not None:
        ledger_record(
            actor=actor, org=campaign.org, kind=LedgerKind.DONATION_PAYOUT, category=SpendingCategory.DONATION,
            amount=amount, method=method, paid_on=used_on, member=member, source=use,
            note=f"{campaign.title}：{use.purpose}"[:200],
        )  # fmt: skip
    return use


# --- health campaigns -------------------------------------------------------------------------------


@service
def health_campaign_create(
    *,
    actor: User | None,
    org: Org,
    kind: str,
    year: int,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    provider: str = "",
    cost: Any = None,
    method: str = PaymentMethod.TRANSFER,
    paid_on: dt.date | None = None,
) -> HealthCampaign:
    """A 体检 or 妇检 with its eligible list frozen now: the union's current members (female
    members only for 妇检). Its cost, if any, is paid to the provider as one ledger entry sourced
    by the campaign (as a trip's), so the year's figures and the budget include it."""
    _require(actor, org, _("您无权在该工会组织体检。"))
    if kind not in HealthKind.values:
        raise DomainError(_("请选择类别。"))
    if ends_on < starts_on:
        raise DomainError(_("结束日期不能早于开始日期。"))
    if not (title or "").strip():
        raise DomainError(_("请填写名称。"))
    # No cost (None, "" or 0) is a campaign paid by someone else; a cost must be positive.
    amount = Decimal("0.00") if cost in (None, "") or Decimal(str(cost)) == 0 else _money(cost)
    if amount and not (provider or "").strip():
        raise DomainError(_("请填写体检机构（费用支付对象）。"))
    campaign = HealthCampaign.objects.create(
        org=org, kind=kind, year=year, title=title.strip()[:100], starts_on=starts_on, ends_on=ends_on,
        provider=provider[:100], cost=amount, created_by=actor,
    )  # fmt: skip
    eligible = _current_members(org)
    if kind == HealthKind.WOMEN:
        eligible = eligible.filter(sex=Sex.FEMALE)
    ids = list(eligible.values_list("pk", flat=True))
    campaign.eligible.set(ids)
    campaign.eligible_count = len(ids)
    campaign.save(update_fields=["eligible_count"])
    audit(action="care.health_create", actor=actor, org=org, obj=campaign,
          after={"kind": kind, "year": year, "eligible": len(ids), "cost": str(amount)})  # fmt: skip
    if amount:
        ledger_record(
            actor=actor, org=org, kind=LedgerKind.HEALTH, category=SpendingCategory.HEALTH, amount=amount,
            method=method or PaymentMethod.TRANSFER, paid_on=paid_on or paid_by_today(starts_on),
            payee_name=campaign.provider,
            source=campaign,
            note=f"{campaign.title}（{len(ids)}人）"[:200],
        )  # fmt: skip
    return campaign


@service
def health_attend(
    *, actor: User | None, campaign: HealthCampaign, member_ids: Iterable[int], attended_on: dt.date
) -> int:
    """Mark many eligible members as attended at once; members already marked are skipped, so
    a repeated request changes nothing. Returns the number newly marked."""
    _require(actor, campaign.org, _("您无权登记参检情况。"))
    not_future(attended_on, _("参检日期"))
    wanted = {int(pk) for pk in member_ids}
    eligible = set(campaign.eligible.filter(pk__in=wanted).values_list("pk", flat=True))
    if wanted - eligible:
        raise DomainError(_("所选人员中有不在应检名单内的会员。"))
    done = set(campaign.attendances.filter(member_id__in=eligible).values_list("member_id", flat=True))
    new = [HealthAttendance(campaign=campaign, member_id=pk, attended_on=attended_on, recorded_by=actor)
           for pk in sorted(eligible - done)]  # fmt: skip
    HealthAttendance.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        audit(action="care.health_attend", actor=actor, org=campaign.org, obj=campaign,
              after={"members": [a.member_id for a in new], "attended_on": attended_on.isoformat()})  # fmt: skip
    return len(new)


# --- 疗休养 ------------------------------------------------------------------------------------------


@service
def trip_create(
    *,
    actor: User | None,
    org: Org,
    title: str,
    place: str,
    provider: str,
    starts_on: dt.date,
    ends_on: dt.date,
    participants: Iterable[Member],
    cost: Any,
    method: str = PaymentMethod.TRANSFER,
    paid_on: dt.date | None = None,
) -> RecuperationTrip:
    """A trip and its cost, paid to the provider as one ledger entry (member=None) sourced by
    the trip, so the year totals include it and it is paid once."""
    _require(actor, org, _("您无权在该工会组织疗休养。"))
    people = list(participants)
    if not people:
        raise DomainError(_("请选择参加人员。"))
    if any(not _in_union(m, org) for m in people):
        raise DomainError(_("参加人员必须是本工会会员。"))
    if ends_on < starts_on:
        raise DomainError(_("返回日期不能早于出发日期。"))
    if not (title or "").strip() or not (provider or "").strip():
        raise DomainError(_("请填写名称和承办机构。"))
    cost = _money(cost)
    trip = RecuperationTrip.objects.create(
        org=org, title=title.strip()[:100], place=place[:100], provider=provider.strip()[:100],
        starts_on=starts_on, ends_on=ends_on, cost=cost, participant_count=len(people), created_by=actor,
    )  # fmt: skip
    trip.participants.set(people)
    audit(action="care.trip_create", actor=actor, org=org, obj=trip,
          after={"participants": len(people), "cost": str(cost)})  # fmt: skip
    ledger_record(
        actor=actor, org=org, kind=LedgerKind.RECUPERATION, category=SpendingCategory.RECUPERATION,
        amount=cost, method=method, paid_on=paid_on or paid_by_today(starts_on), payee_name=trip.provider,
        source=trip,
        note=f"{trip.title}（{len(people)}人）"[:200],
    )  # fmt: skip
    return trip
