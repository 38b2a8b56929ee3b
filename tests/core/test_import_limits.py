"""Issue 13 hole 2: an import cannot hurt the server. A 206 KB .xlsx whose shared string is 200 MB
grew a worker to 3.1 GB; a 1 KB sheet with two cells far apart makes the reader ask for a 512 GB
cell table and abort; a 22 KB file gave a 62.9 MB status page. Reading is now bounded before the
reader sees the file (sizes counted while inflating, headers not trusted), a cell over the limit
is refused naming its row and column, and error messages and lists are cut.

The memory tests read the file in a child process with an address-space limit (a reader that
blows up aborts the child, not the test run) and print the child's peak RSS."""

from __future__ import annotations

import datetime as dt
import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

import pytest
import xlsxwriter
from django.urls import reverse
from django.utils import timezone

from gonghui.care.imports import period_start
from gonghui.care.models import AssistanceApplication
from gonghui.core.enums import Portfolio, Role
from gonghui.core.errors import DomainError
from gonghui.core.imports import jobs, kinds
from gonghui.core.imports.limits import check_package
from gonghui.core.imports.models import ImportJob
from gonghui.core.imports.sheet import open_sheet
from tests.core.imports_support import run_apply, run_upload, xlsx
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

HEADERS = ["工会", "姓名*", "类别*", "金额(元)*", "发放日期*", "事由*"]
MB = 1024 * 1024
NS = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    b'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    b'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    b'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    b'2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook ' + NS + b' xmlns:r="http://schemas.'
    b'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
    b"</sheets></workbook>",
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    b'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    b'Target="sharedStrings.xml"/></Relationships>',
}


@pytest.fixture(autouse=True)
def _inline(settings, tmp_path):
    settings.GONGHUI_TASK_RUNNER = "inline"
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def officer(tree):
    user = UserFactory(username="county_care")
    RoleAssignmentFactory(user=user, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE)
    return user


def day() -> str:
    return (period_start(timezone.localdate()) - dt.timedelta(days=3)).strftime("%Y/%m/%d")


# --- files written part by part (a 200 MB string is never held in memory) ------------------------


def write_xlsx(path: Path, *, strings: Iterable[bytes], sheet: Iterable[bytes], level: int = 6) -> Path:
    """An .xlsx from the pieces of xl/sharedStrings.xml (inside <sst>) and of the sheet's
    <sheetData>, each part streamed into the zip (deflated at `level`)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as package:
        for name, content in PARTS.items():
            package.writestr(name, content)
        for name, root, pieces in (
            ("xl/sharedStrings.xml", b"sst", strings),
            ("xl/worksheets/sheet1.xml", b"worksheet", sheet),
        ):
            with package.open(name, "w") as part:
                part.write(b'<?xml version="1.0" encoding="UTF-8"?><' + root + b" " + NS + b">")
                part.write(b"<sheetData>" if root == b"worksheet" else b"")
                for piece in pieces:
                    part.write(piece)
                part.write(b"</sheetData>" if root == b"worksheet" else b"")
                part.write(b"</" + root + b">")
    return path


def string_item(text: str) -> bytes:
    return f"<si><t>{text}</t></si>".encode()


def huge_string(megabytes: int) -> Iterable[bytes]:
    yield b"<si><t>"
    chunk = b"A" * MB
    for _ in range(megabytes):
        yield chunk
    yield b"</t></si>"


def payout_row(number: int, strings: dict[str, int], reason_index: int) -> bytes:
    """A sheet row of shared-string cells: the payout columns, 事由 from `reason_index`."""
    cells = [
        strings["第一中学工会"],
        strings["王困难"],
        strings["困难帮扶"],
        strings["100"],
        strings[day()],
        reason_index,
    ]
    return (
        f'<row r="{number}">'
        + "".join(f'<c r="{"ABCDEF"[i]}{number}" t="s"><v>{index}</v></c>' for i, index in enumerate(cells))
        + "</row>"
    ).encode()


def payout_file_with_reason(path: Path, reason: Iterable[bytes]) -> Path:
    """Headers and one payout row whose 事由 is the last shared string (`reason`, streamed)."""
    texts = [*HEADERS, "第一中学工会", "王困难", "困难帮扶", "100", day()]
    strings = {text: index for index, text in enumerate(texts)}
    header = (
        '<row r="1">' + "".join(f'<c r="{"ABCDEF"[i]}1" t="s"><v>{i}</v></c>' for i in range(6)) + "</row>"
    ).encode()
    return write_xlsx(
        path,
        strings=[*(string_item(t) for t in texts), *reason],
        sheet=[header, payout_row(2, strings, len(texts))],
    )


def understate_size(path: Path, member: str, size: int) -> None:
    """Make the zip's headers claim `member` inflates to `size` bytes (a crafted file: the
    compressed stream still inflates to all of it)."""
    content = bytearray(path.read_bytes())
    name = member.encode()
    central = content.find(b"PK\x01\x02")
    while central >= 0:
        length = struct.unpack_from("<H", content, central + 28)[0]
        if bytes(content[central + 46 : central + 46 + length]) == name:
            struct.pack_into("<L", content, central + 24, size)
            local = struct.unpack_from("<L", content, central + 42)[0]
            struct.pack_into("<L", content, local + 22, size)
        central = content.find(b"PK\x01\x02", central + 4)
    path.write_bytes(bytes(content))


# --- reading in a child process, its memory bounded and measured ---------------------------------

CHILD = """
import resource
import sys
resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
import django
django.setup()
from gonghui.core.errors import DomainError
from gonghui.core.imports.sheet import open_sheet
try:
    sheet = open_sheet(sys.argv[1])
    print("READ", sum(1 for _ in sheet.rows))
