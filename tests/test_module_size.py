"""Small modules (issue 14): no module of `gonghui/` over 600 lines. An area that outgrows one
module becomes a package split by entity (`services/`: terms, sessions, proposals...), whose
`__init__` re-exports the public names."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 600


def long_modules(base: Path) -> list[str]:
    found = []
    for path in sorted(base.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > LIMIT:
            found.append(f"{path.relative_to(base)}: {lines} lines")
    return found


def test_no_module_of_the_app_is_over_600_lines():
    assert long_modules(ROOT / "gonghui") == []


def test_a_long_module_is_reported_with_its_length(tmp_path):
    (tmp_path / "short.py").write_text("x = 1\n" * LIMIT, encoding="utf-8")
    (tmp_path / "long.py").write_text("x = 1\n" * (LIMIT + 1), encoding="utf-8")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_initial.py").write_text("x = 1\n" * 2000, encoding="utf-8")

    assert long_modules(tmp_path) == ["long.py: 601 lines"]
