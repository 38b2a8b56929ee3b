"""Background work, behind one function so the runner is a setting, not a code change.

"thread" (default) runs the job in a daemon thread of the web process: enough for the embedded
demo and a single server. "inline" runs it immediately (tests). A queue (django-tasks, Celery)
would be one more branch here; callers do not change. Jobs must be idempotent and record their
own progress in the database, so a page can be left and returned to.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connection, transaction

logger = logging.getLogger(__name__)


def run_in_background(func: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """Run `func(*args, **kwargs)` after the current transaction commits."""
    runner = getattr(settings, "GONGHUI_TASK_RUNNER", "thread")

    def start() -> None:
        if runner == "inline":
            func(*args, **kwargs)
            return
        thread = threading.Thread(target=_run_thread, args=(func, args, kwargs), daemon=True)
        thread.start()

    transaction.on_commit(start)


def _run_thread(func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    close_old_connections()
    try:
        func(*args, **kwargs)
    except Exception:  # the job records its own failure; this only keeps the thread from dying loudly
        logger.exception("background job %s failed", getattr(func, "__name__", func))
    finally:
        connection.close()
