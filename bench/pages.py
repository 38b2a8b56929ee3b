"""Page figures shared by the scenarios: a GET through Django's test client as a logged-in user
(middleware, session, access checks, forms, full template), the statements it sent (recorded
with `connection.execute_wrapper`), and those statements replayed with a plain cursor, every row
fetched: the raw-SQL reference of a page, measured in the same run.

Used by every page scenario (members, congress).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client

from gonghui.core.models import User

Statement = tuple[str, Any]  # SQL with placeholders, and its parameters


@dataclass(frozen=True)
class Page:
    """One GET of a page, and the statements it ran."""

    url: str
    statements: list[Statement]
    rows: Statement  # the SELECT of the page's rows

    @property
    def selects(self) -> list[Statement]:
        return selects(self.statements)


def selects(statements: list[Statement]) -> list[Statement]:
    return [s for s in statements if s[0].lstrip().upper().startswith("SELECT")]


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def getter(client: Client, url: str, headers: dict[str, str] | None = None) -> Callable[[], Any]:
    """A call that GETs `url` and fails unless the answer is 200."""

    def call() -> Any:
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise AssertionError(f"GET {url}: {response.status_code}")
        return response

    return call


def statements(call: Callable[[], Any]) -> list[Statement]:
    """The statements `call` sends to the database (sql, params), in order."""
    seen: list[Statement] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        seen.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        call()
    return seen


def inspect(client: Client, url: str, table: str, headers: dict[str, str] | None = None) -> Page:
    """Run the page once, recording its statements; find the one SELECT of its rows: the
    statement whose (first) FROM is `table` (a db_table name), with a LIMIT."""
    recorded = statements(getter(client, url, headers))
    return Page(url=url, statements=recorded, rows=rows_select(recorded, table, url))


def reads(sql: str, table: str) -> bool:
    """Is `sql` a SELECT whose first FROM is `table` (not merely a subquery of it)?"""
    head, _, rest = sql.partition(" FROM ")
    return head.startswith("SELECT") and rest.startswith(connection.ops.quote_name(table))


def rows_select(recorded: list[Statement], table: str, url: str = "") -> Statement:
    found = [(sql, params) for sql, params in recorded if reads(sql, table) and "LIMIT" in sql]
    if len(found) != 1:
        raise AssertionError(f"{url}: expected one SELECT of {table} rows, found {len(found)}")
    return found[0]


def raw(*replayed: Statement) -> Callable[[], list[tuple[Any, ...]]]:
    """The statements run with a plain cursor, every row fetched (the last one's rows returned)."""

    def call() -> list[tuple[Any, ...]]:
        fetched: list[tuple[Any, ...]] = []
        with connection.cursor() as cursor:
            for sql, params in replayed:
                cursor.execute(sql, params)
                fetched = cursor.fetchall()
        return fetched

    return call


def median_ms(call: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def query_plan(statement: Statement) -> str:
    """The database's plan for a statement, one line per step joined with " | "."""
    sql, params = statement
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return " | ".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute(f"EXPLAIN {sql}", params)
        return " | ".join(str(row[0]).strip() for row in cursor.fetchall())
