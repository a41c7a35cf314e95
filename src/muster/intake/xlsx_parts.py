"""Safe access to the parts of an XLSX zip: entry and size limits, streamed XML events.

Zip bombs are refused by the sizes the archive declares before anything is unpacked, and
again by the bytes actually unpacked while streaming (a part may lie about its size).
XML parts are parsed incrementally and may not carry a DOCTYPE (no entity expansion).
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator
from xml.etree import ElementTree as ET

from muster.intake.errors import IntakeRejected, file_error
from muster.intake.limits import MB, Limits

_CHUNK = 64 * 1024
_EOCD = b"PK\x05\x06"
_DAMAGED = "an XLSX workbook saved again by a spreadsheet program"
_OFFICE_DOCUMENT = "/officeDocument"
Element = ET.Element


def local(tag: str) -> str:
    """Tag name without its XML namespace."""
    return tag.rpartition("}")[2]


class Archive:
    """An XLSX zip opened within limits; parts are looked up case-insensitively."""

    def __init__(self, data: bytes, limits: Limits) -> None:
        _check_entry_count(data, limits)
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, struct.error):
            raise file_error("a damaged zip archive", _DAMAGED) from None
        infos = self.zip.infolist()
        if len(infos) > limits.max_zip_entries:
            raise file_error(f"a zip with {len(infos)} parts", "an ordinary XLSX workbook")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_uncompressed_bytes:
            raise _too_big(declared, limits)
        if any(info.flag_bits & 0x1 for info in infos):
            raise file_error("an encrypted archive", "a workbook without a password")
        self.names = {info.filename.lower(): info for info in infos}
        self.remaining = limits.max_uncompressed_bytes
        self.limits = limits

    def has(self, name: str) -> bool:
        """True when the archive holds the named part."""
        return name.lower() in self.names

    def chunks(self, name: str) -> Iterator[bytes]:
        """The unpacked bytes of a part, counted against its declared size and the budget."""
        info = self.names[name.lower()]
        seen = 0
        try:
            with self.zip.open(info) as stream:
                while chunk := stream.read(_CHUNK):
                    seen += len(chunk)
                    self.remaining -= len(chunk)
                    if seen > info.file_size:
                        raise file_error(f"a part {info.filename!r} bigger than declared", _DAMAGED)
                    if self.remaining < 0:
                        raise _too_big(self.limits.max_uncompressed_bytes + 1, self.limits)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise file_error(f"a damaged part {info.filename!r}", _DAMAGED) from None

    def events(
        self, name: str, start: frozenset[str] = frozenset()
    ) -> Iterator[tuple[str, Element]]:
        """Stream (event, element) pairs of an XML part: 'end' for all, 'start' for `start` tags."""
        parser: ET.XMLPullParser[Element] = ET.XMLPullParser(events=("start", "end"))
        tail = b""
        try:
            for number, chunk in enumerate(self.chunks(name)):
                if number == 0 and not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    raise file_error(f"a part {name!r} that is not UTF-8 XML", _DAMAGED)
                if b"<!DOCTYPE" in tail + chunk or b"<!ENTITY" in tail + chunk:
                    raise file_error(f"XML entity declarations in {name!r}", _DAMAGED)
                tail = chunk[-16:]
                parser.feed(chunk)
                yield from _wanted(parser, start)
            parser.close()
            yield from _wanted(parser, start)
        except ET.ParseError as error:
            raise file_error(f"broken XML in {name!r} ({error})", _DAMAGED) from None

    def relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type, target part path) for a part, from its .rels file."""
        folder, base = posixpath.split(part)
        rels = posixpath.join(folder, "_rels", base + ".rels")
        found: dict[str, tuple[str, str]] = {}
        if not self.has(rels):
            return found
        for event, element in self.events(rels):
            if event == "end" and local(element.tag) == "Relationship":
                target = element.get("Target", "")
                path = (
                    target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                )
                found[element.get("Id", "")] = (element.get("Type", ""), posixpath.normpath(path))
        return found

    def workbook_part(self) -> str:
        """Path of the workbook part, refusing zips that are not spreadsheets."""
        for kind, target in self.relationships("").values():
            workbook = "workbook" in posixpath.basename(target).lower()
            if kind.endswith(_OFFICE_DOCUMENT) and workbook and self.has(target):
                return target
        if self.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        if self.has("mimetype"):
            raise file_error("an OpenDocument file (.ods)", "an XLSX workbook (save it as .xlsx)")
        if self.has("word/document.xml"):
            raise file_error("a Word document", "a CSV file or an XLSX workbook")
        raise file_error("a zip archive that is not a workbook", "a CSV file or an XLSX workbook")


def _wanted(
    parser: ET.XMLPullParser[Element], start: frozenset[str]
) -> Iterator[tuple[str, Element]]:
    for item in parser.read_events():
        # Only "start" and "end" events are asked for: each item is (event, Element).
        if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], Element):
            event, element = str(item[0]), item[1]
            if event == "end" or local(element.tag) in start:
                yield event, element


def _check_entry_count(data: bytes, limits: Limits) -> None:
    """Read the entry count from the end record before zipfile builds its whole directory."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_557))
    if at < 0 or at + 12 > len(data):
        raise file_error("a damaged zip archive", _DAMAGED)
    (entries,) = struct.unpack("<H", data[at + 10 : at + 12])
    if entries != 0xFFFF and entries > limits.max_zip_entries:
        raise file_error(f"a zip with {entries} parts", "an ordinary XLSX workbook")


def _too_big(size: int, limits: Limits) -> IntakeRejected:
    return file_error(
        f"a workbook that unpacks to more than {size // MB} MB",
        f"at most {limits.max_uncompressed_bytes // MB} MB unpacked (split the list)",
    )
