"""Access has one choke point (core.access, DESIGN.md §3): app code never tests `is_superuser`,
never builds scope filters itself, and a view never reads a scoped model past its policy.

An AST lint over `gonghui/` outside `gonghui/core/`:

* the name `is_superuser` (ask `core.access.unrestricted()` or `request.access.unrestricted`);
* calls of `scope_q`, `user_scopes`, `_minimal` (ask `scoped()`, `visible()`, `orgs_for()`, `holds()`);
* in views modules, `<Model>.objects` of a model that declares `access = AccessPolicy(...)`,
  except as the rows handed to a core.access call (`visible`, `scoped`, `get_scoped`, `get_from`,
  also as `request.access` methods); other reads belong in the app's queries module.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP_CODE = ROOT / "gonghui"
CORE = APP_CODE / "core"
FORBIDDEN_CALLS = frozenset({"scope_q", "user_scopes", "_minimal"})
# core.access entry points (and request.access's methods): a queryset built in their first argument
# is the rows they scope, so `Model.objects` is fine there.
SCOPING_CALLS = frozenset({"visible", "scoped", "get_scoped", "get_from", "orgs_for"})


def _app_files() -> list[Path]:
    return sorted(p for p in APP_CODE.rglob("*.py") if CORE not in p.parents and "migrations" not in p.parts)


def _is_views_module(path: Path, base: Path = APP_CODE) -> bool:
    return path.name == "views.py" or "views" in path.relative_to(base).parts[:-1]


def _declares_policy(node: ast.ClassDef, policies: set[str]) -> bool:
    """`access = AccessPolicy(...)` (or a module-level policy constant) in the class body."""
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        if not any(isinstance(t, ast.Name) and t.id == "access" for t in targets):
            continue
        if isinstance(value, ast.Call) and _name(value.func) == "AccessPolicy":
            return True
        if isinstance(value, ast.Name) and value.id in policies:
            return True
    return False


def _name(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def policy_models() -> set[str]:
    """Names of the models (anywhere in gonghui) that declare an AccessPolicy, directly or through
    a module constant (which may live in another module of a package: care/models/_common.py)."""
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in APP_CODE.rglob("*.py")]
    policies: set[str] = set()  # module constants holding a policy (or naming one)
    for _ in range(2):  # a constant may name a constant of another module
        for tree in trees:
            for node in tree.body:
                if isinstance(node, ast.Assign) and (
                    (isinstance(node.value, ast.Call) and _name(node.value.func) == "AccessPolicy")
                    or (isinstance(node.value, ast.Name) and node.value.id in policies)
                ):
                    policies |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return {
        node.name
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef) and _declares_policy(node, policies)
    }


def _scoped_nodes(tree: ast.AST) -> set[int]:
    """Nodes inside the first argument of a core.access call."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _name(node.func) in SCOPING_CALLS and node.args:
            inside |= {id(n) for n in ast.walk(node.args[0])}
    return inside


def violations(path: Path, models: set[str], *, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    views = _is_views_module(path, APP_CODE if root == ROOT else root)
    scoped = _scoped_nodes(tree) if views else set()
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', 0)}"
        if (isinstance(node, ast.Attribute) and node.attr == "is_superuser") or (
            isinstance(node, ast.Name) and node.id == "is_superuser"
        ):
            found.append(f"{where} is_superuser")
        elif isinstance(node, ast.Call) and _name(node.func) in FORBIDDEN_CALLS:
            found.append(f"{where} {_name(node.func)}()")
        elif (
            views
            and isinstance(node, ast.Attribute)
            and node.attr == "objects"
            and isinstance(node.value, ast.Name)
            and node.value.id in models
            and id(node) not in scoped
        ):
            found.append(f"{where} {node.value.id}.objects")
    return found


def test_the_lint_knows_the_models_with_a_policy():
    models = policy_models()
    assert {"Member", "Proposal", "HardshipFile", "Visit", "Poll", "Notice"} <= models
    assert "Cosigner" not in models


def test_app_code_asks_core_access_and_nothing_else():
    models = policy_models()
    found = [v for path in _app_files() for v in violations(path, models)]
    assert found == [], "\n".join(found)


def test_the_lint_catches_each_kind_of_bypass(tmp_path):
    """The bypasses issue 14 found, written again: each is reported."""
    views = tmp_path / "views.py"
    views.write_text(
        "def page(request):\n"
        "    if request.user.is_superuser:\n"
        "        q = scope_q(request.user, ROLES)\n"
        "    return Member.objects.filter(q)\n"
        "def fine(request):\n"
        "    return visible(Member.objects.all(), request.user)\n",
        encoding="utf-8",
    )
    found = violations(views, {"Member"}, root=tmp_path)
    assert [f.split(" ", 1)[1] for f in sorted(found)] == ["is_superuser", "scope_q()", "Member.objects"]
