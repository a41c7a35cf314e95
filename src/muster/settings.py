"""Settings from the environment (MUSTER_*): database URL, data folder, categories, limits."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from muster.intake.limits import MB, Limits
from muster.store.db import DEFAULT_URL


class Settings(BaseSettings):
    """Everything configurable about one deployment of Muster."""

    model_config = SettingsConfigDict(env_prefix="MUSTER_", extra="ignore")

    database_url: str = DEFAULT_URL
    data_dir: Path | None = None
    categories_file: Path | None = None
    max_upload_bytes: int = 50 * 1024 * 1024
    max_uncompressed_bytes: int = 500 * 1024 * 1024
    max_cell_chars: int = 32_767
    max_rows: int = 2_000_000
    job_workers: int = 1  # job worker threads each web server process runs (0: none)
    smtp_url: str | None = None  # smtp://host:port?from=ADDRESS: notices by e-mail when set
    time_zone: str = "UTC"  # an IANA zone such as Asia/Seoul: times shown and typed on pages

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        """Refuse a zone name the time zone database does not know, with the reason."""
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"MUSTER_TIME_ZONE={value!r} is not a time zone; use an IANA name such as "
                "Asia/Seoul or UTC"
            ) from None
        return value

    # A web request still running after this is answered 503 and its work rolled back;
    # uploads (multipart forms, the client's sending time included) get the longer limit.
    request_timeout_seconds: float = 60.0
    upload_timeout_seconds: float = 600.0

    def limits(self) -> Limits:
        """Intake limits (MUSTER_MAX_UPLOAD_BYTES, ...) for reading one input file."""
        return Limits(
            max_upload_bytes=self.max_upload_bytes,
            max_uncompressed_bytes=self.max_uncompressed_bytes,
            max_cell_chars=self.max_cell_chars,
            max_rows=self.max_rows,
        )

    def local_file_limits(self) -> Limits:
        """Limits for a file the operator reads on this machine (`muster link INPUT`).

        The upload limits protect a server from what strangers send; a local link input
        of a million records is 50-100 MB (CSV or XLSX), so unless the operator set
        them, the file and unpacked-size limits are raised to 1 GB and 4 GB.
        """
        limits = self.limits()
        chosen = self.model_fields_set
        return replace(
            limits,
            max_upload_bytes=limits.max_upload_bytes
            if "max_upload_bytes" in chosen
            else max(limits.max_upload_bytes, 1024 * MB),
            max_uncompressed_bytes=limits.max_uncompressed_bytes
            if "max_uncompressed_bytes" in chosen
            else max(limits.max_uncompressed_bytes, 4096 * MB),
        )

    def archive_dir(self) -> Path:
        """Where received files are kept: MUSTER_DATA_DIR, else beside the SQLite file."""
        if self.data_dir is not None:
            return self.data_dir
        url = self.database_url
        if url.startswith("sqlite:///") and url != "sqlite:///:memory:":
            db_file = Path(url.removeprefix("sqlite:///"))
            return db_file.parent / f"{db_file.stem}-files"
        return Path("muster-files")
