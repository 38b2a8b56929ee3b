"""The one way to declare a write: `@service`.

A service runs in one transaction and must leave an audit event for what it wrote:

    @service
    def term_create(*, actor: User, org: Org, number: int) -> CongressTerm:
        term = CongressTerm.objects.create(org=org, number=number)
        audit(action="congress.term_create", actor=actor, org=org, obj=term)
        return term

If the call wrote to the database (INSERT, UPDATE, DELETE) and recorded no audit event (its own
or a nested service's), it raises `UnauditedWrite`, which rolls the whole transaction back: a
forgotten audit fails the first test that runs the service, never silently in production. A call
that ends up writing nothing (a no-op, a refusal) needs no event. A write audited elsewhere by
design says so: `@service(audited_elsewhere="the import's apply step audits the whole file")`.
tests/test_house_rules.py checks that every public write in a services module is declared so."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, overload

from django.db import connection, transaction

from . import audit as audit_module

F = TypeVar("F", bound=Callable[..., Any])

_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class UnauditedWrite(RuntimeError):
    """A programming error: a service wrote without recording an audit event."""


class _WriteCounter:
    """An execute wrapper counting the statements that changed rows. A compare-and-set UPDATE that
    matched nothing (a second click on a job already queued) changed nothing and needs no event."""

    def __init__(self) -> None:
        self.writes = 0

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        result = execute(sql, params, many, context)
        if sql.lstrip()[:7].upper().startswith(_WRITES):
            rowcount = getattr(context.get("cursor"), "rowcount", -1)
            if rowcount is None or rowcount != 0:  # -1 (unknown) counts as a write
                self.writes += 1
        return result


@overload
def service(func: F, /) -> F: ...
@overload
def service(*, audited_elsewhere: str) -> Callable[[F], F]: ...
def service(func: Any = None, /, *, audited_elsewhere: str = "") -> Any:
    """Declare `func` a write: atomic, and audited (or `audited_elsewhere`, with the reason)."""
    if func is None:
        if not audited_elsewhere.strip():
            raise ValueError("@service(audited_elsewhere=...) needs the reason")
        return lambda f: _wrap(f, audited_elsewhere)
    return _wrap(func, "")


def _wrap(func: F, audited_elsewhere: str) -> F:
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with transaction.atomic():
            if audited_elsewhere:
                return func(*args, **kwargs)
            events_before = audit_module.recorded.get()
            counter = _WriteCounter()
            with connection.execute_wrapper(counter):
                result = func(*args, **kwargs)
            if counter.writes and audit_module.recorded.get() == events_before:
                raise UnauditedWrite(
                    f"{func.__module__}.{func.__qualname__} wrote to the database without an audit event"
                )
            return result

    wrapper.__gonghui_service__ = audited_elsewhere or True  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
