"""Who may approve (批准) an assistance application or a visit: one answer for the page, which
shows the 批准 form only to a user who may use it, and for the service, which refuses everyone
else. The approver is the chair, a vice-chair or the 生活委员 of the union, never the one who
applied for or recorded it, nor a member it helps."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gonghui.core.access import may

from . import rules
from .models import AssistanceApplication, Visit


def application_refusal(actor: Any, application: AssistanceApplication) -> str | None:
    """Why `actor` may not decide (approve or reject) `application`, or None if they may."""
    if not may(actor, rules.APPROVE, application.org):
        return _("只有工会主席、副主席或生活委员可以审批帮扶申请。")
    if actor.pk == application.applied_by_id:
        return _("申请人不能审批自己提交的申请。")
    if actor.pk == application.member.user_id:
        return _("不能审批给自己的帮扶。")
    return None


def visit_refusal(actor: Any, visit: Visit) -> str | None:
    """Why `actor` may not approve `visit`, or None if they may."""
    if not may(actor, rules.VISIT_APPROVE, visit.org):
        return _("只有工会主席、副主席或生活委员可以审批慰问。")
    if actor.pk == visit.recorded_by_id:
        return _("登记人不能审批自己登记的慰问。")
    if visit.visit_members.filter(member__user=actor).exists():
        return _("不能审批给自己的慰问。")
    return None
