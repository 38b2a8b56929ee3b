"""House rules checked on the source (issue 14): one way to write, one way to change state.

- Every public function of a services module that writes is declared with `core.writes.service`
  (atomic, audited); reads and pure helpers living there are recognised by writing nothing, and a
  function that only calls other services composes declared writes.
- A field a model declares a `core.transitions.StateMachine` for is written only by the machine:
  no `obj.state = …`, no `.update(state=…)` anywhere else (a row is still created in its initial
  state with `Model(state=…)` / `objects.create(state=…)`).
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import models

from gonghui.core.audit_text import registered_events
from gonghui.core.errors import DomainError
from gonghui.core.exports.models import ExportJob
from gonghui.core.models import AuditEvent, Org
from gonghui.core.transitions import StateMachine, machines
from gonghui.core.writes import UnauditedWrite, service
from gonghui.voting.enums import PollState
from gonghui.voting.models import Poll

ROOT = Path(__file__).resolve().parent.parent / "gonghui"

# The modules whose public functions are the app's writes: an app's services.py, or each module
# of its services/ package once that grew too long for one file.
SERVICE_MODULES = sorted(
    [*ROOT.glob("*/services.py"), *ROOT.glob("*/services/*.py"), ROOT / "care" / "campaigns.py",
     ROOT / "care" / "visiting.py", ROOT / "care" / "occasions.py", ROOT / "core" / "imports" / "jobs.py",
     ROOT / "core" / "exports" / "jobs.py"]
)  # fmt: skip

# Calls that write: the ORM's write API, a state move, an audit event.
WRITE_CALLS = {
    "save", "create", "bulk_create", "bulk_update", "update", "delete", "get_or_create",
    "update_or_create", "move", "move_rows", "set_password", "audit", "_raw_delete",
}  # fmt: skip


def _is_service(function: ast.FunctionDef) -> bool:
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id == "service":
            return True
        if isinstance(target, ast.Attribute) and target.attr == "service":
            return True
    return False


def _is_task(function: ast.FunctionDef) -> bool:
    """A queue's `@task()`: the worker's entry to a background job."""
    for decorator in function.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Name) and target.id == "task":
            return True
    return False


def _worker_side(functions: list[ast.FunctionDef]) -> set[str]:
    """The module's `@task`s and the functions they run: background steps commit their progress
    as they go (never one transaction), a job's state moves by its machine's `move_rows`, and the
    service that queued the job audited the request."""
    by_name = {f.name: f for f in functions}
    found = {f.name for f in functions if _is_task(f)}
    todo = list(found)
    while todo:
        for name, is_method in _called_names(by_name[todo.pop()]):
            if not is_method and name in by_name and name not in found:
                found.add(name)
                todo.append(name)
    return found


def _called_names(node: ast.AST) -> list[tuple[str, bool]]:
    """(name, is_method) of every call in `node`."""
    found = []
    for call in ast.walk(node):
        if isinstance(call, ast.Call):
            if isinstance(call.func, ast.Attribute):
                found.append((call.func.attr, True))
            elif isinstance(call.func, ast.Name):
                found.append((call.func.id, False))
    return found


def _writes(function: ast.FunctionDef, private: dict[str, ast.FunctionDef], seen: set[str]) -> bool:
    """Whether `function` writes directly or through the module's private helpers."""
    for name, is_method in _called_names(function):
        if name in WRITE_CALLS:
            return True
        if not is_method and name in private and name not in seen:
            seen.add(name)
            if _writes(private[name], private, seen):
                return True
    return False


def _undeclared_writes() -> list[str]:
    found = []
    for path in SERVICE_MODULES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
        private = {f.name: f for f in functions if f.name.startswith("_")}
        relative = str(path.relative_to(ROOT))
        worker = _worker_side(functions)
        for function in functions:
            if function.name.startswith("_") or _is_service(function) or function.name in worker:
                continue
            if _writes(function, private, set()):
                found.append(f"{relative}:{function.lineno} {function.name}")
    return found


def test_every_public_write_in_a_services_module_is_declared_a_service() -> None:
    assert _undeclared_writes() == []


# --- state fields -------------------------------------------------------------------------------


def _state_fields() -> set[str]:
    return {machine.field for _model, machine in machines()}


# Fields of the same name on tables that are not ours, each with why.
NOT_OURS = {
    ("core/tasks.py", "status"): "django_tasks_db's DBTaskResult: the queue library's own table",
}


