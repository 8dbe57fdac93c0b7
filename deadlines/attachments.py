"""What may be attached to a circular, and how it is stored and served.

A file is kept under a generated name (never the name the uploader chose, which could collide,
traverse or carry an executable extension) and served only as a download of the type its
content shows, with the browser told not to guess (docs/security.md). Allowed: PDF, XLSX, DOCX,
PNG and JPEG, checked by content, not by name.
"""

import uuid
import zipfile
from typing import IO, NamedTuple


class FileType(NamedTuple):
    extension: str
    content_type: str


PDF = FileType("pdf", "application/pdf")
XLSX = FileType("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = FileType("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
PNG = FileType("png", "image/png")
JPEG = FileType("jpg", "image/jpeg")
ALLOWED = (PDF, XLSX, DOCX, PNG, JPEG)

# An Office file is a zip with this member in it.
_OFFICE_MEMBER = {"xl/workbook.xml": XLSX, "word/document.xml": DOCX}


def sniff(stream: IO[bytes]) -> FileType | None:
    """The allowed type the content shows, or None; the stream is left at its start."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    try:
        if head.startswith(b"%PDF-"):
            return PDF
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            return PNG
        if head.startswith(b"\xff\xd8\xff"):
            return JPEG
        if head.startswith(b"PK\x03\x04"):
            try:
                names = set(zipfile.ZipFile(stream).namelist())
            except (zipfile.BadZipFile, OSError, ValueError):
                return None
            for member, file_type in _OFFICE_MEMBER.items():
                if member in names:
                    return file_type
        return None
    finally:
        stream.seek(0)


def stored_name(instance, filename: str) -> str:
    """circulars/<circular id>/<random>.<extension of the content's type>."""
    file_type = getattr(instance, "file_type", None)
    if file_type is None:
        file_type = sniff(instance.file.file)
    extension = file_type.extension if file_type else "bin"
    return f"circulars/{instance.circular_id}/{uuid.uuid4().hex}.{extension}"


def download_name(name: str, file_type: FileType | None) -> str:
    """The name the browser saves: the uploaded name, with the extension of the real type."""
    if file_type is None:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and extension.lower() in {file_type.extension, "jpeg"}:
        return name
    return f"{name}.{file_type.extension}"
