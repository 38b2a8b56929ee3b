"""The annual summary's figures and how it writes them: numbers the Chinese way, the period's
facts by key (`Figures`, noting which keys a paragraph states) and the drafting context. Shared by
summary.py and the area writers beside it (summary_care.py)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gonghui.core.facts import Fact, Period
from gonghui.core.models import Org

# --- numbers, the Chinese way ------------------------------------------------------------------


def fmt_int(value: Any) -> str:
    return str(int(value or 0))


def fmt_amount(value: Any) -> str:
    """12000 → "12000"; 12000.5 → "12000.50" (two decimals only when needed)."""
    amount = Decimal(str(value or 0))
    if amount == amount.to_integral_value():
        return str(int(amount))
    return str(amount.quantize(Decimal("0.01")))


def fmt_percent(value: Any) -> str:
    return "—" if value is None else f"{float(value):.1f}%"


def fmt_value(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "元":
        return fmt_amount(value)
    if unit == "%":
        return fmt_percent(value)
    if isinstance(value, float):
        return f"{value:g}"
    return fmt_int(value)


def json_value(value: Any) -> Any:
    """A fact's value as stored in JSON: money as a fen-exact string, others as they are."""
    if isinstance(value, Decimal):
        return fmt_amount(value)
    return value


class Figures:
    """The period's facts by key; records which keys a paragraph states."""

    def __init__(self, facts: list[Fact]) -> None:
        self.by_key = {fact.key: fact for fact in facts}
        self.used: list[str] = []

    def __contains__(self, key: str) -> bool:
        return key in self.by_key

    def raw(self, key: str) -> Any:
        fact = self.by_key.get(key)
        return None if fact is None else fact.value

    def n(self, key: str) -> int | Decimal | float:
        """The value for tests of "is there anything" (0 when missing or None)."""
        value = self.raw(key)
        return 0 if value is None else value

    def s(self, key: str) -> str:
        """The formatted value, noting that the paragraph states it."""
        fact = self.by_key.get(key)
        if fact is None:
            return "—"
        if key not in self.used:
            self.used.append(key)
        return fmt_value(fact.value, fact.unit)

    def take(self) -> list[str]:
        used, self.used = self.used, []
        return used

    def rest(self, keys: list[str]) -> str:
        """The figures among `keys` the paragraph has not stated yet and that have something to
        say (not 0 or None), as "label value unit" phrases: a section states every figure of its
        area, not only the ones its prose names."""
        phrases = []
        for key in keys:
            fact = self.by_key.get(key)
            if fact is None or key in self.used or not fact.value:
                continue
            unit = "" if fact.unit in ("%", "元") else fact.unit
            money = "元" if fact.unit == "元" else ""
            phrases.append(f"{fact.label}{self.s(key)}{money}{unit}")
        return "、".join(phrases)


def join(parts: list[str], sep: str = "，") -> str:
    return sep.join(p for p in parts if p)


def sentence(parts: list[str]) -> str:
    return join(parts, "；") + "。" if any(parts) else ""


@dataclass
class Context:
    org: Org
    period: Period
    subtree: bool
    f: Figures
