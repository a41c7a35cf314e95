"""Configurable limits that keep hostile or runaway uploads from exhausting the server."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Upper bounds applied while reading one uploaded file."""

    max_upload_bytes: int = 50 * MB
    max_uncompressed_bytes: int = 500 * MB  # XLSX: sum of the parts actually read
    max_cell_chars: int = 32_767  # Excel's own cell limit
    max_rows: int = 2_000_000
    max_zip_entries: int = 10_000
    max_errors: int = 1_000  # errors carried in one rejection; the rest are counted


DEFAULT_LIMITS = Limits()
