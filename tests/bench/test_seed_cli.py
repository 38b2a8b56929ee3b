"""`python -m bench.seed_cli` seeds the bench data into the configured database; it lives in bench/,
because gonghui never imports bench (bench imports gonghui)."""

from __future__ import annotations

import ast
import io
import subprocess
import sys
from pathlib import Path

import pytest

from bench import seed_cli
from bench.seed import bench_member_count, bench_org_count

ROOT = Path(__file__).resolve().parents[2]


def test_the_seed_command_explains_itself_without_a_database():
    result = subprocess.run(
        [sys.executable, "-m", "bench.seed_cli", "--help"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert "--orgs" in result.stdout and "--members" in result.stdout and "--reset" in result.stdout


@pytest.mark.django_db(transaction=True)  # on PostgreSQL the seeder ends with VACUUM ANALYZE
def test_the_seed_command_seeds_a_tree_with_members_keeps_it_and_refuses_another_size():
    out = io.StringIO()

    assert seed_cli.main(["--orgs", "40", "--members", "25"], out=out) == 0
    assert bench_org_count() == 40 and bench_member_count() == 25
    assert "seeded 40 organisations" in out.getvalue() and "seeded 25 members" in out.getvalue()

    again = io.StringIO()
    assert seed_cli.main(["--orgs", "40"], out=again) == 0
    assert "bench tree already has 40 organisations; kept" in again.getvalue()
    assert bench_member_count() == 25

    with pytest.raises(SystemExit) as refused:
        seed_cli.main(["--orgs", "50"], out=io.StringIO())
    assert refused.value.code == 2
    assert bench_org_count() == 40


def test_gonghui_never_imports_bench():
    importers = []
    for path in (ROOT / "gonghui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            if any(name == "bench" or name.startswith("bench.") for name in names):
                importers.append(str(path.relative_to(ROOT)))

    assert importers == []
