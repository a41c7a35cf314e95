"""XML parsing for workbook parts with DTDs, entity declarations and external entities forbidden.

The refusal lives in the parser (defusedxml's expat handlers), not in a byte search, so it
holds in every encoding the parser accepts: a part written in UTF-16 without a byte order
mark hides "<!DOCTYPE" from any byte check but not from expat.

calamine gets only parts proven here first: their prolog (where XML allows a DTD) parsed by
the defused parser up to the root element, and the part UTF-8, so that the byte screens of
the rest of the part (xlsx_scan) see every "<!" there is.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from muster.intake.errors import IntakeRejected, file_error

DAMAGED = "an XLSX workbook saved again by a spreadsheet program"
_UTF8_NAMES = frozenset({"utf-8", "utf8"})
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
Element = ET.Element
Forbidden = DefusedXmlException


def pull_parser() -> ET.XMLPullParser[Element]:
    """An incremental parser of 'start' and 'end' events that refuses any DTD or entity."""
    defused = DefusedXMLParser(target=ET.TreeBuilder(), forbid_dtd=True)
    # XMLPullParser takes its XML parser through `_parser`, as defusedxml's own iterparse does.
    return ET.XMLPullParser(events=("start", "end"), _parser=defused)


def declarations(name: str) -> IntakeRejected:
    """The refusal of a part that carries a DOCTYPE, entity declarations or external entities."""
    return file_error(f"a DOCTYPE or XML entity declarations in {name!r}", DAMAGED)


class _RootReached(Exception):
    """Raised by the prolog target at the root element: no DTD may come after it."""


class _StopAtRoot:
    """A parser target that ends the parse where the prolog ends."""

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        raise _RootReached

    def close(self) -> None:
        return None


class PrologProof:
    """Feeds a part's chunks to the defused parser until its root element starts.

    Refuses a DTD (IntakeRejected) in any encoding. `proven` is True once the prolog parsed
    cleanly up to the root element and the part is UTF-8; anything else (damaged XML, another
    encoding) is left to the stream reader, whose defused parser reads it whole.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser = DefusedXMLParser(target=_StopAtRoot(), forbid_dtd=True)
        self.parser.parser.XmlDeclHandler = self._declared
        self.reached = self.broken = False
        self.utf8 = True
        self.started = False

    @property
    def proven(self) -> bool:
        """True when the part reached its root element without a DTD and is UTF-8."""
        return self.reached and not self.broken and self.utf8

    def feed(self, chunk: bytes) -> None:
        """Parse one more chunk, unless the prolog is already decided."""
        if not self.started:
            self.started = True
            # expat reads UTF-16 from a byte order mark or from NUL bytes around the first '<'.
            wide = b"\x00" in chunk[:4] or chunk.startswith(_UTF16_BOMS)
            self.utf8 = not wide
        if self.reached or self.broken:
            return
        try:
            self.parser.feed(chunk)
        except _RootReached:
            self.reached = True
        except ET.ParseError:
            self.broken = True
        except DefusedXmlException:
            raise declarations(self.name) from None

    def _declared(self, version: str, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower() not in _UTF8_NAMES:
            self.utf8 = False
