"""Reading numbers from a request's query string or form safely.

A request can carry anything: `?union=²` passes `str.isdigit()` and then makes `int()` raise, and
`?union=999…9` (thirty digits) makes the database raise when it reaches a query. Every integer a
view reads from `request.GET` (or a posted field it reads by hand) goes through `int_param`, which
answers None for anything that is not a plain, in-range number; the view then treats it as absent.
"""

from __future__ import annotations

# The largest primary key the databases hold (a signed 64-bit integer): a larger number in a
# query would make SQLite raise OverflowError and PostgreSQL an out-of-range error.
MAX_INT = 2**63 - 1


def int_param(raw: object, *, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """The integer `raw` spells, or None: missing, empty, not ASCII digits ('²' and '١' pass
    str.isdigit() but int('²') raises), signed, or outside minimum..maximum."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text or len(text) > 19 or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if minimum <= value <= maximum else None


def int_list(raws: list[str], *, minimum: int = 0, maximum: int = MAX_INT) -> list[int]:
    """The integers among `raws` (e.g. `request.GET.getlist("member")`), in order; the rest dropped."""
    values = (int_param(raw, minimum=minimum, maximum=maximum) for raw in raws)
    return [value for value in values if value is not None]
