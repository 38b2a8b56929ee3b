"""Writes of a congress term (届): its settings, its delegates and their delegations (代表团/组)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.access import can
from gonghui.core.audit import audit, changed, snapshot
from gonghui.core.enums import OrgKind, Role
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User
from gonghui.core.services import role_assign
from gonghui.core.writes import service

from ..models import (
    CongressTerm,
    Delegate,
    Delegation,
)

# --- terms ----------------------------------------------------------------------------------


# The settings of a term the chair may change after it was set up (term_update).
TERM_SETTINGS = (
    "end", "cosigners_required", "quorum_numerator", "quorum_denominator",
    "quota_women", "quota_frontline", "quota_young",
)  # fmt: skip


def _check_term(term: CongressTerm) -> None:
    if not 0 < term.quorum_numerator <= term.quorum_denominator:
        raise DomainError(_("法定到会比例须大于0且不超过1。"))
    if any(not 0 <= getattr(term, f) <= 100 for f in ("quota_women", "quota_frontline", "quota_young")):
        raise DomainError(_("代表构成比例须在0%到100%之间。"))
    if term.end is not None and term.end < term.start:
        raise DomainError(_("任期结束日期不能早于任期开始日期。"))


@service
def term_create(*, actor: User | None, org: Org, number: int, start: dt.date, **fields: Any) -> CongressTerm:
    if org.kind not in (OrgKind.GRASSROOTS, OrgKind.JOINT):
        raise DomainError(_("教代会/职代会由基层工会召开。"))
    term = CongressTerm(org=org, number=number, start=start, **fields)
    _check_term(term)
    term.full_clean()
    term.save()
    audit(action="congress.term_create", actor=actor, org=org, obj=term, after={"number": number})
    return term


@service
def term_update(*, actor: User | None, term: CongressTerm, **fields: Any) -> CongressTerm:
    """The chair changes a term's settings: co-signers needed (N), quorum, composition quotas, end.

    Only TERM_SETTINGS may change; the before/after of what changed is audited.
    """
    unknown = set(fields) - set(TERM_SETTINGS)
    if unknown:
        raise ValueError(f"term_update cannot change {sorted(unknown)}")
    term = CongressTerm.objects.select_for_update().get(pk=term.pk)
    names = list(fields)
    before = snapshot(term, names)
    for name, value in fields.items():
        setattr(term, name, value)
    _check_term(term)
    term.full_clean()
    old, new = changed(before, snapshot(term, names))
    if new:  # an unchanged form writes nothing
        term.save(update_fields=list(new))
        audit(action="congress.term_update", actor=actor, org=term.org, obj=term, before=old, after=new)
    return term


# --- delegates ------------------------------------------------------------------------------


@service
def delegate_elect(
    *,
    actor: User | None,
    term: CongressTerm,
    member: Any,
    flags: dict[str, bool] | None = None,
    replaces: Delegate | None = None,
) -> Delegate:
    """Record a member elected as delegate (or a substitute for one who left)."""
    from gonghui.members.queries import members_in

    if not members_in(term.org).filter(pk=member.pk, status="active").exists():
        raise DomainError(_("代表须为本工会在会会员。"))
    if Delegate.objects.filter(term=term, member=member).exists():
        raise DomainError(_("该会员已是本届代表。"))
    if replaces is not None:
        if replaces.term_id != term.pk or not replaces.active:
            raise DomainError(_("只能替补本届在任的代表。"))
        replaces.active = False
        replaces.save(update_fields=["active"])
    delegate = Delegate.objects.create(
        term=term, org=term.org, member=member, user=member.user, name=member.name,
        is_woman=member.sex == "2", replaces=replaces, **(flags or {}),
    )  # fmt: skip
    if member.user is not None:
        role_assign(actor=actor, user=member.user, org=term.org, role=Role.DELEGATE, this_org_only=True)
    audit(action="congress.delegate_elect", actor=actor, org=term.org, obj=delegate,
          after={"replaces": replaces.pk if replaces else None})  # fmt: skip
    return delegate


# --- delegations (代表团/组) ------------------------------------------------------------------


def _may_manage(actor: User | None, term: CongressTerm) -> None:
    """Views reach a term through core.access already; the service refuses on its own too."""
    if actor is not None and not can(actor, "change", term):
        raise DomainError(_("您无权管理本届代表及代表团。"))


@service
def delegation_create(*, actor: User | None, term: CongressTerm, name: str) -> Delegation:
    """A delegation or delegate group (代表团/组) of the term, by grade or department."""
    _may_manage(actor, term)
    name = name.strip()
    if not name:
        raise DomainError(_("请填写代表团名称。"))
    if Delegation.objects.filter(term=term, name=name).exists():
        raise DomainError(_("本届已有名为“%(name)s”的代表团。") % {"name": name})
    delegation = Delegation.objects.create(term=term, name=name)
    audit(
        action="congress.delegation_create", actor=actor, org=term.org, obj=delegation, after={"name": name}
    )
    return delegation


@service
def delegation_update(
    *, actor: User | None, delegation: Delegation, name: str, head: Delegate | None
) -> Delegation:
    """Rename a delegation and set its head (团长): an active delegate of that delegation, or nobody."""
    delegation = Delegation.objects.select_for_update().select_related("term__org").get(pk=delegation.pk)
    term = delegation.term
    _may_manage(actor, term)
    name = name.strip()
    if not name:
        raise DomainError(_("请填写代表团名称。"))
    if Delegation.objects.filter(term=term, name=name).exclude(pk=delegation.pk).exists():
        raise DomainError(_("本届已有名为“%(name)s”的代表团。") % {"name": name})
    if head is not None:
        head = Delegate.objects.filter(pk=head.pk, delegation=delegation, active=True).first()
        if head is None:
            raise DomainError(_("团长须为本代表团的在任代表。"))
    before = {"name": delegation.name, "head": delegation.head_id}
    delegation.name, delegation.head = name, head
    old, new = changed(before, {"name": name, "head": head.pk if head else None})
    if new:  # an unchanged form writes nothing
        delegation.save(update_fields=["name", "head"])
        audit(action="congress.delegation_update", actor=actor, org=term.org, obj=delegation,
              before=old, after=new)  # fmt: skip
    return delegation


@service
def delegation_delete(*, actor: User | None, delegation: Delegation) -> None:
    """Delete a delegation that has no active delegates left (refused otherwise: move them first).

    Replaced (inactive) delegates who were in it simply lose the link.
    """
    delegation = Delegation.objects.select_for_update().select_related("term__org").get(pk=delegation.pk)
    term = delegation.term
    _may_manage(actor, term)
    members = delegation.delegates.filter(active=True).count()
    if members:
        raise DomainError(
            _("代表团“%(name)s”还有%(n)s名代表，请先将他们调整到其他代表团后再删除。")
            % {"name": delegation.name, "n": members}
        )
    audit(action="congress.delegation_delete", actor=actor, org=term.org, obj=delegation,
          before={"name": delegation.name})  # fmt: skip
    delegation.delete()


@service
def delegate_assign_delegation(
    *, actor: User | None, term: CongressTerm, delegates: Iterable[Delegate], delegation: Delegation | None
) -> int:
    """Put the chosen delegates into `delegation` (None: into no delegation). Returns how many moved.

    A head who leaves their delegation stops being its head.
    """
    _may_manage(actor, term)
    chosen = list(delegates)
    if not chosen:
        raise DomainError(_("请先勾选要调整的代表。"))
    if delegation is not None and delegation.term_id != term.pk:
        raise DomainError(_("只能调整到本届的代表团。"))
    if any(d.term_id != term.pk or not d.active for d in chosen):
        raise DomainError(_("只能调整本届在任代表。"))
    ids = sorted({d.pk for d in chosen})
    target = delegation.pk if delegation is not None else None
    Delegation.objects.filter(term=term, head__in=ids).exclude(pk__in=[target] if target else []).update(
        head=None
    )
    moved = Delegate.objects.filter(pk__in=ids).exclude(delegation=target).update(delegation=target)
    audit(action="congress.delegate_assign", actor=actor, org=term.org, obj=delegation or term,
          after={"delegates": ids, "delegation": target})  # fmt: skip
    return moved
