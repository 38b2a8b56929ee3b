"""Writes of the voting app: polls, options, electorate, paper ballots, the ballot box, results.

Every state change goes through `poll_set_state`, which checks the transition table in `enums`,
writes the audit row with before/after, and raises DomainError otherwise.

Secrecy (DESIGN.md §5), what this module guarantees:
* `ballot_cast` writes the Participation (who voted) and the Ballot (what was voted) in one
  transaction; UNIQUE(poll, member) on Participation is the only guard against a second vote, so
  a retried or concurrent second attempt fails cleanly with "您已投票" and nothing is written.
  Casters take the poll's ballot-box lock in shared mode only (they never block each other);
  closing takes it exclusively, so no ballot is accepted after the count reported at close.
* A Ballot holds no person, no time and no sequence. The audit row of a vote says only that
  someone voted in the poll (participation is not secret); it never holds a choice, a receipt or
  a ballot id, and nothing here logs choices.
* Storage order: on PostgreSQL a heap table returns rows in insert order, and SQLite returns
  rowid order, so a plain `SELECT` would replay the casting order. When a poll closes,
  `shuffle_ballots` rewrites its ballots in an order drawn from the OS random source, in the same
  transaction that closes the poll; every ORM read orders by the random UUID4 key. From the
  moment a poll is closed neither storage order nor key order reveals the casting order. While
  the poll is open the heap order and the audit times are visible to someone with raw database
  access, so each ballot is stored sealed (`voting.sealing`: choices and receipt encrypted under
  a per-poll key derived from a server-side secret the database does not hold; only a keyed tag
  of the receipt in its column) and unsealed only by `shuffle_ballots` in the closing
  transaction. Results are refused to everyone until released.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import keys
from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.enums import GRASSROOTS_KINDS
from gonghui.core.errors import DomainError
from gonghui.core.facts import percent
from gonghui.core.models import Org, User
from gonghui.core.writes import service
from gonghui.members.models import Member

from . import counting, notify, rules, sealing
from .enums import (
    DEFAULT_DIMENSIONS,
    Channel,
    Eligibility,
    Grade,
    PollKind,
    PollState,
    ScaleKind,
)
from .models import (
    Ballot,
    Dimension,
    Option,
    PaperBatch,
    PaperCode,
    PaperTally,
    Participation,
    Poll,
    RaterGroup,
    Voter,
)

# Crockford's base32 (no I, L, O, U): easy to read aloud and type on a phone.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 random bits
FILE_NAME_LENGTH = 200
WRITE_IN_LENGTH = 30

# The settings of a poll the chair may change while it is a draft.
POLL_SETTINGS = (
    "title", "description", "opens_at", "closes_at", "choose_max", "allow_write_in", "diff_ratio",
    "majority_percent", "quorum_percent", "min_respondents", "scale", "drop_extremes", "award_name", "award_level",
)  # fmt: skip


def random_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """What a voter typed, as stored: upper case, no spaces or dashes, O→0 and I/L→1."""
    text = "".join(str(text).split()).replace("-", "").upper()
    return text.translate(str.maketrans("OIL", "011"))


def pretty_code(code: str) -> str:
    return f"{code[:5]}-{code[5:]}" if len(code) == CODE_LENGTH else code


def code_hash(code: str, *, secret: str | None = None) -> str:
    """The stored form of a paper ballot code: HMAC under a key derived from GONGHUI_FIELD_KEY
    (`core.keys`), so a change of SECRET_KEY does not void printed codes."""
    key = keys.material("gonghui-paper-code-key", secret)
    return hmac.new(key, b"voting-paper-code:" + normalise_code(code).encode(), hashlib.sha256).hexdigest()


def _upload_name(upload: Any) -> str:
    return str(getattr(upload, "name", "") or "")[-FILE_NAME_LENGTH:]


def _require_state(poll: Poll, *states: str, message: str | None = None) -> None:
    if poll.state not in states:
        raise DomainError(
            message or _("投票当前为“%(state)s”，不能进行此操作。") % {"state": poll.get_state_display()}
        )


def _require_draft(poll: Poll) -> None:
    _require_state(
        poll, PollState.DRAFT, message=_("投票已开始，候选人、评议设置和选民名单均已冻结，不能再修改。")
    )


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


# --- the ballot box ---------------------------------------------------------------------------


# Advisory lock namespace of the ballot box (first key of PostgreSQL's two-key advisory locks).
BALLOT_BOX_LOCK = 0x766F7465  # "vote"


def _lock_poll_shared(poll: Poll) -> str | None:
    """Take the poll's ballot-box lock in SHARE mode and read its state (PostgreSQL).

    Casters share the lock, so they never wait for one another; closing takes it exclusively
    (`_lock_poll_exclusive`), so it waits for casts in flight and casts arriving meanwhile wait
    for it, then see the poll closed. An advisory lock rather than a row lock (SELECT … FOR
    SHARE): the lock manager queues a new sharer behind a waiting closer, whereas row-level
    sharers can keep a closer waiting for as long as votes keep arriving. The state is read after
    the lock is granted, so under READ COMMITTED it is the closer's committed state.
    SQLite serialises writers anyway (transaction_mode IMMEDIATE): a plain read there."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock_shared(%s, %s)", [BALLOT_BOX_LOCK, poll.pk])
        cursor.execute(f"SELECT state FROM {Poll._meta.db_table} WHERE id = %s", [poll.pk])
        row = cursor.fetchone()
    return row[0] if row else None


def _lock_poll_exclusive(poll: Poll) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [BALLOT_BOX_LOCK, poll.pk])


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


