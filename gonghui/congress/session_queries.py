"""Congress sessions as other areas read them (the annual summary names the sessions held)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gonghui.core.models import Org

from .enums import SessionStatus
from .models import CongressSession


def sessions_held(org: Org, start: dt.date, end: dt.date, *, subtree: bool = True) -> list[dict[str, Any]]:
    """Sessions held (not in preparation) dated in [start, end], oldest first: org, date, name."""
    from .documents import session_name

    sessions = CongressSession.objects.filter(date__gte=start, date__lte=end).exclude(
        status=SessionStatus.PREPARING
    )
    sessions = sessions.filter(org__path__under=org.path) if subtree else sessions.filter(org=org)
    return [
        {"org": s.org.name, "date": s.date, "name": session_name(s)}
        for s in sessions.select_related("org", "term").order_by("date", "pk")[:20]
    ]
