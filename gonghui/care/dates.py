"""The dates of care records that count in the figures: set by the user (today by default) and
never in the future, so a record entered late keeps the day it happened, and so its year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.errors import DomainError


def not_future(day: dt.date, what: Any) -> dt.date:
    """`day`, or a DomainError naming the date (`what`, e.g. "发放日期") if it is after today."""
    if day > timezone.localdate():
        raise DomainError(_("%(what)s不能晚于今天。") % {"what": what})
    return day


def paid_by_today(day: dt.date) -> dt.date:
    """The default payment day of something that starts on `day`: that day, or today if later."""
    return min(day, timezone.localdate())