# --- what may be seen -------------------------------------------------------------------------


@dataclass(frozen=True)
class Turnout:
    electorate: int
    voted: int
    online: int
    paper: int

    @property
    def percent(self) -> float | None:
        return percent(self.voted, self.electorate)


def turnout(poll: Poll) -> Turnout:
    """Live turnout (not secret): participations over the electorate, by channel."""
    by_channel = dict(
        Participation.objects.filter(poll=poll)
        .values("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    voted = sum(by_channel.values())
    return Turnout(
        electorate=Voter.objects.filter(poll=poll).count(),
        voted=voted,
        online=by_channel.get(Channel.ONLINE, 0),
        paper=by_channel.get(Channel.PAPER_CODE, 0) + by_channel.get(Channel.PAPER_COUNT, 0),
    )


def _require_released(poll: Poll) -> None:
    if poll.state != PollState.RELEASED:
        raise DomainError(_("投票结束并公布结果之前，任何人（包括管理员）都不能查看结果。"))


def option_infos(poll: Poll) -> list[counting.OptionInfo]:
    return [counting.OptionInfo(o.pk, o.name, o.member_id) for o in ballot_options(poll)]


@dataclass
class Results:
    poll: Poll
    counted: counting.CountResult | None = None
    people: list[counting.PersonResult] | None = None
    dimensions: list[Dimension] | None = None
    ballots: int = 0


def poll_tally(poll: Poll) -> Results:
    """The results; refused (DomainError) for everyone until the poll is closed and released."""
    poll = Poll.objects.get(pk=poll.pk)
    _require_released(poll)
    return results_of(poll, list(Ballot.objects.filter(poll=poll).values_list("rater_group_id", "choices")),
                    turnout(poll))  # fmt: skip


def polls_tally(polls: QuerySet[Poll]) -> dict[int, Results]:
    """The results of many released polls (others are left out) in a fixed number of queries:
    a county's year is ~1,000 polls, which one `poll_tally` each would cost ~5,000 queries.
    The counting is the same function as `poll_tally`'s, over the same rows."""
    voters = Voter.objects.filter(poll=OuterRef("pk")).order_by().values("poll").annotate(n=Count("pk"))
    voted = (
        Participation.objects.filter(poll=OuterRef("pk")).order_by().values("poll").annotate(n=Count("pk"))
    )
    chosen = list(
        polls.filter(state=PollState.RELEASED)
        .annotate(electorate_n=Subquery(voters.values("n")), voted_n=Subquery(voted.values("n")))
        .order_by("pk")
        .prefetch_related("options", "dimensions", "rater_groups", "paper_batches__tallies")
    )
    ballots: dict[int, list[tuple[Any, Any]]] = defaultdict(list)
    rows = Ballot.objects.filter(poll__in=polls.filter(state=PollState.RELEASED).values("pk")).order_by()
    for poll_id, group_id, choices in rows.values_list("poll_id", "rater_group_id", "choices").iterator(2000):
        ballots[poll_id].append((group_id, choices))
    return {
        poll.pk: results_of(poll, ballots[poll.pk], Turnout(poll.electorate_n or 0, poll.voted_n or 0, 0, 0))
        for poll in chosen
    }


def results_of(poll: Poll, ballots: list[tuple[Any, Any]], present: Turnout) -> Results:
    """Count `ballots` ((rater group id, choices) rows) of a closed poll, with its turnout (the
    electorate and who took part decide whether an election is valid, voting.rules)."""
    options = option_infos(poll)
    if poll.kind == PollKind.EVALUATION:
        dimensions = list(poll.dimensions.all()) if poll.scale == ScaleKind.DIMENSIONS else []
        weights: dict[Any, Decimal] = {g.pk: g.weight for g in poll.rater_groups.all()}
        people = counting.evaluate(
            ballots, options, dimensions=[d.pk for d in dimensions], weights=weights,
            min_respondents=poll.min_respondents, drop_extremes=poll.drop_extremes,
        )  # fmt: skip
        return Results(poll, people=people, dimensions=dimensions, ballots=len(ballots))
    counted = counting.count_choices(
        (choices for _, choices in ballots), options, seats=poll.choose_max,
        decides=poll.kind != PollKind.SIMPLE, paper=paper_totals(poll),
        rules=rules.rules_for(poll), electorate=present.electorate, participants=present.voted,
    )  # fmt: skip
    return Results(poll, counted=counted, ballots=counted.total)


def paper_totals(poll: Poll) -> list[tuple[int, int, dict[str, int]]]:
    """(valid, invalid, counts by option key) per paper batch; reads prefetched batches if any."""
    prefetch_related_objects([poll], "paper_batches__tallies")  # no query when already fetched
    batches = []
    for batch in poll.paper_batches.all():
        counts = {
            (f"o{t.option_id}" if t.option_id else f"w{t.write_in}"): t.votes for t in batch.tallies.all()
        }
        batches.append((batch.valid, batch.invalid, counts))
    return batches


def published_ballots(poll: Poll) -> list[tuple[str, dict[str, Any]]]:
    """The receipt list: every electronic ballot as (receipt, choices), by receipt. Refused until
    released. Any voter finds their receipt here; the tally can be recounted from it."""
    poll = Poll.objects.get(pk=poll.pk)
    _require_released(poll)
    return list(Ballot.objects.filter(poll=poll).order_by("receipt").values_list("receipt", "choices"))


# --- awards and the public notice (公示) ------------------------------------------------------


@transaction.atomic
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
