"""What is on the ballot: options, award nominations and their screening, evaluation settings."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members.models import Member

from ..enums import (
    Eligibility,
    PollKind,
)
from ..models import (
    Dimension,
    Option,
    Poll,
    RaterGroup,
)
from ._common import (
    _require_draft,
)

FILE_NAME_LENGTH = 200


def _upload_name(upload: Any) -> str:
    return str(getattr(upload, "name", "") or "")[-FILE_NAME_LENGTH:]


# --- options, nominations, evaluation settings ----------------------------------------------


@service
def option_add(
    *,
    actor: User | None,
    poll: Poll,
    name: str,
    position: str = "",
    member: Member | None = None,
    deeds: str = "",
    report: Any = None,
    self_nominated: bool = False,
    eligibility: str = Eligibility.ELIGIBLE,
) -> Option:
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_draft(poll)
    name = name.strip()
    if not name:
        raise DomainError(_("请填写姓名或选项名称。"))
    if member is not None and member.org.path[: len(poll.org.path)] != poll.org.path:
        raise DomainError(_("只能添加本工会的会员。"))
    if poll.options.filter(name=name).exists():
        raise DomainError(_("“%(name)s”已在名单中。") % {"name": name})
    order = poll.options.count() + 1
    option = Option(poll=poll, order=order, name=name, position=position, member=member, deeds=deeds,
                    self_nominated=self_nominated, nominated_by=actor, eligibility=eligibility)  # fmt: skip
    if report:
        option.report = report
        option.report_name = _upload_name(report)
    option.save()
    audit(action="voting.option_add", actor=actor, org=poll.org, obj=poll, after={"option": name})
    return option


@service
def option_remove(*, actor: User | None, option: Option) -> None:
    poll = Poll.objects.select_for_update().get(pk=option.poll_id)
    _require_draft(poll)
    name = option.name
    option.delete()
    audit(action="voting.option_remove", actor=actor, org=poll.org, obj=poll, before={"option": name})


def nomination_submit(*, actor: User, poll: Poll, member: Member, deeds: str, self_nominated: bool) -> Option:
    """自荐/推荐 for an award: the nominee waits for the panel's 资格审查."""
    if poll.kind != PollKind.AWARD:
        raise DomainError(_("只有评优可以推荐人选。"))
    if not deeds.strip():
        raise DomainError(_("请填写主要事迹。"))
    return option_add(actor=actor, poll=poll, name=member.name, member=member, deeds=deeds,
                      position=member.position, self_nominated=self_nominated,
                      eligibility=Eligibility.PENDING)  # fmt: skip


@service
def nomination_screen(*, actor: User | None, option: Option, eligible: bool, note: str = "") -> Option:
    poll = Poll.objects.select_for_update().get(pk=option.poll_id)
    _require_draft(poll)
    before = option.eligibility
    option.eligibility = Eligibility.ELIGIBLE if eligible else Eligibility.INELIGIBLE
    option.screening_note = note[:200]
    option.save(update_fields=["eligibility", "screening_note"])
    audit(action="voting.nomination_screen", actor=actor, org=poll.org, obj=poll,
          before={"option": option.name, "eligibility": before},
          after={"option": option.name, "eligibility": option.eligibility})  # fmt: skip
    return option


@service
def dimensions_set(
    *, actor: User | None, poll: Poll, dimensions: Sequence[tuple[str, int]]
) -> list[Dimension]:
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_draft(poll)
    if not dimensions:
        raise DomainError(_("至少需要一个评议项目。"))
    if any(not name.strip() or not 1 <= top <= 1000 for name, top in dimensions):
        raise DomainError(_("评议项目须有名称，满分在1到1000之间。"))
    poll.dimensions.all().delete()
    made = Dimension.objects.bulk_create(
        Dimension(poll=poll, order=i, name=name.strip(), max_score=top)
        for i, (name, top) in enumerate(dimensions, 1)
    )
    audit(action="voting.dimensions_set", actor=actor, org=poll.org, obj=poll,
          after={"dimensions": [f"{n}:{t}" for n, t in dimensions]})  # fmt: skip
    return made


@service
def rater_group_add(*, actor: User | None, poll: Poll, name: str, weight: Decimal) -> RaterGroup:
    poll = Poll.objects.select_for_update().get(pk=poll.pk)
    _require_draft(poll)
    if weight < 0:
        raise DomainError(_("权重不能为负数。"))
    if poll.rater_groups.filter(name=name).exists():
        raise DomainError(_("评议人类别“%(name)s”已存在。") % {"name": name})
    group = RaterGroup.objects.create(poll=poll, name=name, weight=weight)
    audit(action="voting.rater_group_add", actor=actor, org=poll.org, obj=poll,
          after={"group": name, "weight": str(weight)})  # fmt: skip
    return group
