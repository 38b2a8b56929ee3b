"""Bounds on what reading an uploaded .xlsx may cost, checked before the reader sees the file.

An .xlsx is a zip of XML parts, and python-calamine holds the shared strings and the whole cell
range of a sheet in memory: a 206 KB upload whose one shared string is 200 MB grew a worker to
3.1 GB, and a 1 KB sheet with cells in A1 and XFD1048576 asks for a 512 GB cell table (the
process aborts). So, before calamine opens the file, `check_package` walks the zip itself:

- the central directory is small (a few members, never thousands);
- every member is inflated in bounded chunks and its bytes are COUNTED (the sizes written in the
  zip's headers can lie, and calamine inflates up to the end of the compressed stream): more
  than the header says, or more than GONGHUI_IMPORT_MAX_XML_MB in all, is refused mid-stream;
- xl/sharedStrings.xml holds at most GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB, and no text in any
  XML part runs past MAX_PIECE bytes without a tag (far over any cell's limit);
- every XML part (by content, whatever its name: a workbook names its own parts) is scanned as it
  streams for the cell range a sheet spans: byte patterns when every cell is written
  `<c r="C12"`, as Excel and the libraries write them, else expat (no DTD, no entities) placing
  the cells one by one as a reader does; a range of more than GONGHUI_IMPORT_MAX_CELLS cells (the
  reader's table, about 32 bytes a cell) is refused.

Memory stays bounded by a chunk and the scanner's state, whatever the file holds. The per-cell
length (GONGHUI_IMPORT_MAX_CELL_CHARS) is checked by `sheet.open_sheet` as rows are read, where
the row and the column can be named. Measured (tests/core/test_import_limits.py): the check adds
about 1.5 s to a 50,000-row, 15-column file (calamine itself reads it in about 1.7 s), and a
worker reading a file at the default limits peaks under 300 MB resident.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

from django.conf import settings
from django.utils.translation import gettext as _

from gonghui.core.errors import DomainError

CHUNK = 1024 * 1024
MAX_MEMBERS = 1000  # an Excel workbook has a few dozen parts
MAX_DIRECTORY_BYTES = 1024 * 1024  # the zip's central directory, parsed whole by zipfile
_EOCD = struct.Struct("<4s4H2LH")  # end of central directory record
_LOCAL = struct.Struct("<4s2B4HL2L2H")  # local file header: ..., name length, extra length
_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


@dataclass(frozen=True)
class Limits:
    xml_bytes: int  # all members, inflated
    shared_strings_bytes: int  # xl/sharedStrings.xml, inflated
    cells: int  # the cell range of one sheet (rows × columns), empty cells included
    cell_chars: int  # one cell's text


def limits(*, cell_chars: int | None = None) -> Limits:
    """The limits in force (settings, read when used); `cell_chars` raises the per-cell limit for
    a kind whose columns take longer text."""
    mb = 1024 * 1024
    default_chars = int(getattr(settings, "GONGHUI_IMPORT_MAX_CELL_CHARS", 2000))
    return Limits(
        xml_bytes=int(getattr(settings, "GONGHUI_IMPORT_MAX_XML_MB", 100)) * mb,
        shared_strings_bytes=int(getattr(settings, "GONGHUI_IMPORT_MAX_SHARED_STRINGS_MB", 30)) * mb,
        cells=int(getattr(settings, "GONGHUI_IMPORT_MAX_CELLS", 2_000_000)),
        cell_chars=max(default_chars, cell_chars or 0),
    )


def not_xlsx() -> DomainError:
    return DomainError(_("文件已损坏或不是有效的 .xlsx 文件，请用 Excel 打开后“另存为” .xlsx 格式再上传。"))


def too_large(limit: Limits) -> DomainError:
    return DomainError(
        _("文件解压后超过%(mb)sMB，请拆分后分批导入。") % {"mb": limit.xml_bytes // (1024 * 1024)}
    )


def check_package(path: str | Path, limit: Limits | None = None) -> None:
    """Refuse (DomainError, in Chinese) an .xlsx whose reading could take more than `limit`."""
    limit = limit or limits()
    with open(path, "rb") as handle:
        _check_directory(handle)
        try:
            members = zipfile.ZipFile(handle).infolist()
        except (
            zipfile.BadZipFile,
            ValueError,
            OSError,
            EOFError,
            struct.error,
            NotImplementedError,
        ) as error:
            raise not_xlsx() from error
        if len(members) > MAX_MEMBERS:
            raise not_xlsx()
        for member in members:
            if (
                member.filename.lower().endswith("sharedstrings.xml")
                and member.file_size > limit.shared_strings_bytes
            ):
                raise _too_much_text(limit)
        if sum(m.file_size for m in members) > limit.xml_bytes:
            raise too_large(limit)
        left = limit.xml_bytes
        for member in members:
            if member.is_dir():
                continue
            scan: _CellScan | None = None
            inflated = 0
            for data in _inflate(handle, member):
                if not inflated and _looks_like_xml(data):  # any name: a workbook's parts are named by it
                    scan = _CellScan(limit)
                inflated += len(data)
                left -= len(data)
                if inflated > member.file_size:  # the header lied about the size: a crafted file
                    raise not_xlsx()
                if left < 0:
                    raise too_large(limit)
                if scan is not None:
                    scan.feed(data)
            if inflated != member.file_size:
                raise not_xlsx()
            if scan is not None and not scan.close():
                # Some cell without its reference: place every cell as a reader does (slower).
                cells = _CellRange(limit)
                for data in _inflate(handle, member):
                    cells.feed(data)
                cells.close()


def _looks_like_xml(data: bytes) -> bool:
    """XML (the parts a reader parses) rather than a picture or a printer's settings."""
    return data.lstrip()[:1] == b"<" or data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))


