"""Home-page to-dos of public notices: objections waiting for the panel's resolution."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.core.todos import Todo


def objections_waiting(user: Any, scope: Any) -> list[Todo]:
    from . import queries

    if scope is None:
        return []
    count = queries.objections_waiting(user).count()
    return [Todo(_("待处理的公示异议"), count, reverse("notices:board"), "danger")]
