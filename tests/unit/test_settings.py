"""Settings: upload limits for strangers' files, roomier limits for the operator's own files."""

from __future__ import annotations

import pytest

from muster.intake.limits import MB
from muster.settings import Settings


def test_local_files_get_room_for_a_million_records(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MUSTER_MAX_UPLOAD_BYTES", raising=False)
    monkeypatch.delenv("MUSTER_MAX_UNCOMPRESSED_BYTES", raising=False)
    settings = Settings()
    assert settings.limits().max_upload_bytes == 50 * MB  # uploads keep the default
    local = settings.local_file_limits()
    assert (local.max_upload_bytes, local.max_uncompressed_bytes) == (1024 * MB, 4096 * MB)
    assert local.max_rows == settings.limits().max_rows


def test_limits_the_operator_set_hold_for_local_files_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MUSTER_MAX_UPLOAD_BYTES", "1000")
    monkeypatch.setenv("MUSTER_MAX_UNCOMPRESSED_BYTES", "5000")
    local = Settings().local_file_limits()
    assert (local.max_upload_bytes, local.max_uncompressed_bytes) == (1000, 5000)
