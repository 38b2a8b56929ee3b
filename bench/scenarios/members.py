"""The member registry at scale: the list and search page, and the Excel import.

(a) The member list page as the bench chair, rendered in full through Django's test client
    (middleware, session, access checks, form, template), against the raw SQL of the same page
    (every SELECT the page sends, captured from the page itself, run with a cursor and fetched),
    and against Django admin's changelist on the same table as a superuser. A floor figure (the
    smallest signed-in page against its SQL) shows what the request cycle alone costs.
(b) Importing a 50,000-row .xlsx (validate, then apply, both inline) against the time openpyxl
    alone needs to read that file.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db.models import Max
from django.test import Client, override_settings
from openpyxl import Workbook, load_workbook

from bench import pages
from bench.measure import REPEAT, Pair, Result, compare, repeats_within, result
from bench.people import IMPORT_AREAS, People
from bench.seed import chair_union_id, delete_members
from gonghui.core.models import Org, User
from gonghui.members import importer, rows
from gonghui.members.enums import (
    Education,
    Employment,
    HardshipLevel,
    MemberStatus,
    ModelWorkerLevel,
    Political,
    Sex,
)
from gonghui.members.models import ImportJob, Member
from gonghui.members.queries import groups_of

SCENARIO = "members"
ROOT = Path(__file__).resolve().parent.parent.parent
IMPORT_ROWS = 50_000
IMPORT_FILE = ROOT / "var" / "bench-import-50k.xlsx"
IMPORT_FILE_VERSION = "bench-import v1"
IMPORT_SEED = 20_240_601
ADMIN_USERNAME = "bench-superuser"
# Seconds of sampling per figure whose reference is slow (the admin changelist at a million rows).
BUDGET_S = float(os.environ.get("BENCH_BUDGET_S", "8"))
# Samples per figure for the page against its raw SQL (each sample is a full page render).
PAGE_REPEAT = max(5, REPEAT // 2)
BARE_READS = 2  # openpyxl reads of the import file (one before the import, one after)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# (a) list and search -----------------------------------------------------------------------------


def _superuser() -> User:
    user, created = User.objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"name": "基准超级用户", "is_superuser": True, "is_staff": True}
    )
    if created:
        user.set_unusable_password()
        user.save()
    return user


@dataclass(frozen=True)
class Probe:
    """What the chair searches for: real initials and a real phone tail from their union."""

    union: Org
    initials: str
    phone_tail: str


def _probe(union: Org) -> Probe:
    members = Member.objects.filter(org__path__under=union.path).order_by("id")
    first = members.exclude(name_initials="").values_list("name_initials", flat=True).first()
    mobile = members.exclude(mobile="").values_list("mobile", flat=True).first()
    if not first or not mobile:
        raise AssertionError("the bench chair's union has no members: seed with --members")
    return Probe(union=union, initials=first[:3], phone_tail=mobile[-4:])


def page_figure(
    figure: str, label: str, client: Client, url: str, headers: dict[str, str] | None = None
) -> Result:
    """The page against its raw SQL: every SELECT the page sent (session, user, roles, filter
    choices, rows, unread count), replayed with a cursor and fetched. The member-rows SELECT
    alone is reported beside it (`rows_select_ms`, `ratio_to_rows_select`)."""
    page = pages.getter(client, url, headers)
    inspected = pages.inspect(client, url, Member._meta.db_table, headers)
    fetched = pages.raw(inspected.rows)()
    plan = pages.query_plan(inspected.rows)
    log(f"  {figure}: {url} -> {len(fetched)} rows; plan: {plan}")
    pair = compare(page, pages.raw(*inspected.selects), repeat=PAGE_REPEAT)
    rows_ms = pages.median_ms(pages.raw(inspected.rows), repeat=20)
    return result(
        SCENARIO, figure, label, pair, len(fetched), url=url, page_queries=len(inspected.selects),
        rows_select_ms=round(rows_ms, 3), ratio_to_rows_select=round(pair.value_ms / rows_ms, 2), plan=plan,
    )  # fmt: skip


def floor_figure(client: Client) -> Result:
    """The least any signed-in page costs here: the unread-count fragment (session, user, one
    COUNT, a ten-line template) against its SQL. A page's ratio cannot go below this one's."""
    url = "/notifications/bell/"
    selects = pages.selects(pages.statements(pages.getter(client, url)))
    pair = compare(pages.getter(client, url), pages.raw(*selects), repeat=PAGE_REPEAT)
    return result(
        SCENARIO, "floor_signed_in", "floor: smallest signed-in page vs its SQL", pair, 1, url=url,
        page_queries=len(selects),
    )  # fmt: skip


def admin_figure(figure: str, label: str, client: Client, url: str, admin: Client, admin_url: str) -> Result:
    page, changelist = pages.getter(client, url), pages.getter(admin, admin_url)
    repeat = repeats_within(BUDGET_S, page, changelist, cap=PAGE_REPEAT)
    statements = pages.statements(changelist)
    pair = compare(page, changelist, repeat=repeat, warmup=2)
    return result(
        SCENARIO, figure, label, pair, Member.objects.count(), url=url, admin_url=admin_url, samples=repeat,
        admin_queries=len(statements),
    )  # fmt: skip


def list_figures() -> list[Result]:
    chair = User.objects.get(username="bench-chair")
    probe = _probe(Org.objects.get(pk=chair_union_id()))
    client, admin = pages.client_for(chair), pages.client_for(_superuser())
    union_url = f"/members/?union={probe.union.pk}"
    initials_url = f"/members/?q={probe.initials}"
    phone_url = f"/members/?q={probe.phone_tail}"
    changelist = "/django-admin/members/member/"
    return [
        floor_figure(client),
        page_figure("list_union", "member list page, chair's union, vs its SQL", client, union_url),
        page_figure("search_initials", f"search initials '{probe.initials}' vs its SQL", client, initials_url),
        page_figure(
            "search_initials_htmx", f"search '{probe.initials}', HTMX rows only, vs its SQL", client, initials_url,
            {"HX-Request": "true"},
        ),
        page_figure("search_phone_tail", f"search phone tail '{probe.phone_tail}' vs its SQL", client, phone_url),
        admin_figure(
            "list_vs_admin", "member list page vs admin changelist (all)", client, union_url, admin, changelist
        ),
        admin_figure(
            "search_vs_admin", f"search '{probe.initials}' vs admin changelist ?q=", client, initials_url,
            admin, f"{changelist}?q={probe.initials}",
        ),
    ]  # fmt: skip


# (b) import ------------------------------------------------------------------------------------


def _label(choices: Any, value: str) -> str:
    return str(dict(choices)[value]) if value else ""


def _import_marker(groups: list[str]) -> str:
    return f"{IMPORT_FILE_VERSION} rows={IMPORT_ROWS} groups={'|'.join(groups)}"


def _file_marker(path: Path) -> str | None:
    if not path.exists():
        return None
    try:
        workbook = load_workbook(path, read_only=True)
    except Exception:
        return None
    try:
        return workbook.properties.description
    finally:
        workbook.close()


def write_import_file(path: Path, union: Org) -> None:
    """50,000 people with valid, new ID numbers, most of them in one of the union's groups."""
    group_names = [g.name for g in groups_of(union)]
    retiree_groups = [name for name in group_names if "退休" in name] or group_names
    working_groups = [name for name in group_names if "退休" not in name] or group_names
    people = People(IMPORT_SEED, areas=IMPORT_AREAS)
    rng = random.Random(IMPORT_SEED)
    workbook = Workbook(write_only=True)
    workbook.properties.description = _import_marker(group_names)
    sheet = workbook.create_sheet(importer.SHEET_NAME)
    sheet.append([f"{c.header}*" if c.required else c.header for c in rows.COLUMNS])
    ethnicities = ["汉族"] * 46 + ["壮族", "回族", "土家族", "苗族"]
    for number in range(1, IMPORT_ROWS + 1):
        person = people.person(union.unit_type)
        group = ""
        if group_names and (person.retired or rng.random() < 0.85):
            group = rng.choice(retiree_groups if person.retired else working_groups)
        values = {
            "name": person.name.name,
            "sex": _label(Sex.choices, person.sex),
            "birth_date": f"{person.birth:%Y/%m/%d}",
            "ethnicity": rng.choice(ethnicities),
            "id_number": person.id_number,
            "mobile": person.mobile,
            "political": _label(Political.choices, person.political),
            "education": _label(Education.choices, person.education),
            "position": person.position,
            "join_date": f"{person.join_date:%Y/%m/%d}",
            "card_number": f"IMP{number:06d}",
            "employment": _label(Employment.choices, person.employment),
            "group": group,
            "hardship_level": _label(HardshipLevel.choices, person.hardship_level),
            "hardship_cert_no": f"KN{number:06d}" if person.hardship_level else "",
            "single_parent": "是" if person.single_parent else "否",
            "model_worker_level": _label(ModelWorkerLevel.choices, person.model_worker_level),
            "status": _label(MemberStatus.choices, person.status),
            "migrant": "否",
        }
        sheet.append([values[c.key] for c in rows.COLUMNS])
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(path)


