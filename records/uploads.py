"""Uploaded files, for every importer (the registry, record values, the Excel template).

What every importer does the same way before it reads a row: refuse a file too large before a
byte is parsed, tell XLSX from CSV by content (never by name), refuse a zip that is damaged or
unpacks to far too much before openpyxl opens it, decode text from UTF-8 (with or without a
byte-order mark) or TIS-620 / CP874, and keep an upload on the server between its preview and
its confirmation. A file that cannot be read at all raises ``UploadError``; a problem at a
place in a readable file is a ``FileIssue``.
"""

from __future__ import annotations

import datetime
import io
import re
import secrets
import zipfile
from dataclasses import dataclass
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
# A real XLSX unpacks to a few times its size; far more is a zip bomb.
XLSX_MAX_EXPANSION = 10
KEEP_SECONDS = 24 * 60 * 60  # a preview nobody confirmed within a day is forgotten
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


class UploadError(Exception):
    """The file cannot be read at all; the message tells the user why."""


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


def check_zip(data: bytes) -> None:
    """Refuses a damaged zip, one without a workbook, or a zip bomb, before openpyxl unpacks
    anything. The declared sizes are a safe bound: zipfile stops reading a member at its
    declared size."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError):
        raise damaged_workbook_error() from None
    if "xl/workbook.xml" not in names:
        raise damaged_workbook_error()
    limit = settings.IMPORT_MAX_UPLOAD_BYTES * XLSX_MAX_EXPANSION
    if sum(m.file_size for m in members) > limit:
        raise UploadError(
            _("The Excel file unpacks to more than %(size)s MB; the portal refuses it.")
            % {"size": limit // (1024 * 1024)}
        )


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