except DomainError as error:
    print("REFUSED", error)
# VmHWM: this process's peak resident memory (ru_maxrss would keep the forking parent's peak)
status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
print("PEAK_MB", int(status["VmHWM"].split()[0]) // 1024)
"""


def read_in_child(path: Path, *, address_space: int = 1024 * MB) -> tuple[str, int]:
    """Read `path` as the import worker does, in a child limited to `address_space` bytes: its
    output, and its peak resident memory in MB (printed for the report)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gonghui.config.settings"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), str(address_space)],
        capture_output=True, text=True, env=env, timeout=300, cwd=Path(__file__).resolve().parents[2],
    )  # fmt: skip
    assert done.returncode == 0, f"the reader died ({done.returncode}): {done.stderr[-2000:]}"
    peak = int(done.stdout.rsplit("PEAK_MB", 1)[1])
    print(f"\n{path.name}: {path.stat().st_size // 1024} KB on disk; child peak RSS {peak} MB")
    return done.stdout, peak


def test_a_206_kb_file_holding_a_200_mb_string_is_refused_and_the_worker_stays_under_300_mb(tmp_path):
    path = payout_file_with_reason(tmp_path / "200mb-string.xlsx", huge_string(200))
    assert path.stat().st_size < 400 * 1024

    output, peak = read_in_child(path)

    assert "REFUSED 文件中的文字超过30MB，请拆分后分批导入。" in output
    assert peak < 300


def test_a_200_mb_string_behind_headers_that_lie_is_refused_while_inflating(tmp_path):
    path = payout_file_with_reason(tmp_path / "lying.xlsx", huge_string(200))
    understate_size(path, "xl/sharedStrings.xml", 4096)

    output, peak = read_in_child(path)

    assert "REFUSED 文件已损坏或不是有效的 .xlsx 文件" in output
    assert peak < 300


def test_a_sheet_of_1_gb_of_zeros_is_refused_the_same_way(tmp_path):
    zeros = (b"0" * (16 * MB) for _ in range(64))
    path = write_xlsx(
        tmp_path / "zeros.xlsx",
        strings=[string_item("x")],
        sheet=[b'<row r="1"><c r="A1"><v>', *zeros, b"</v></c></row>"],
        level=1,  # 5 s instead of 16 to write; 4.5 MB instead of 1 MB on disk
    )
    assert path.stat().st_size < 5 * MB

    output, peak = read_in_child(path)
    assert "REFUSED 文件解压后超过100MB，请拆分后分批导入。" in output
    assert peak < 300

    understate_size(path, "xl/worksheets/sheet1.xml", 1024)  # the headers now say 1 KB
    output, peak = read_in_child(path)
    assert "REFUSED 文件已损坏或不是有效的 .xlsx 文件" in output
    assert peak < 300


def test_a_1_kb_sheet_with_cells_in_a1_and_xfd1048576_is_refused_before_the_reader_allocates(tmp_path):
    path = write_xlsx(
        tmp_path / "sparse.xlsx",
        strings=[string_item("x")],
        sheet=[b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
               b'<row r="1048576"><c r="XFD1048576" t="s"><v>0</v></c></row>'],
    )  # fmt: skip

    output, peak = read_in_child(path)

    assert "REFUSED 工作表的使用范围过大（1048576行 × 16384列）" in output
    assert peak < 300


def test_cells_without_their_reference_are_placed_one_by_one_and_refused_the_same_way(tmp_path):
    path = write_xlsx(
        tmp_path / "implied.xlsx",
        strings=[string_item("x")],
        sheet=[b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
               b'<row r="1048576"><c t="s"><v>0</v></c><c r="XFD1048576" t="s"><v>0</v></c></row>'],
    )  # fmt: skip

    with pytest.raises(DomainError, match="使用范围过大"):
        check_package(path)


def test_a_sheet_in_utf_16_is_read_by_the_parser_and_refused_the_same_way(tmp_path):
    path = tmp_path / "utf16.xlsx"
    sheet = (
        '<?xml version="1.0" encoding="UTF-16"?><worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
    )
    sheet += '<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, content in PARTS.items():
            package.writestr(name, content)
        package.writestr("xl/worksheets/sheet1.xml", sheet.encode("utf-16"))

    with pytest.raises(DomainError, match="使用范围过大"):
        check_package(path)


