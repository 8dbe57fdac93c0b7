"""Uploaded files, for every importer (the registry, record values, the Excel template).

What every importer does the same way before it reads a row: refuse a file too large before a
byte is parsed, tell XLSX from CSV by content (never by name), refuse a zip that is damaged or
unpacks to far too much before openpyxl opens it, decode text from UTF-8 (with or without a
byte-order mark) or TIS-620 / CP874, and keep an upload on the server between its preview and
its confirmation. A file that cannot be read at all raises ``UploadError``; a problem at a
place in a readable file is a ``FileIssue``.

Every file is read within explicit ``Bounds`` (compressed size, unpacked size, the ratio
between them, rows, columns, cell length and reading time), set from what the real files need
(docs/registry-import.md, "Bounds"): reading stops at the first bound crossed, with a message
naming it, so no upload can hold a worker for long or fill its memory. Lists of problems are
kept in an ``IssueList``, which keeps the first ``MAX_SHOWN_ISSUES`` and counts the rest.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import secrets
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import IO

from django import forms
from django.conf import settings
from django.contrib.sessions.backends.base import SessionBase
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

ZIP_MAGIC = b"PK\x03\x04"  # XLSX is a zip
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
XLSX, XLS, TEXT = "xlsx", "xls", "text"
KEEP_SECONDS = 24 * 60 * 60  # a preview nobody confirmed within a day is forgotten
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


MAX_SHOWN_ISSUES = 200  # problems kept to show; the rest are counted (never a 75 MB page)
# The longest cell any importer accepts: twice the longest value a record or registry field
# holds (a text field: 1,000 characters). csv's own limit (131,072) is process-wide and raises
# a bare error, so it is set here on purpose and a longer cell is refused with a message.
MAX_CELL_CHARS = 2_000
csv.field_size_limit(MAX_CELL_CHARS)


@dataclass(frozen=True)
class Bounds:
    """How much of a file an importer reads before it refuses it (docs/registry-import.md).

    ``max_unpacked`` and ``max_ratio`` apply to workbooks (a zip) only; the compressed size is
    ``settings.IMPORT_MAX_UPLOAD_BYTES`` for every file."""

    max_unpacked: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int = MAX_CELL_CHARS
    seconds: float = 6.0  # a request must answer within 10 s, checks and page included


MB = 1024 * 1024
# The national registry: 84k rows of 13 columns, 15.5 MB as CSV; as XLSX 4.8 MB unpacking to
# 64 MB (a ratio of 13).
REGISTRY_BOUNDS = Bounds(max_unpacked=100 * MB, max_ratio=30, max_rows=150_000, max_columns=40)
# A district's record values, one a row: < 200 LAOs × ~400 fields.
RECORD_VALUES_BOUNDS = Bounds(max_unpacked=100 * MB, max_ratio=30, max_rows=150_000, max_columns=40)
# The fill-in template: one sheet a section (17), a row a field, a column an LAO (< 200).
# Its hidden sheet has a row per (LAO, section): 17 × 200 = 3,400. The largest real template
# (100 LAOs, every section) is 0.17 MB unpacking to 1.7 MB; openpyxl reads it whole (its cell
# types are needed) in 1.5-5 s, so the unpacked size, not the deadline, bounds that step.
TEMPLATE_BOUNDS = Bounds(max_unpacked=4 * MB, max_ratio=30, max_rows=5_000, max_columns=260)


# On the server (a management command) no request waits: only the reading time is longer.
SERVER_SECONDS = 600.0
# In a task worker (records/tasks.py) no request waits either: the same sizes, rows and columns
# (they already fit the largest real file), and a reading time long enough for the national
# registry as XLSX (13-44 s with openpyxl) or the largest template, with room for a busy machine.
WORKER_SECONDS = 300.0
REGISTRY_WORKER_BOUNDS = replace(REGISTRY_BOUNDS, seconds=WORKER_SECONDS)
TEMPLATE_WORKER_BOUNDS = replace(TEMPLATE_BOUNDS, seconds=WORKER_SECONDS)


class UploadError(Exception):
    """The file cannot be read at all; the message tells the user why."""


class IssueList(list):
    """Problems of one file: keeps the first ``MAX_SHOWN_ISSUES``, counts all in ``total``."""

    def __init__(self, items=(), *, limit: int = MAX_SHOWN_ISSUES) -> None:
        super().__init__()
        self.limit, self.total = limit, 0
        self.extend(items)
        self.total += getattr(items, "more", 0)  # a copy of a list that was itself capped

    def append(self, item) -> None:
        self.total += 1
        if len(self) < self.limit:
            super().append(item)

    def extend(self, items) -> None:
        for item in items:
            self.append(item)

    @property
    def more(self) -> int:
        """How many problems are counted but not kept."""
        return self.total - len(self)

    def __bool__(self) -> bool:
        return self.total > 0

    def as_json(self) -> dict:
        """The kept problems and the count, for a job's result (lgdata.jobs)."""
        return {
            "items": [[i.line, i.column, i.message, i.sheet] for i in self],
            "total": self.total,
        }

    @classmethod
    def from_json(cls, data: dict) -> IssueList:
        issues = cls(FileIssue(*item) for item in data["items"])
        issues.total = data["total"]
        return issues


