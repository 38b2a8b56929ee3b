"""The ballot box: checking a ballot and casting it secretly (see the package's docstring)."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit
from gonghui.core.errors import DomainError
from gonghui.core.models import User
from gonghui.core.writes import service
from gonghui.members.models import Member

from .. import sealing
from ..enums import (
    Channel,
    Grade,
    PollKind,
    PollState,
    ScaleKind,
)
from ..models import (
    Ballot,
    Option,
    PaperCode,
    Participation,
    Poll,
    Voter,
)
from ._common import (
    _lock_poll_shared,
)
from .codes import code_hash, random_code
from .polls import ballot_options

WRITE_IN_LENGTH = 30


def clean_choices(poll: Poll, choices: dict[str, Any], *, voter: Member | None = None) -> dict[str, Any]:
    """The ballot as stored, or DomainError: options of this poll, at most choose_max, write-ins
    only if allowed, scores within range, grades known, and nobody evaluating themself."""
    options = {o.pk: o for o in ballot_options(poll)}
    if poll.kind == PollKind.EVALUATION:
        return _clean_evaluation(poll, choices, options, voter)
    try:
        selected = [int(pk) for pk in choices.get("selected", [])]
    except (TypeError, ValueError):
        raise DomainError(_("选票内容无效。")) from None
    write_ins = [" ".join(str(n).split())[:WRITE_IN_LENGTH] for n in choices.get("write_ins", [])]
    write_ins = [n for n in write_ins if n]
    if len(set(selected)) != len(selected) or any(pk not in options for pk in selected):
        raise DomainError(_("选票上有不属于本次投票的选项。"))
    if write_ins and not poll.allow_write_in:
        raise DomainError(_("本次投票不允许另选他人。"))
    names = {o.name for o in options.values()}
    if any(n in names for n in write_ins) or len(set(write_ins)) != len(write_ins):
        raise DomainError(_("另选的人已在候选人名单中或重复，请直接勾选。"))
    if len(selected) + len(write_ins) > poll.choose_max:
        raise DomainError(_("最多只能选%(n)s项。") % {"n": poll.choose_max})
    cleaned: dict[str, Any] = {"selected": sorted(selected)}
    if write_ins:
        cleaned["write_ins"] = sorted(write_ins)
    return cleaned


def _clean_evaluation(
    poll: Poll, choices: dict[str, Any], options: dict[int, Option], voter: Member | None
) -> dict[str, Any]:
    mine = {pk for pk, o in options.items() if voter is not None and o.member_id == voter.pk}
    if poll.scale == ScaleKind.GRADES:
        raw = choices.get("grades") or {}
        grades: dict[str, str] = {}
        for key, grade in raw.items():
            pk = int(key)
            if pk not in options:
                raise DomainError(_("评议表上有不属于本次测评的人员。"))
            if pk in mine:
                raise DomainError(_("不能评议本人。"))
            if grade not in Grade.values:
                raise DomainError(_("评议等次无效。"))
            grades[str(pk)] = grade
        if not grades:
            raise DomainError(_("请至少评议一人。"))
        return {"grades": grades}
    dimensions = {d.pk: d.max_score for d in poll.dimensions.all()}
    scores: dict[str, dict[str, int]] = {}
    for key, row in (choices.get("scores") or {}).items():
        pk = int(key)
        if pk not in options:
            raise DomainError(_("评议表上有不属于本次测评的人员。"))
        if pk in mine:
            raise DomainError(_("不能评议本人。"))
        if {int(d) for d in row} != set(dimensions):
            raise DomainError(_("请为%(name)s的每个评议项目打分。") % {"name": options[pk].name})
        cleaned: dict[str, int] = {}
        for dim, value in row.items():
            try:
                score = int(value)
            except (TypeError, ValueError):
                raise DomainError(_("分数须为整数。")) from None
            if not 0 <= score <= dimensions[int(dim)]:
                raise DomainError(_("分数须在0到满分之间。"))
            cleaned[str(int(dim))] = score
        scores[str(pk)] = cleaned
    if not scores:
        raise DomainError(_("请至少评议一人。"))
    return {"scores": scores}


@service
def ballot_cast(
    *,
    poll: Poll,
    choices: dict[str, Any],
    member: Member | None = None,
    code: str | None = None,
    actor: User | None = None,
) -> str:
    """Cast one secret ballot, online (`member`) or with a paper code (`code`); return the receipt.

    One transaction: Participation (the guard: UNIQUE(poll, member), one participation per code)
    and Ballot. A second attempt — retried, concurrent, or through another channel — gets
    DomainError("您已投票…") and leaves nothing behind. Idempotent in effect: a retry never
    counts twice.
    """
    if (member is None) == (code is None):
        raise ValueError("ballot_cast needs exactly one of member and code")
    with transaction.atomic():
        state = _lock_poll_shared(poll)
        if state != PollState.OPEN:
            raise DomainError(_("投票尚未开始或已经结束。"))
        paper_code: PaperCode | None = None
        if member is not None:
            voter = Voter.objects.filter(poll=poll, member=member).values_list("paper", "group_id").first()
            if voter is None:
                raise DomainError(_("您不在本次投票的选民名单中。"))
            paper, voter_group = voter
            group_id: int | None = voter_group
            if paper:
                raise DomainError(_("您已领取纸质选票随机码，请使用随机码投票。"))
        else:
            paper_code = PaperCode.objects.filter(poll=poll, code_hash=code_hash(code or "")).first()
            if paper_code is None:
                raise DomainError(_("随机码无效，请核对后重新输入。"))
            if paper_code.used:
                raise DomainError(_("该随机码已使用，您已投票。"))
            group_id = paper_code.group_id
        cleaned = clean_choices(poll, choices, voter=member)
        try:
            with transaction.atomic():
                Participation.objects.create(
                    poll=poll,
                    member=member,
                    paper_code=paper_code,
                    channel=Channel.ONLINE if member is not None else Channel.PAPER_CODE,
                )
        except IntegrityError:
            raise DomainError(_("您已投票，不能重复投票。")) from None
        if paper_code is not None:
            PaperCode.objects.filter(pk=paper_code.pk).update(used=True)
        receipt = _insert_ballot(poll, group_id, cleaned)
        # Who voted is not secret; what they voted is: no choice, receipt or ballot id here.
        audit(action="voting.vote", actor=actor, org=poll.org_id, obj=poll,
              detail=str(Channel.ONLINE.label if member is not None else Channel.PAPER_CODE.label))  # fmt: skip
    return receipt


def _insert_ballot(poll: Poll, group_id: int | None, choices: dict[str, Any]) -> str:
    """Store the ballot sealed (voting.sealing): while the poll is open the row holds neither the
    choices nor the receipt in a readable form."""
    for _attempt in range(5):
        receipt = random_code()
        try:
            with transaction.atomic():
                Ballot.objects.create(poll=poll, rater_group_id=group_id, receipt=sealing.receipt_tag(poll.pk, receipt),
                                      choices=sealing.seal(poll.pk, choices, receipt))  # fmt: skip
        except IntegrityError:  # a receipt collision (2^-50 per pair): draw again
            continue
        return receipt
    raise DomainError(_("系统繁忙，请重新提交。"))
