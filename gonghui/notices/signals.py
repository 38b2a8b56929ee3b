"""Signals other apps listen to (e.g. an award selection becomes final with its 公示).

`notice_finalized(sender=Notice, notice=notice)` is sent exactly once per notice, inside the
transaction that makes it final (so a receiver's writes commit or roll back with it). It is
core's signal (`core.publicity`), so other apps listen without importing this app.
"""

from gonghui.core.publicity import notice_finalized

__all__ = ["notice_finalized"]
