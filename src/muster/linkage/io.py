"""SPEC §5 link output file: `record_id, cluster_id`.

Link input is read by the intake layer (`muster.intake.read_link_frame`): CSV in UTF-8,
CP949/EUC-KR, GB18030 or UTF-16, or the first sheet of an XLSX workbook, within the
intake limits, with every error named by row, column, value and expected form.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl


def write_link_output(clusters: pl.DataFrame, path: Path) -> None:
    """Write `record_id, cluster_id` (one row per input record, input order) as UTF-8 CSV.

    A machine file: record ids are written exactly as the input had them (no formula
    neutralising, unlike the reports), so that other tools can join on them.
    """
    clusters.select("record_id", "cluster_id").write_csv(path)