def ensure_import_file(union: Org) -> Path:
    """The import file, written once (again only when the union's groups changed)."""
    marker = _import_marker([g.name for g in groups_of(union)])
    if _file_marker(IMPORT_FILE) != marker:
        started = time.perf_counter()
        write_import_file(IMPORT_FILE, union)
        log(f"  wrote {IMPORT_FILE.name} ({IMPORT_ROWS} rows) in {time.perf_counter() - started:.1f} s")
    return IMPORT_FILE


def bare_read(path: Path) -> int:
    """What openpyxl alone needs: open read-only and iterate every cell."""
    workbook = load_workbook(path, read_only=True)
    cells = 0
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            for _cell in row:
                cells += 1
    finally:
        workbook.close()
    return cells


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


# The importer's steps, timed separately (both validate and apply read and check the whole file).
STEPS = ("_scan", "_prepare", "_write")


@contextmanager
def step_timer() -> Iterator[dict[str, float]]:
    """Time the importer's steps (module functions, wrapped for the duration) in milliseconds."""
    spent: dict[str, float] = dict.fromkeys(STEPS, 0.0)
    originals = {name: getattr(importer, name) for name in STEPS}

    def wrap(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += (time.perf_counter() - started) * 1000

        return timed

    for name, fn in originals.items():
        setattr(importer, name, wrap(name, fn))
    try:
        yield spent
    finally:
        for name, fn in originals.items():
            setattr(importer, name, fn)


def run_import(path: Path, union: Org, actor: User) -> dict[str, float]:
    """Validate and apply the file as the chair, inline; then delete what it created."""
    last_id = Member.objects.aggregate(m=Max("id"))["m"] or 0
    with (
        tempfile.TemporaryDirectory() as media,
        override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            MEDIA_ROOT=media,
        ),
        step_timer() as steps,
    ):
        job = ImportJob.objects.create(
            org=union, actor=actor, file_name=path.name, file_path=str(path), state=ImportJob.State.VALIDATING
        )
        try:
            validate_ms = _timed(lambda: importer.import_validate(job.pk))
            job.refresh_from_db()
            if job.state != ImportJob.State.PREVIEW or job.error_rows or job.total_rows != IMPORT_ROWS:
                raise AssertionError(f"import preview: {job.state} {job.message} {job.errors[:3]}")
            apply_ms = _timed(lambda: importer.import_apply(actor=actor, job=job, include_valid_only=False))
            job.refresh_from_db()
            if job.state != ImportJob.State.DONE or job.created_count != IMPORT_ROWS:
                raise AssertionError(f"import apply: {job.state} {job.message}")
        finally:
            delete_members(Member.objects.filter(pk__gt=last_id, org__path__under=union.path))
            job.delete()
    return {"validate_ms": validate_ms, "apply_ms": apply_ms, **{f"{k[1:]}_ms": v for k, v in steps.items()}}


def import_figure() -> Result:
    chair = User.objects.get(username="bench-chair")
    union = Org.objects.get(pk=chair_union_id())
    path = ensure_import_file(union)
    reads: list[float] = []
    cells = 0

    def read() -> None:
        nonlocal cells
        cells = bare_read(path)

    reads.append(_timed(read))
    parts = run_import(path, union, chair)
    for _ in range(BARE_READS - 1):
        reads.append(_timed(read))
    import_ms = parts["validate_ms"] + parts["apply_ms"]
    pair = Pair(value_ms=import_ms, reference_ms=statistics.median(reads))
    return result(
        SCENARIO, "import_50k", "import .xlsx: validate + apply vs openpyxl read", pair, IMPORT_ROWS,
        **{key: round(value, 1) for key, value in parts.items()},
        read_ms=[round(r, 1) for r in reads], cells=cells, file_bytes=path.stat().st_size,
    )  # fmt: skip


def run() -> list[Result]:
    return [*list_figures(), import_figure()]
