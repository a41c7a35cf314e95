"""SPEC §5 link output file (link input is read by intake: tests/unit/intake)."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from muster.linkage.io import write_link_output


def test_output_has_record_id_and_cluster_id(tmp_path: Path) -> None:
    path = tmp_path / "out.csv"
    write_link_output(pl.DataFrame({"record_id": ["r1", "r2"], "cluster_id": ["r1", "r1"]}), path)
    assert path.read_text() == "record_id,cluster_id\nr1,r1\nr2,r1\n"