def test_one_shared_string_of_5_mb_is_refused_before_the_reader_holds_it(tmp_path):
    path = payout_file_with_reason(tmp_path / "5mb.xlsx", huge_string(5))

    with pytest.raises(DomainError, match="文件中有超过2000字的单元格"):
        check_package(path)


def test_a_workbook_of_fifty_thousand_rows_passes_the_limits(tmp_path):
    row = ["张三", "430101198001011234", 13800000000, "汉族", "2020/01/01", "第一中学工会", "备注"]
    path = tmp_path / "big.xlsx"
    with xlsxwriter.Workbook(str(path), {"constant_memory": True}) as book:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, [f"列{i}" for i in range(7)])
        for number in range(1, 50001):
            sheet.write_row(number, 0, row)

    sheet = open_sheet(path)

    assert sum(1 for _ in sheet.rows) == 50000


# --- through the job: refused files end FAILED with the reason, in Chinese -----------------------


def test_a_refused_file_ends_the_job_failed_with_the_chinese_reason_not_validating(
    tree, officer, tmp_path, django_capture_on_commit_callbacks
):
    path = payout_file_with_reason(tmp_path / "200mb-string.xlsx", huge_string(200))

    job = run_upload(
        django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, path.read_bytes()
    )

    assert job.state == ImportJob.State.FAILED
    assert job.message == "文件中的文字超过30MB，请拆分后分批导入。"
    assert not job.retryable  # the same file would be refused again


def test_a_cell_over_2000_characters_is_refused_naming_its_row_and_column(
    tree, officer, django_capture_on_commit_callbacks
):
    MemberFactory(union=tree.school1, name="王困难")
    rows = [["第一中学工会", "王困难", "困难帮扶", 100, day(), "病"]] * 10
    rows.append(["第一中学工会", "王困难", "困难帮扶", 100, day(), "病" * 2001])

    job = run_upload(
        django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, xlsx(HEADERS, rows)
    )

    assert job.state == ImportJob.State.FAILED
    assert job.message == "第12行“事由”列超过2000字，请精简后重新上传。"


def test_the_cell_limit_is_a_setting_and_2000_characters_still_reach_the_row_checks(
    tree, officer, settings, django_capture_on_commit_callbacks
):
    MemberFactory(union=tree.school1, name="王困难")
    content = xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", 100, day(), "病" * 2000]])

    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content)
    assert job.state == ImportJob.State.PREVIEW
    assert [(e["row"], e["column"], e["message"]) for e in job.errors] == [(2, "事由", "不能超过500个字。")]

    settings.GONGHUI_IMPORT_MAX_CELL_CHARS = 100
    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content)
    assert job.message == "第2行“事由”列超过100字，请精简后重新上传。"


def test_a_kind_with_a_longer_text_column_raises_the_cell_limit_for_its_own_files(tmp_path):
    suggestions = kinds.get("congress-suggestions")
    assert suggestions is not None
    path = tmp_path / "suggestion.xlsx"
    path.write_bytes(xlsx(["标题", "内容"], [["改进食堂", "建议" * 1500]]))

    with pytest.raises(DomainError, match="第2行“内容”列超过2000字"):
        list(open_sheet(path).rows)
    assert [len(cells[1]) for _, cells in open_sheet(path, cell_chars=suggestions.max_cell_chars).rows] == [
        3000
    ]


def test_a_22_kb_file_of_long_invalid_cells_gives_a_small_status_page_and_a_bounded_error_list(
    tree, officer, client_for, django_capture_on_commit_callbacks
):
    long_name = "王" * 1900  # no such member: the message quotes the name
    long_kind = "类" * 1900  # not a category: the message quotes it
    rows = [["第一中学工会", long_name, long_kind, "abc", "昨天", "病"]] * 1000  # 4 errors a row
    content = xlsx(HEADERS, rows)
    assert len(content) < 100 * 1024

    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content)
    page = client_for(officer).get(reverse("core:import_status", args=[job.key]))

    assert job.state == ImportJob.State.PREVIEW and job.error_rows == 1000
    assert len(job.errors) == jobs.MAX_ERRORS and "只列出前1000条" in job.message
    assert max(len(e["message"]) for e in job.errors) <= 151
    assert "王" * 50 + "…" in page.content.decode() and "王" * 51 not in page.content.decode()
    print(f"\nstatus page of a {len(content) // 1024} KB file of 4000 errors: {len(page.content) // 1024} KB")
    assert len(page.content) < 120 * 1024  # 196 KB with messages cut only at 300 characters
    assert not AssistanceApplication.objects.exists()


def test_a_good_file_still_imports_after_the_checks(tree, officer, django_capture_on_commit_callbacks):
    MemberFactory(union=tree.school1, name="王困难")
    content = xlsx(HEADERS, [["第一中学工会", "王困难", "困难帮扶", "1200.50", day(), "病"]])

    job = run_apply(
        django_capture_on_commit_callbacks,
        officer,
        run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county, content),
    )

    assert job.state == ImportJob.State.DONE and job.created_count == 1
