"""Home-page to-dos from the member registry."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from gonghui.core.todos import Todo


def incoming_transfers(user: Any, scope: Any) -> list[Todo]:
    return [Todo(_("待接收的会员转入"), _count(user), reverse("members:transfers"), "info")]


def _count(user: Any) -> int:
    from . import queries

    return queries.incoming_transfers(user).count()
