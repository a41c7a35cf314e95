"""Safe access to the parts of an XLSX zip: entry and size limits, streamed XML events.

Zip bombs are refused by the sizes the archive declares before anything is unpacked, and
again by the bytes actually unpacked while streaming (a part may lie about its size).
XML parts are parsed incrementally by a parser that refuses DTDs and entities in any
encoding (xlsx_xml, defusedxml).
Parts proven this way can be copied, still compressed, into a new zip (`pack`).
"""

from __future__ import annotations

import io
import posixpath
import struct
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from xml.etree import ElementTree as ET

from muster.intake.errors import IntakeRejected, file_error
from muster.intake.limits import MB, Limits
from muster.intake.xlsx_xml import DAMAGED, Forbidden, declarations, pull_parser

_CHUNK = 1024 * 1024
_EOCD = b"PK\x05\x06"
_OFFICE_DOCUMENT = "/officeDocument"
_LOCAL_HEADER = b"PK\x03\x04"
_COPYABLE = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
_ZIP32 = 0xFFFF_FFFF
Element = ET.Element


@dataclass(frozen=True)
class RawPart:
    """A part as stored in a zip: method, CRC-32, unpacked size and the stored bytes."""

    method: int
    crc: int
    size: int
    payload: bytes | memoryview


def stored(data: bytes) -> RawPart:
    """A part kept uncompressed."""
    return RawPart(zipfile.ZIP_STORED, zlib.crc32(data), len(data), data)


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
            raise file_error("a damaged zip archive", DAMAGED) from None
        infos = self.zip.infolist()
        if len(infos) > limits.max_zip_entries:
            raise file_error(f"a zip with {len(infos)} parts", "an ordinary XLSX workbook")
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_uncompressed_bytes:
            raise _too_big(declared, limits)
        if any(info.flag_bits & 0x1 for info in infos):
            raise file_error("an encrypted archive", "a workbook without a password")
        self.names = {info.filename.lower(): info for info in infos}
        self.data = data
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
                        raise file_error(f"a part {info.filename!r} bigger than declared", DAMAGED)
                    if self.remaining < 0:
                        raise _too_big(self.limits.max_uncompressed_bytes + 1, self.limits)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError):
            raise file_error(f"a damaged part {info.filename!r}", DAMAGED) from None

    def raw(self, name: str) -> RawPart | None:
        """A part's stored bytes, to copy without unpacking; None when it cannot be copied.

        Only for parts already streamed through `chunks` (sizes and CRC proven).
        """
        info = self.names[name.lower()]
        if info.compress_type not in _COPYABLE or max(info.compress_size, info.file_size) >= _ZIP32:
            return None
        header = self.data[info.header_offset : info.header_offset + 30]
        if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
            raise file_error(f"a damaged part {info.filename!r}", DAMAGED)
        name_size, extra_size = struct.unpack("<HH", header[26:30])
        start = info.header_offset + 30 + name_size + extra_size
        payload = memoryview(self.data)[start : start + info.compress_size]
        if len(payload) != info.compress_size:
            raise file_error(f"a damaged part {info.filename!r}", DAMAGED)
        return RawPart(info.compress_type, info.CRC, info.file_size, payload)

    def events(
        self, name: str, start: frozenset[str] = frozenset()
    ) -> Iterator[tuple[str, Element]]:
        """Stream (event, element) pairs of an XML part: 'end' for all, 'start' for `start` tags."""
        parser = pull_parser()
        try:
            for number, chunk in enumerate(self.chunks(name)):
                if number == 0 and not chunk.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                    raise file_error(f"a part {name!r} that is not UTF-8 XML", DAMAGED)
                parser.feed(chunk)
                yield from _wanted(parser, start)
            parser.close()
            yield from _wanted(parser, start)
        except ET.ParseError as error:
            raise file_error(f"broken XML in {name!r} ({error})", DAMAGED) from None
        except Forbidden:
            raise declarations(name) from None

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


def pack(parts: Sequence[tuple[str, RawPart]]) -> bytes | None:
    """A zip of the given parts, their stored bytes copied as they are; None past 4 GB."""
    pieces: list[bytes | memoryview] = []
    directory: list[bytes] = []
    offset = 0
    for name, part in parts:
        encoded = name.encode()
        fields = struct.pack(
            "<HHHHHIIIHH",
            *(20, 0, part.method, 0, 0x21, part.crc, len(part.payload), part.size),
            *(len(encoded), 0),
        )
        directory.append(b"PK\x01\x02" + struct.pack("<H", 20) + fields)
        directory.append(struct.pack("<HHHII", 0, 0, 0, 0, offset) + encoded)
        pieces += [_LOCAL_HEADER + fields + encoded, part.payload]
        offset += 30 + len(encoded) + len(part.payload)
    listing = b"".join(directory)
    if offset + len(listing) >= _ZIP32:
        return None
    count = len(parts)
    end = struct.pack("<HHHHIIH", 0, 0, count, count, len(listing), offset, 0)
    return b"".join([*pieces, listing, _EOCD, end])


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
        raise file_error("a damaged zip archive", DAMAGED)
    (entries,) = struct.unpack("<H", data[at + 10 : at + 12])
    if entries != 0xFFFF and entries > limits.max_zip_entries:
        raise file_error(f"a zip with {entries} parts", "an ordinary XLSX workbook")


def _too_big(size: int, limits: Limits) -> IntakeRejected:
    return file_error(
        f"a workbook that unpacks to more than {size // MB} MB",
        f"at most {limits.max_uncompressed_bytes // MB} MB unpacked (split the list)",
    )