def more_message(issues: IssueList) -> str:
    """The line under a capped list (as records/_more_issues.html says it on a page)."""
    return _(
        "Only the first %(shown)s are shown; %(more)s more are not. Correct these and upload "
        "the file again to see the rest."
    ) % {"shown": len(issues), "more": f"{issues.more:,}"}


@dataclass(frozen=True)
class FileIssue:
    """A problem at one place of a file: its line (a sheet's row; None for the whole sheet),
    the column (a header, a field code or a letter) and, in a workbook, the sheet."""

    line: int | None
    column: str
    message: str
    sheet: str = ""

    @property
    def row(self) -> int | None:
        """The line, as a spreadsheet calls it."""
        return self.line

    def __str__(self) -> str:
        if self.sheet and self.line is None:
            return f"{self.sheet}: {self.message}"
        if self.sheet:
            return _("Sheet %(sheet)s, row %(row)s, column %(column)s: %(message)s") % {
                "sheet": self.sheet,
                "row": self.line,
                "column": self.column,
                "message": self.message,
            }
        if self.line is None:
            return self.message
        return _("Line %(line)s, %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


# --- Size and kind ---------------------------------------------------------------------------


def too_large_message(limit: int) -> str:
    return _("The file is larger than %(size)s MB, the most the portal accepts.") % {
        "size": limit // (1024 * 1024) or 1
    }


def read_limited(stream: IO[bytes], *, limit: int | None = None) -> bytes:
    """Reads an uploaded or opened file, refusing it before reading more than the limit."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES if limit is None else limit
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise UploadError(too_large_message(limit))
    return data


def file_kind(data: bytes) -> str:
    """XLSX, XLS or TEXT, by content; UploadError for a file too large or empty."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if len(data) > limit:
        raise UploadError(too_large_message(limit))
    if not data.strip():
        raise UploadError(_("The file is empty."))
    if data.startswith(ZIP_MAGIC):
        return XLSX
    if data.startswith(OLE_MAGIC):
        return XLS
    return TEXT


def old_excel_error() -> UploadError:
    return UploadError(
        _("This is an old Excel (.xls) file. Save it as Excel Workbook (.xlsx) or CSV.")
    )


def damaged_workbook_error() -> UploadError:
    return UploadError(
        _("The Excel file is damaged or is not a workbook. Open it in Excel and save it again.")
    )


def check_zip(data: bytes, bounds: Bounds) -> None:
    """Refuses a damaged zip, one without a workbook, or a zip bomb (unpacking to more than the
    bounds allow, in total or as a ratio to its size), before openpyxl unpacks anything. The
    declared sizes are a safe bound: zipfile stops reading a member at its declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            unsized = [m for m in members if _unsized_sheet(archive, m)]
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        raise damaged_workbook_error() from None
    if "xl/workbook.xml" not in names:
        raise damaged_workbook_error()
    unpacked = sum(m.file_size for m in members)
    if unpacked > bounds.max_unpacked or unpacked > bounds.max_ratio * len(data):
        raise UploadError(
            _(
                "The Excel file unpacks to more than the portal reads (%(limit)s MB, or "
                "%(ratio)s times the file's size; this one unpacks to %(size)s MB from "
                "%(packed)s MB). Remove what the import does not need, or save the sheet as CSV."
            )
            % {
                "limit": bounds.max_unpacked // MB,
                "ratio": bounds.max_ratio,
                "size": f"{unpacked / MB:,.1f}",
                "packed": f"{len(data) / MB:,.2f}",
            }
        )

    if unsized:
        # openpyxl reads a whole sheet that does not declare its size before its first row.
        raise UploadError(
            _(
                "A sheet of this workbook does not say how large it is, as files saved by Excel, "
                "LibreOffice or Google Sheets do. Open it in Excel, save it and upload it again."
            )
        )
    for member in members:
        if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
            _check_sheet_size(data, member, bounds)


def _unsized_sheet(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """A large worksheet with no <dimension> among its first 64 KB."""
    if not member.filename.startswith("xl/worksheets/") or member.file_size < MB:
        return False
    with archive.open(member) as stream:
        return b"dimension" not in stream.read(64 * 1024)


_DIMENSION = re.compile(
    rb'<(?:\w+:)?dimension\s+ref="\$?([A-Z]{1,3})\$?([0-9]{1,7})(?::\$?([A-Z]{1,3})\$?([0-9]{1,7}))?"'
)
_CELL_OPENINGS = (b"<c ", b"<c>")
_ROW_END = b"</row>"


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def sheet_rows(data: bytes) -> int:
    """The rows the workbook's first sheet declares (its <dimension>), 0 if it says nothing:
    a cheap estimate for a progress bar."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        try:
            with archive.open("xl/worksheets/sheet1.xml") as stream:
                found = _DIMENSION.search(stream.read(64 * 1024))
        except KeyError:
            return 0
    return int(found.group(4) or found.group(2)) if found else 0


def _sheet_too_large(bounds: Bounds) -> UploadError:
    return UploadError(
        _(
            "A sheet of this workbook has more than %(rows)s rows, or a row with more than "
            "%(columns)s cells or longer than its cells may be: more than the portal reads in "
            "one file. Remove what the import does not need, or download a new template."
        )
        % {"rows": f"{bounds.max_rows:,}", "columns": bounds.max_columns}
    )


def _check_sheet_size(data: bytes, member: zipfile.ZipInfo, bounds: Bounds) -> None:
    """Refuses a worksheet with more rows, or a row with more cells, than the bounds allow,
    before openpyxl reads any of it (its first load of a template reads every cell): first by
    the size it declares (``<dimension ref>``), then by counting rows and cells in the sheet's
    XML as it unpacks, stopping at the first bound crossed. Counting bytes is ~100 times
    faster than parsing them, so the whole check costs a fraction of a second."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive, archive.open(member) as stream:
        head = stream.read(64 * 1024)
        found = _DIMENSION.search(head)
        if found:
            last_letters, last_row = (
                found.group(3) or found.group(1),
                found.group(4) or found.group(2),
            )
            if (
                int(last_row) > bounds.max_rows + 1
                or _column_number(last_letters) > bounds.max_columns
            ):
                raise _sheet_too_large(bounds)
        rows, pending = 0, head
        while True:
            parts = pending.split(_ROW_END)
            pending = parts.pop()  # the row not closed yet
            for part in parts:
                rows += 1
                if rows > bounds.max_rows + 1 or _cells_in(part) > bounds.max_columns:
                    raise _sheet_too_large(bounds)
            # One endless row: too many cells, or more bytes than its cells may hold (Thai is
            # 3 bytes a character in UTF-8; 256 for a cell's markup).
            longest = bounds.max_columns * (bounds.max_cell_chars * 3 + 256)
            if len(pending) > longest or _cells_in(pending) > bounds.max_columns:
                raise _sheet_too_large(bounds)
            chunk = stream.read(MB)
            if not chunk:
                return
            pending += chunk


def _cells_in(xml: bytes) -> int:
    return sum(xml.count(opening) for opening in _CELL_OPENINGS)


class Deadline:
    """The reading time of one file; ``check`` refuses it once the time is up."""

    def __init__(self, bounds: Bounds) -> None:
        self.seconds = bounds.seconds
        self.ends = time.monotonic() + bounds.seconds

    def check(self, line: int) -> None:
        if time.monotonic() > self.ends:
            raise UploadError(
                _(
                    "Reading the file took longer than %(seconds)s seconds (stopped at line "
                    "%(line)s); the portal stops there. Split the file, or ask the department to "
                    "import it on the server."
                )
                % {"seconds": int(self.seconds), "line": line}
            )


def _too_many_rows(bounds: Bounds) -> UploadError:
    return UploadError(
        _("The file has more than %(count)s rows, the most the portal reads in one file.")
        % {"count": f"{bounds.max_rows:,}"}
    )


def _too_many_columns(line: int, bounds: Bounds) -> UploadError:
    return UploadError(
        _("Line %(line)s has more than %(count)s columns, the most the portal reads.")
        % {"line": line, "count": bounds.max_columns}
    )


def _too_long_cell(line: int, bounds: Bounds) -> UploadError:
    return UploadError(
        _("Line %(line)s has a cell longer than %(count)s characters; no field holds that much.")
        % {"line": line, "count": f"{bounds.max_cell_chars:,}"}
    )


def check_cells(line: int, cells, bounds: Bounds) -> None:
    """Refuses a row with too many columns or a cell too long (a workbook's row)."""
    if len(cells) > bounds.max_columns and any(
        c not in (None, "") for c in cells[bounds.max_columns :]
    ):
        raise _too_many_columns(line, bounds)
    for cell in cells:
        if isinstance(cell, str) and len(cell) > bounds.max_cell_chars:
            raise _too_long_cell(line, bounds)


def csv_rows(text: str, bounds: Bounds) -> Iterator[tuple[int, list[str]]]:
    """(line number of the row's first line, cells) per CSV record, within the bounds; a quoted
    cell may span lines, so lines are counted by the reader."""
    reader = csv.reader(io.StringIO(text, newline=""))
    deadline = Deadline(bounds)
    first, rows = 1, 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error:
            # The only csv.Error this dialect raises on text is a field over the size limit.
            raise _too_long_cell(reader.line_num, bounds) from None
        rows += 1
        if rows > bounds.max_rows + 1:  # + the header
            raise _too_many_rows(bounds)
        deadline.check(first)
        if len(cells) > bounds.max_columns or bounds.max_cell_chars < MAX_CELL_CHARS:
            check_cells(first, cells, bounds)  # csv's field limit bounds the cells otherwise
        yield first, cells
        first = reader.line_num + 1


def xlsx_rows(data: bytes, bounds: Bounds) -> Iterator[tuple[int, tuple]]:
    """(row number, cell values) of a workbook's first sheet, read in streaming mode within the
    bounds (the zip is checked first). Raises UploadError for a damaged workbook."""
    import openpyxl  # only for workbooks

    check_zip(data, bounds)
    deadline = Deadline(bounds)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = book.worksheets[0].iter_rows(values_only=True)
        for line, cells in enumerate(rows, start=1):
            if line > bounds.max_rows + 1:
                raise _too_many_rows(bounds)
            deadline.check(line)
            check_cells(line, cells, bounds)
            yield line, cells
    except UploadError:
        raise
    except Exception:
        # openpyxl raises many kinds of errors for a damaged workbook (KeyError, ValueError,
        # XML parse errors...); to the user they all mean the same thing.
        raise damaged_workbook_error() from None


def decode_text(data: bytes, *, refusal: str) -> str:
    """The text of a CSV file in UTF-8 (with or without a byte-order mark) or TIS-620.

    Raises UploadError(refusal) for bytes that are no text in either (a binary file).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Thai Windows and older Excel save CSV as TIS-620; CP874 is its superset.
        try:
            text = data.decode("cp874")
        except UnicodeDecodeError:
            text = ""
    if not text or _CONTROL_CHARS.search(text):
        raise UploadError(refusal)
    return text


# --- The upload form -------------------------------------------------------------------------


class UploadForm(forms.Form):
    """An uploaded file whose size is checked before a byte of it is parsed."""

    file = forms.FileField()

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                gettext_lazy("The file is larger than %(size)s MB, the most the portal accepts."),
                params={"size": limit // (1024 * 1024) or 1},
                code="too_large",
            )
        return upload

    def read(self) -> bytes:
        """The uploaded bytes (call after is_valid); UploadError if it grew meanwhile."""
        upload = self.cleaned_data["file"]
        upload.seek(0)
        return read_limited(upload)


class ConfirmForm(forms.Form):
    """The token of a previewed upload that the user confirms."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)


# --- Keeping an upload between the preview and the confirmation ------------------------------
# The file goes through Django's storage API (STORAGES["default"], under imports/), not a local
# path: the confirmation may reach another app server, and a large import runs in a worker.

_KEPT_DIRECTORY = "imports"


def _name(token: str) -> str | None:
    return f"{_KEPT_DIRECTORY}/{token}.upload" if _TOKEN.fullmatch(token or "") else None


def kept_name(token: str) -> str:
    """The storage name of the upload kept under a token (a job names it as a file it owns)."""
    return _name(token) or ""


def kept_read(token: str) -> bytes | None:
    """The bytes kept under a token (any session's: for a task the uploader handed it to), or
    None if the token is malformed or its file is gone."""
    name = _name(token)
    if name is None or not default_storage.exists(name):
        return None
    with default_storage.open(name, "rb") as kept:
        return kept.read()


def kept_delete(token: str) -> None:
    name = _name(token)
    if name is not None:
        default_storage.delete(name)


def _remove_old_uploads() -> None:
    try:
        _, names = default_storage.listdir(_KEPT_DIRECTORY)
    except FileNotFoundError:
        return
    cutoff = timezone.now() - datetime.timedelta(seconds=KEEP_SECONDS)
    for name in names:
        path = f"{_KEPT_DIRECTORY}/{name}"
        try:
            if name.endswith(".upload") and default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except OSError:
            continue


class KeptUploads:
    """Uploads waiting for their confirmation: the file in the storage, its token and name in
    the uploader's session (under ``key``), so only the uploader can confirm it and the
    confirmation sends a token, not the file."""

    def __init__(self, session: SessionBase, key: str) -> None:
        self.session, self.key = session, key

    def keep(self, data: bytes, filename: str) -> str:
        """Stores the file and returns its token; files older than a day go on the way."""
        _remove_old_uploads()
        token = secrets.token_urlsafe(24)
        default_storage.save(_name(token), ContentFile(data))
        self.session[self.key] = {**self.session.get(self.key, {}), token: filename}
        return token

    def confirmed(self, post) -> tuple[str, tuple[bytes, str] | None]:
        """The token a confirmation (``ConfirmForm``) posted and its upload, as ``get`` finds
        it: None if it expired or was already imported."""
        form = ConfirmForm(post)
        token = form.cleaned_data["token"] if form.is_valid() else ""
        return token, self.get(token)

    def waiting(self, token: str) -> str:
        """The token while its upload waits in this session for its confirmation (not yet
        confirmed, handed over or expired), else ``""``: what a preview's form may send."""
        return token if token in self.session.get(self.key, {}) else ""

    def get(self, token: str) -> tuple[bytes, str] | None:
        """(the file's bytes, its name) for a token of this session, or None if the token is
        not this session's, is malformed, or its file is gone."""
        filename = self.session.get(self.key, {}).get(token)
        data = kept_read(token) if filename is not None else None
        return (data, filename) if data is not None else None

    def hand_over(self, token: str) -> None:
        """Forgets the token in the session but keeps the file, for a task that imports it
        (and deletes it with ``kept_delete``): the upload cannot be confirmed twice."""
        kept = self.session.get(self.key, {})
        self.session[self.key] = {key: name for key, name in kept.items() if key != token}

    def discard(self, token: str) -> None:
        kept_delete(token)
        self.hand_over(token)
