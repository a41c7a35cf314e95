"""Content type of an upload by its bytes, never by the name the sender gave it."""

from __future__ import annotations

from typing import Literal

from muster.intake.errors import file_error

Format = Literal["csv", "xlsx"]
_EXPECTED = "a CSV file or an XLSX workbook"
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Excel 97-2003 (.xls) or password-protected file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program"),
    (b"MZ\x90\x00", "a Windows program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"{\\rtf", "an RTF document"),
)
_MARKUP = (b"<?xml", b"<html", b"<!doctype html", b"<table")
_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1a")
_BINARY_SHARE = 0.1


def sniff(data: bytes, filename: str = "") -> Format:
    """Tell CSV from XLSX by content; refuse documents, images, archives and binary garbage.

    `filename` is only the sender's label for the file: it is never used as a path and its
    extension does not decide the format (a CSV named .xlsx is read as CSV).
    """
    del filename  # deliberately unused: extensions lie
    if not data.strip():
        raise file_error("an empty file", _EXPECTED + " with a header row")
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"  # the XLSX reader checks the archive is a workbook, within limits
    for signature, found in _SIGNATURES:
        if data.startswith(signature):
            hint = " (save it as .xlsx)" if "Excel" in found else ""
            raise file_error(found, _EXPECTED + hint)
    _refuse_markup(data)
    _refuse_binary(data)
    return "csv"


def _refuse_markup(data: bytes) -> None:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(_MARKUP):
        spreadsheet = b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]
        found = "an Excel 2003 XML spreadsheet" if spreadsheet else "an HTML or XML document"
        raise file_error(found, _EXPECTED + " (save it as .xlsx or .csv)")


def _refuse_binary(data: bytes) -> None:
    """Many control bytes mean binary content; a few NULs in text are named by row later."""
    head = data[:8192]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text is full of NUL bytes by design
    controls = sum(1 for byte in head if byte < 0x20 and byte not in _TEXT_CONTROLS)
    if controls > _BINARY_SHARE * len(head):
        raise file_error("binary data, not text", _EXPECTED)
