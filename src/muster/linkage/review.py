"""The review queue: the grey-zone pairs whose decision changes the clusters most, bounded.

A pair near the threshold is a question for a reviewer. Many such pairs ask the
same question (two clusters, several pairs between them), and most are almost
surely answered by the score already. Each question is ranked by the expected
number of record pairs a decision changes:

- two records in different clusters: if they are the same person, the two
  clusters join, which changes |A| x |B| record pairs; that happens with the
  pair's probability p;
- two records in one cluster: if they are not the same person, the cluster
  splits, changing about |C| - 1 pairs; that happens with probability 1 - p.

p is read from the evidence relative to this file's threshold (p = 0.5 at the
threshold). One pair per question is kept (the most uncertain one), and only
the `limit` highest-ranked questions.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

REVIEW_SCHEMA = {
    "record_id_l": pl.String,
    "record_id_r": pl.String,
    "evidence_bits": pl.Float64,
    "match_probability": pl.Float64,
    "match_weight": pl.Float64,
    "priority": pl.Float64,
}


def _with_priority(
    grey: pl.DataFrame, labels: np.ndarray[Any, Any], threshold: float
) -> pl.DataFrame:
    """Grey pairs with their clusters, the question they ask and its expected change."""
    sizes = np.bincount(labels)
    left, right = grey["unique_id_l"].to_numpy(), grey["unique_id_r"].to_numpy()
    label_l, label_r = labels[left], labels[right]
    same_cluster = label_l == label_r
    size_l, size_r = sizes[label_l].astype(np.float64), sizes[label_r].astype(np.float64)
    p = 1.0 / (1.0 + np.exp2(threshold - grey["evidence_bits"].to_numpy()))
    change = np.where(same_cluster, (1 - p) * (size_l - 1), p * size_l * size_r)
    return grey.with_columns(
        pl.Series("question_l", np.minimum(label_l, label_r)),
        pl.Series("question_r", np.maximum(label_l, label_r)),
        pl.Series("uncertainty", np.abs(p - 0.5)),
        pl.Series("priority", change),
    )


def review_queue(
    grey: pl.DataFrame,
    labels: np.ndarray[Any, Any],
    threshold: float,
    record_ids: list[str],
    limit: int,
) -> pl.DataFrame:
    """At most `limit` pairs (by record id), one per question, most consequential first."""
    if grey.is_empty() or limit <= 0:
        return pl.DataFrame(schema=REVIEW_SCHEMA)
    ranked = _with_priority(grey, labels, threshold)
    questions = (
        ranked.sort("uncertainty")
        .unique(subset=["question_l", "question_r"], keep="first")
        .sort(["priority", "evidence_bits"], descending=True)
        .head(limit)
    )
    ids = pl.Series(record_ids, dtype=pl.String)
    return questions.select(
        pl.Series("record_id_l", ids.gather(questions["unique_id_l"].to_numpy())),
        pl.Series("record_id_r", ids.gather(questions["unique_id_r"].to_numpy())),
        "evidence_bits",
        "match_probability",
        "match_weight",
        "priority",
    ).cast(REVIEW_SCHEMA)  # type: ignore[arg-type]
