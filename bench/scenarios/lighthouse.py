"""Lighthouse scores of the home page, the member list and the dashboard, phone and desktop
(bench/lighthouse.py does the work in a database and server of its own; see its docstring).

Each row's value is the page's Largest Contentful Paint (ms); there is no reference to compare it
with in the same run, so reference and ratio are empty, and the scores are extra keys
(`performance`, `accessibility`, 0–100; targets 90 and 95) and in the label.
"""

from __future__ import annotations

import math
from typing import Any

from bench import lighthouse


def run() -> list[dict[str, Any]]:
    rows = []
    for row in lighthouse.measure():
        rows.append(
            {
                **row,
                "figure": f"lighthouse_{row['page']}_{row['form_factor']}",
                "label": (
                    f"{row['path']} {row['form_factor']}: performance {row['performance']}, "
                    f"accessibility {row['accessibility']}{'' if row['ok'] else ' (below target)'}"
                ),
                "value_ms": float(row["lcp_ms"]),
                "reference_ms": math.nan,
                "ratio": math.nan,
                "rows": 0,
            }
        )
    lighthouse.log("\n" + lighthouse.table(rows))
    return rows