def _state_writes(fields: set[str]) -> list[str]:
    found = []
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if "migrations" in relative.parts or relative == Path("core/transitions.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            targets: list[ast.AST] = []
            if isinstance(node, ast.Assign):
                targets = list(node.targets)
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                names = target.elts if isinstance(target, ast.Tuple | ast.List) else [target]
                for one in names:
                    if isinstance(one, ast.Attribute) and one.attr in fields:
                        if (str(relative), one.attr) in NOT_OURS:
                            continue
                        found.append(f"{relative}:{node.lineno} .{one.attr} = …")
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr == "update":
                for keyword in node.keywords:
                    if keyword.arg in fields and (str(relative), keyword.arg) not in NOT_OURS:
                        found.append(f"{relative}:{node.lineno} .update({keyword.arg}=…)")
            named = (
                node.args[1].value if len(node.args) > 1 and isinstance(node.args[1], ast.Constant) else None
            )
            if isinstance(node.func, ast.Name) and node.func.id == "setattr" and named in fields:
                found.append(f"{relative}:{node.lineno} setattr(…, {named!r}, …)")
    return found


def test_the_machines_are_declared_for_every_state_like_field_the_issue_names(db) -> None:
    declared = {(model._meta.label, machine.field) for model, machine in machines()}
    assert {
        ("core.Org", "status"),
        ("congress.CongressSession", "status"),
        ("voting.Poll", "state"),
        ("members.Member", "status"),
        ("members.Transfer", "state"),
        ("core.ImportJob", "state"),
        ("core.ExportJob", "state"),
    } <= declared


def test_a_declared_state_field_is_written_only_by_its_machine(db) -> None:
    assert _state_writes(_state_fields()) == []


def test_every_machine_is_complete_and_says_how_it_is_audited(db) -> None:
    events = registered_events()
    for model, machine in machines():
        field = model._meta.get_field(machine.field)
        assert set(machine.choices.values) == {value for value, _label in field.choices}, model
        assert set(machine.table) == set(machine.choices.values), f"{model.__name__}: a state has no row"
        for targets in machine.table.values():
            assert set(targets) <= set(machine.choices.values), model
        for state, stamp in machine.stamps.items():
            assert state in machine.choices.values
            assert isinstance(model._meta.get_field(stamp), models.DateTimeField | models.DateField), stamp
        if machine.action is not None:
            assert machine.action in events, f"{machine.action} has no Chinese sentence"
        else:
            assert machine.audited_elsewhere


# --- the mechanisms themselves ------------------------------------------------------------------


@service
def _rename_quietly(*, org: Org, name: str) -> None:
    Org.objects.filter(pk=org.pk).update(name=name)


@service
def _rename_audited(*, org: Org, name: str) -> None:
    Org.objects.filter(pk=org.pk).update(name=name)
    from gonghui.core.audit import audit

    audit(action="org.update", org=org, obj=org, after={"name": name})


@service
def _look(*, org: Org) -> str:
    return Org.objects.get(pk=org.pk).name


def test_a_service_that_writes_without_an_audit_event_is_refused_and_rolled_back(tree) -> None:
    with pytest.raises(UnauditedWrite):
        _rename_quietly(org=tree.school1, name="改名")
    tree.school1.refresh_from_db()
    assert tree.school1.name == "第一中学工会"


def test_an_audited_write_and_a_read_pass(tree) -> None:
    _rename_audited(org=tree.school1, name="第一中学新工会")
    assert _look(org=tree.school1) == "第一中学新工会"
    assert AuditEvent.objects.filter(action="org.update", object_id=str(tree.school1.pk)).count() == 1


def test_an_update_that_matched_no_row_wrote_nothing_and_needs_no_event(tree) -> None:
    events = AuditEvent.objects.count()

    _rename_quietly(org=Org(pk=10**9), name="不存在的工会")

    assert AuditEvent.objects.count() == events


def test_opting_out_of_the_audit_needs_a_reason() -> None:
    with pytest.raises(ValueError):
        service(audited_elsewhere=" ")


def test_a_move_checks_the_table_stamps_the_time_and_audits(tree, chair) -> None:
    poll = Poll.objects.create(org=tree.school1, kind="election", title="选举")
    with pytest.raises(DomainError, match="投票当前为“准备中”，不能改为“已公布结果”"):
        Poll.states.move(poll, to=PollState.RELEASED, actor=chair, org=poll.org)
    Poll.states.move(poll, to=PollState.CANCELLED, actor=chair, org=poll.org)
    poll.refresh_from_db()
    assert poll.state == PollState.CANCELLED
    event = AuditEvent.objects.get(action="voting.poll_state", object_id=str(poll.pk))
    assert (event.before, event.after) == ({"state": "draft"}, {"state": "cancelled"})


def test_a_conditional_move_claims_a_queued_job_once(tree, chair) -> None:
    job = ExportJob.objects.create(kind="members.list", org=tree.school1, actor=chair)
    rows = ExportJob.objects.filter(pk=job.pk)
    assert ExportJob.states.move_rows(rows, to=ExportJob.State.RUNNING) == 1
    assert ExportJob.states.move_rows(rows, to=ExportJob.State.RUNNING, from_=[ExportJob.State.QUEUED]) == 0
    assert ExportJob.states.move_rows(rows, to=ExportJob.State.DONE) == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert isinstance(job.finished_at, dt.datetime)  # the stamp of DONE


def test_an_audited_machine_never_moves_rows_in_bulk() -> None:
    with pytest.raises(TypeError):
        Poll.states.move_rows(Poll.objects.none(), to=PollState.CANCELLED)


def test_a_machine_without_an_audit_action_must_say_where_it_is_audited() -> None:
    with pytest.raises(ValueError):
        StateMachine(field="state", choices=PollState, table={})