def _too_much_text(limit: Limits) -> DomainError:
    return DomainError(
        _("文件中的文字超过%(mb)sMB，请拆分后分批导入。")
        % {"mb": limit.shared_strings_bytes // (1024 * 1024)}
    )


def _check_directory(handle: BinaryIO) -> None:
    """The end-of-directory record: few members, a small directory (zipfile reads it whole)."""
    handle.seek(0, 2)
    size = handle.tell()
    tail_size = min(size, _EOCD.size + 65535)
    handle.seek(size - tail_size)
    tail = handle.read(tail_size)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or len(tail) - at < _EOCD.size:
        raise not_xlsx()
    _sig, _disk, _start_disk, _here, entries, directory_size, _offset, _comment = _EOCD.unpack_from(tail, at)
    if entries > MAX_MEMBERS or directory_size > MAX_DIRECTORY_BYTES:
        raise not_xlsx()


def _inflate(handle: BinaryIO, member: zipfile.ZipInfo) -> Any:
    """The member's bytes as a reader gets them: the whole compressed stream, inflated in chunks
    of at most CHUNK bytes (never trusting the sizes in the headers)."""
    if member.flag_bits & 0x1:  # encrypted
        raise not_xlsx()
    handle.seek(member.header_offset)
    header = handle.read(_LOCAL.size)
    if len(header) != _LOCAL.size:
        raise not_xlsx()
    fields = _LOCAL.unpack(header)
    if fields[0] != b"PK\x03\x04":
        raise not_xlsx()
    handle.seek(fields[-2] + fields[-1], 1)
    left = member.compress_size
    if member.compress_type == zipfile.ZIP_STORED:
        while left > 0:
            data = handle.read(min(CHUNK, left))
            if not data:
                raise not_xlsx()
            left -= len(data)
            yield data
        return
    if member.compress_type != zipfile.ZIP_DEFLATED:
        raise not_xlsx()
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        while left > 0 and not inflater.eof:
            data = handle.read(min(CHUNK, left))
            if not data:
                raise not_xlsx()
            left -= len(data)
            pending = data
            while pending and not inflater.eof:
                out = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                if out:
                    yield out
        while not inflater.eof:  # what zlib still holds back
            out = inflater.decompress(b"", CHUNK)
            if not out:
                break
            yield out
    except zlib.error as error:
        raise not_xlsx() from error


_ROWS = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"')
_COLUMNS = re.compile(rb'<c r="([A-Z]{1,3})\d')
_ODD_CELL = re.compile(
    rb'<(?:[A-Za-z_][\w.-]*:)?c(?:[>/\t\n\r]| (?!r="[A-Z]))|:c '
)  # a cell written otherwise
MAX_PIECE = 1024 * 1024  # no tag, and no text between two tags, is longer in a file we read


class _CellScan:
    """The cell range of a part, fast, when every cell is written `<c r="C12" …` as Excel and
    every library we know write them (a count of cell starts proves it, bytes level). `close`
    says False when some cell is written otherwise: `_CellRange` then places them one by one."""

    def __init__(self, limit: Limits) -> None:
        self.limit = limit
        self.carry = b""
        self.exact = True
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1

    def feed(self, data: bytes) -> None:
        if b"\x00" in data[:256] or data.startswith((b"\xff\xfe", b"\xfe\xff")):
            self.exact = False  # UTF-16: the byte patterns do not apply; expat reads it
        data = self.carry + data
        cut = data.rfind(b"<")
        if cut < 0:
            cut = len(data)
        self.carry = data[cut:]
        if len(self.carry) > MAX_PIECE:  # a text far over any cell's limit (or a crafted tag)
            raise DomainError(
                _("文件中有超过%(n)s字的单元格，请精简后重新上传。") % {"n": self.limit.cell_chars}
            )
        self._scan(data[:cut])

    def close(self) -> bool:
        self._scan(self.carry)
        return self.exact

    def _scan(self, data: bytes) -> None:
        if not data or not self.exact:
            return
        rows = _ROWS.findall(data)
        if len(rows) != data.count(b"<c ") or _ODD_CELL.search(data):
            self.exact = False
            return
        if not rows:
            return
        numbers = list(map(int, rows))
        columns = [_column_index(letters.decode()) for letters in set(_COLUMNS.findall(data))]
        self.top, self.bottom = min(self.top, min(numbers) - 1), max(self.bottom, max(numbers) - 1)
        self.left, self.right = min(self.left, min(columns)), max(self.right, max(columns))
        _check_range(self.bottom - self.top + 1, self.right - self.left + 1, self.limit)


def _check_range(rows: int, columns: int, limit: Limits) -> None:
    if rows * columns > limit.cells:
        raise DomainError(
            _("工作表的使用范围过大（%(rows)s行 × %(columns)s列），请删除多余的行和列，"
              "只保留数据区域后重新上传。") % {"rows": rows, "columns": columns}
        )  # fmt: skip


class _CellRange:
    """Where a sheet's cells lie, placed as a reader places them: a <row r> or the next row, a
    <c r> or the next column. Refuses a range of more than `limit.cells` cells as soon as it
    appears. Any XML part goes through it (it only looks at row and c elements): the sheet a
    workbook names first may be any part."""

    def __init__(self, limit: Limits) -> None:
        self.limit = limit
        self.row, self.column = -1, -1
        self.top = self.left = 1 << 62
        self.bottom = self.right = -1
        parser = expat.ParserCreate()
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        parser.StartDoctypeDeclHandler = self._doctype
        parser.EntityDeclHandler = self._doctype
        parser.StartElementHandler = self._start
        self.parser = parser

    def feed(self, data: bytes) -> None:
        try:
            self.parser.Parse(data, False)
        except expat.ExpatError as error:
            raise not_xlsx() from error

    def close(self) -> None:
        try:
            self.parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise not_xlsx() from error

    def _doctype(self, *args: Any) -> None:
        raise not_xlsx()  # no part of an .xlsx has a DTD; entities could expand without bound

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if local == "row":
            reference = attributes.get("r")
            self.row = int(reference) - 1 if reference and reference.isdigit() else self.row + 1
            self.column = -1
        elif local == "c":
            reference = attributes.get("r")
            if reference:
                match = _REFERENCE.fullmatch(reference)
                if match is None:
                    raise not_xlsx()
                self.column = _column_index(match.group(1))
                self.row = int(match.group(2)) - 1
            else:
                self.column += 1
            self.top, self.bottom = min(self.top, self.row), max(self.bottom, self.row)
            self.left, self.right = min(self.left, self.column), max(self.right, self.column)
            _check_range(self.bottom - self.top + 1, self.right - self.left + 1, self.limit)


def _column_index(letters: str) -> int:
    index = 0
    for letter in letters.upper():
        index = index * 26 + ord(letter) - 64
    return index - 1
