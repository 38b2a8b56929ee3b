"""Home-page to-dos of the care app: approvals waiting, approved but unpaid, overdue re-checks."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.access import holds
from gonghui.core.todos import Todo

from . import rules


def care_todos(user: Any, scope: Any) -> list[Todo]:
    from gonghui.core.access import scoped

    from .enums import ApplicationState
    from .models import AssistanceApplication
    from .queries import overdue_files, visible_files

    items: list[Todo] = []
    if holds(user, rules.APPROVE):
        applications = scoped(AssistanceApplication.objects.all(), user, rules.APPROVE)
        url = reverse("care:applications")
        waiting = applications.filter(state=ApplicationState.SUBMITTED).count()
        unpaid = applications.filter(state=ApplicationState.APPROVED).count()
        items.append(Todo(_("待审批的帮扶申请"), waiting, f"{url}?state=submitted", "warning"))
        items.append(Todo(_("已批准待发放的帮扶"), unpaid, f"{url}?state=approved", "info"))
    if holds(user, rules.FILE_CHANGE):
        overdue = overdue_files(visible_files(user), today=timezone.localdate()).count()
        items.append(
            Todo(_("逾期未复核的困难职工档案"), overdue, f"{reverse('care:files')}?overdue=1", "danger")
        )
    if holds(user, rules.VISIT_CHANGE):
        from .duelists import due_counts

        due, reports = due_counts(user, today=timezone.localdate())
        url = reverse("care:duelist")
        items.append(Todo(_("本月应慰问(生日、节日离退休)"), due, url, "info"))
        items.append(Todo(_("住院/五必访报告待慰问"), reports, f"{url}?tab=reports", "warning"))
    return items
