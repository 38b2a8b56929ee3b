"""Writes of public notices (公示) and objections (异议). Atomic and audited.

Public API for other apps (award selections, election results, finance items):

    notice = notice_create(actor=chair, org=union, title=..., body=..., kind=NoticeKind.AWARD,
                           subject=selection)          # default period: 5 working days from today
    notice_publish(actor=chair, notice=notice)
    ...                                                # members object, the panel resolves
    notice_refresh(notice=notice)                      # also run daily by `gonghui notices-refresh`

and listen to `signals.notice_finalized` to learn when the outcome stands.

Every state change goes through `notice_set_state` / `objection_set_state`, which check the
transition tables in `enums`, write the audit row with before/after, and raise DomainError
otherwise. Notifications are sent after commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import can, in_scope
from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.enums import OrgKind, Role
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, RoleAssignment, User
from gonghui.core.services import notification_send
from gonghui.core.workdays import period_end
from gonghui.core.writes import service

from .enums import (
    RUNNING_STATES,
    NoticeKind,
    NoticeState,
    ObjectionState,
)
from .models import DEFAULT_DAYS, MAX_DAYS, PANEL_ROLES, Notice, Objection
from .queries import is_member
from .signals import notice_finalized

if TYPE_CHECKING:
    from gonghui.members.models import Member

# The fields of a draft the panel may edit (notice_update).
EDITABLE = ("title", "body", "kind", "contact", "starts_on", "days")


def _today(today: dt.date | None) -> dt.date:
    return today or timezone.localdate()


def _check_days(days: int) -> None:
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("公示期须为1至%(max)s个工作日。") % {"max": MAX_DAYS})


def _notify(users: Iterable[User | None], title: str, notice: Notice, body: str = "") -> None:
    recipients = list({u.pk: u for u in users if u is not None}.values())
    if not recipients:
        return
    url = reverse("notices:detail", args=[notice.pk])
    org = notice.org
    transaction.on_commit(
        lambda: notification_send(users=recipients, title=title, body=body, url=url, org=org)
    )


def _locked(notice: Notice) -> Notice:
    return Notice.objects.select_for_update().select_related("org").get(pk=notice.pk)


# --- notices ---------------------------------------------------------------------------------


@service
def notice_create(
    *,
    actor: User | None,
    org: Org,
    title: str,
    body: str,
    kind: str = NoticeKind.OTHER,
    subject: Any = None,
    starts_on: dt.date | None = None,
    days: int = DEFAULT_DAYS,
    contact: str = "",
    people: Iterable[Member] = (),
) -> Notice:
    """Draft a notice of `org` about `subject` (any saved record, or None), concerning `people`
    (members of the union, told when it is published).

    The period begins on `starts_on` (default today) and lasts `days` working days; a start on a
    weekend or holiday counts from the next working day. `actor` None is the system (another
    app's service acting on its own authority); otherwise they must sit on the union's panel.
    """
    if org.kind == OrgKind.GROUP:
        raise DomainError(_("工会小组不单独发布公示，请以所在工会的名义发布。"))
    if not org.is_active:
        raise DomainError(_("该组织已撤销，不能发布公示。"))
    if actor is not None and not in_scope(actor, org, PANEL_ROLES):
        raise DomainError(_("只有本工会的主席、副主席和委员可以发布公示。"))
    _check_days(days)
    starts_on = starts_on or _today(None)
    notice = Notice(
        org=org,
        title=title.strip(),
        body=body.strip(),
        kind=kind,
        contact=contact.strip(),
        starts_on=starts_on,
        ends_on=period_end(starts_on, days),
        days=days,
        created_by=actor,
    )
    if subject is not None:
        notice.subject = subject
    people = list(people)
    strangers = [m for m in people if not m.org.path.startswith(org.path)]
    if strangers:
        raise DomainError(_("公示涉及的人员须是本工会的会员。"))
    notice.full_clean()
    notice.save()
    if people:
        notice.people.set(people)
    audit(
        action="notices.notice_create",
        actor=actor,
        org=org,
        obj=notice,
        after={**snapshot(notice, ["title", "kind", "starts_on", "ends_on", "days"]),
               "subject": f"{notice.subject_type_id}:{notice.subject_id}" if subject is not None else "",
               "people": len(people)},
    )  # fmt: skip
    return notice


@service
def notice_update(*, actor: User | None, notice: Notice, **fields: Any) -> Notice:
    """Edit a draft: only EDITABLE fields; the end of the period follows the start and length."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"notice_update cannot change {sorted(unknown)}")
    notice = _locked(notice)
    if notice.state != NoticeState.DRAFT:
        raise DomainError(_("公示发布后不能再修改；如有错误，请撤回后重新发布。"))
    names = [*EDITABLE, "ends_on"]
    before = snapshot(notice, names)
    for name, value in fields.items():
        setattr(notice, name, value.strip() if isinstance(value, str) else value)
    _check_days(notice.days)
    notice.ends_on = period_end(notice.starts_on, notice.days)
    notice.full_clean()
    old, new = changed(before, snapshot(notice, names))
    if new:  # an unchanged form writes nothing
        notice.save(update_fields=names)
        audit(action="notices.notice_update", actor=actor, org=notice.org, obj=notice, before=old, after=new)
    return notice


@service
def notice_set_state(*, notice: Notice, actor: User | None, to: str, **after: Any) -> None:
    """The one place a notice's state changes: checks the table, audits before/after."""
    Notice.states.move(notice, to=to, actor=actor, org=notice.org, after=after)


@service
def notice_publish(
    *, actor: User | None, notice: Notice, today: dt.date | None = None, posted: bool = False
) -> Notice:
    """Put a draft on the board. A start date already past moves to today (the full period is
    always given); a future start date keeps the notice shown but closed to objections until then.

    `posted`: the notice was already posted on paper from its start date (补录), so it keeps its
    own period, and so its statistical year; the start may not be after today. A period already
    over ends the notice at once (nobody is told: they were, on paper)."""
    today = _today(today)
    notice = _locked(notice)
    if posted and notice.starts_on > today:
        raise DomainError(_("补录线下已张贴的公示：公示开始日期不能晚于今天。"))
    if notice.state == NoticeState.DRAFT and notice.starts_on < today and not posted:
        notice.starts_on, notice.ends_on = today, period_end(today, notice.days)
        notice.save(update_fields=["starts_on", "ends_on"])
    notice_set_state(notice=notice, actor=actor, to=NoticeState.PUBLISHED,
                     starts_on=notice.starts_on.isoformat(), ends_on=notice.ends_on.isoformat(),
                     **({"posted": True} if posted else {}))  # fmt: skip
    notice.published_by, notice.published_at = actor, timezone.now()
    notice.save(update_fields=["published_by", "published_at"])
    if notice.is_due(today):
        return notice_refresh(notice=notice, today=today)
    concerned = [m.user for m in notice.people.select_related("user")]
    _notify(concerned, _("您在公示名单中：%(title)s") % {"title": notice.title}, notice,
            body=_("公示期至%(end)s，如有异议可在公示期内提出。") % {"end": notice.ends_on.isoformat()})  # fmt: skip
    return notice


@service
def notice_withdraw(*, actor: User | None, notice: Notice, reason: str) -> Notice:
    """Take a running notice down (e.g. after an upheld objection); the reason is shown."""
    reason = reason.strip()
    if not reason:
        raise DomainError(_("撤回公示须写明原因。"))
    notice = _locked(notice)
    notice_set_state(notice=notice, actor=actor, to=NoticeState.WITHDRAWN, reason=reason)
    notice.withdrawn_at, notice.withdraw_reason = timezone.now(), reason[:300]
    notice.save(update_fields=["withdrawn_at", "withdraw_reason"])
    return notice


@service
def notice_refresh(*, notice: Notice, today: dt.date | None = None) -> Notice:
    """Move a notice on once its period is over.

    PUBLISHED with the period over -> CLOSED_PENDING while any objection waits for resolution,
    otherwise (and CLOSED_PENDING once the last objection is resolved) -> FINAL, recording whether
    any objection was upheld and sending `notice_finalized` exactly once. Anything else, or a
    period not yet over, is left as it is. Returns the notice as it now stands.
    """
    today = _today(today)
    notice = _locked(notice)
    if not notice.is_due(today):
        return notice
    objections = notice.objections.all()
    if objections.filter(state=ObjectionState.SUBMITTED).exists():
        if notice.state == NoticeState.PUBLISHED:
            notice_set_state(notice=notice, actor=None, to=NoticeState.CLOSED_PENDING)
        return notice
    upheld = objections.filter(state=ObjectionState.UPHELD).exists()
    notice_set_state(notice=notice, actor=None, to=NoticeState.FINAL, any_upheld=upheld)
    notice.finalised_at, notice.any_upheld = timezone.now(), upheld
    notice.save(update_fields=["finalised_at", "any_upheld"])
    notice_finalized.send(sender=Notice, notice=notice)
    return notice


def notices_refresh_due(*, today: dt.date | None = None) -> int:
    """Refresh every running notice whose period is over; the number that changed state."""
    today = _today(today)
    due = Notice.objects.filter(state__in=RUNNING_STATES, ends_on__lt=today).order_by("pk")
    moved = 0
    for notice in due:
        before = notice.state
        moved += notice_refresh(notice=notice, today=today).state != before
    return moved


# --- objections ------------------------------------------------------------------------------


def _panel_recipients(notice: Notice) -> list[User | None]:
    chairs = User.objects.filter(
        pk__in=RoleAssignment.objects.filter(org=notice.org, role=Role.CHAIR).values("user_id")
    )
    return [notice.created_by, *chairs]


@service
def objection_submit(
    *, actor: User, notice: Notice, text: str, anonymous: bool = False, today: dt.date | None = None
) -> Objection:
    """A member of the union objects to a notice within its period, named or anonymously.

    The notice's creator and the union's chair are told (without the objector's name)."""
    today = _today(today)
    notice = _locked(notice)
    if not is_member(actor, notice.org):
        raise DomainError(_("只有本工会的会员可以对公示提出异议。"))
    if notice.state != NoticeState.PUBLISHED or today > notice.ends_on:
        raise DomainError(_("公示期已结束或公示已撤回，不能再提出异议。"))
    if today < notice.starts_on:
        raise DomainError(_("公示尚未开始，暂不能提出异议。"))
    text = text.strip()
    if not text:
        raise DomainError(_("请填写异议内容。"))
    objection = Objection(
        notice=notice, submitted_by=actor, anonymous=anonymous, text=text, received_on=today
    )
    objection.full_clean()
    objection.save()
    # The panel knows who objected (the row says so); the audit log, read more widely, does not.
    audit(action="notices.objection_submit", actor=None if anonymous else actor, org=notice.org,
          obj=objection, after={"notice": notice.pk, "anonymous": anonymous})  # fmt: skip
    _notify(
        _panel_recipients(notice),
        _("公示《%(title)s》收到一条异议") % {"title": notice.title},
        notice,
        _("请在公示栏中查看并处理。"),
    )
    return objection


@service
def objection_record(
    *,
    actor: User | None,
    notice: Notice,
    text: str,
    received_on: dt.date,
    objector_name: str = "",
    upheld: bool | None = None,
    resolution: str = "",
    today: dt.date | None = None,
) -> Objection:
    """The panel enters an objection received on paper (补录线下异议), e.g. to a 公示 posted
    offline last year: counted on `received_on` (not after today, not before the notice began).

    `objector_name` blank is an anonymous objection. `upheld` True/False with `resolution` records
    the outcome already reached (required once the notice is final); None leaves it to resolve."""
    today = _today(today)
    notice = _locked(notice)
    if actor is not None and not can(actor, "change", notice):
        raise DomainError(_("只有本工会的主席、副主席和委员可以补录异议。"))
    if notice.state not in (*RUNNING_STATES, NoticeState.FINAL):
        raise DomainError(_("只能为已发布的公示补录异议。"))
    if received_on > today:
        raise DomainError(_("收到日期不能晚于今天。"))
    if received_on < notice.starts_on:
        raise DomainError(
            _("收到日期不能早于公示开始日期（%(start)s）。") % {"start": notice.starts_on.isoformat()}
        )
    text, objector_name, resolution = text.strip(), objector_name.strip(), resolution.strip()
    if not text:
        raise DomainError(_("请填写异议内容。"))
    if upheld is None and notice.state == NoticeState.FINAL:
        raise DomainError(_("公示已生效，补录的异议须同时填写处理结果和处理意见。"))
    if upheld is not None and not resolution:
        raise DomainError(_("请填写处理意见。"))
    objection = Objection(
        notice=notice, submitted_by=None, offline=True, objector_name=objector_name,
        anonymous=not objector_name, text=text, received_on=received_on,
    )  # fmt: skip
    objection.full_clean()
    objection.save()
    audit(action="notices.objection_record", actor=actor, org=notice.org, obj=objection,
          after={"notice": notice.pk, "anonymous": objection.anonymous,
                 "received_on": received_on.isoformat()})  # fmt: skip
    if upheld is not None:
        objection_set_state(objection=objection, actor=actor,
                            to=ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED)  # fmt: skip
        objection.resolution, objection.resolved_by, objection.resolved_at = resolution, actor, timezone.now()
        objection.save(update_fields=["resolution", "resolved_by", "resolved_at"])
        if upheld and notice.state == NoticeState.FINAL and not notice.any_upheld:
            before = snapshot(notice, ["any_upheld"])
            notice.any_upheld = True
            notice.save(update_fields=["any_upheld"])
            audit(action="notices.notice_update", actor=actor, org=notice.org, obj=notice,
                  before=before, after=snapshot(notice, ["any_upheld"]))  # fmt: skip
    notice_refresh(notice=notice, today=today)
    return objection


@service
def objection_set_state(*, objection: Objection, actor: User | None, to: str, **after: Any) -> None:
    Objection.states.move(objection, to=to, actor=actor, org=objection.notice.org, after=after)


@service
def objection_resolve(
    *,
    actor: User | None,
    objection: Objection,
    upheld: bool,
    resolution: str,
    today: dt.date | None = None,
) -> Objection:
    """The panel resolves an objection: upheld (异议成立) or dismissed, with its reasons.

    The objector is told; a notice whose period is over becomes final with its last objection
    resolved. An upheld objection does not withdraw the notice by itself: the panel decides."""
    objection = Objection.objects.select_for_update().select_related("notice__org").get(pk=objection.pk)
    notice = objection.notice
    if actor is not None and not can(actor, "change", notice):
        raise DomainError(_("只有本工会的主席、副主席和委员可以处理异议。"))
    if actor is not None and objection.submitted_by_id == actor.pk:
        raise DomainError(_("不能处理自己提出的异议。"))
    if notice.state == NoticeState.WITHDRAWN:
        raise DomainError(_("公示已撤回，无需再处理异议。"))
    resolution = resolution.strip()
    if not resolution:
        raise DomainError(_("请填写处理意见。"))
    objection_set_state(objection=objection, actor=actor,
                        to=ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED)  # fmt: skip
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, actor, timezone.now()
    objection.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    _notify(
        [objection.submitted_by],
        _("您对公示《%(title)s》提出的异议已处理") % {"title": notice.title},
        notice,
        f"{objection.get_state_display()}：{resolution}",
    )
    notice_refresh(notice=notice, today=today)
    return objection
