"""Records without a birth year join the one dated person of their name.

A record with no birth year (none written, or 1900-01-01) and no shared passport
rests on its name; scored pair by pair, a name is weighed by how many records
carry it, as if each were another person. But when every other record of that
name (family and given key) is already one cluster with a birth year, the name
is, in this file, that person's: the records without a year are joined to it,
unless they contradict it or the name has any other cluster.

Conditions, all required (`yearless_joins`):

- the name's records fall into exactly two clusters: one with a birth year (the
  person), one without any (the records to join);
- no contradiction: every known sex and Hangul given name of the yearless
  cluster is one the dated cluster has (or either side knows none), and their
  passport numbers share one within a slip (or either side has none);
- a direct scored pair between them reaches `threshold - margin` bits, and no
  scored pair between them is vetoed (`veto_bits`, two Hangul given names that
  differ) or split by a reviewer.

Measured on the registers generator (bench/RESULTS.md): about 80% of such joins
are right, more than the pair threshold asks of a link (a probability of 0.5
and a margin); the rest are namesakes whose records all lack a year.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import polars as pl

from muster.linkage.consistency import one_apart


def _cluster_facts(features: pl.DataFrame, labels: np.ndarray[Any, Any]) -> pl.DataFrame:
    """Per cluster: dated or not, and its sexes, Hangul given names and passports."""
    frame = features.select("birth_year", "sex", "given_hangul", "passport")
    frame = frame.with_columns(pl.Series("label", labels))
    return frame.group_by("label").agg(
        pl.col("birth_year").is_not_null().any().alias("dated"),
        pl.col("sex").drop_nulls().unique().alias("sexes"),
        pl.col("given_hangul").drop_nulls().unique().alias("hangul"),
        pl.col("passport").drop_nulls().unique().alias("passports"),
    )


def _candidates(features: pl.DataFrame, labels: np.ndarray[Any, Any]) -> pl.DataFrame:
    """(`yearless`, `dated`) cluster pairs: the only two clusters of some name."""
    named = features.select("family_key", "given_key").with_columns(pl.Series("label", labels))
    named = named.filter(pl.col("family_key").is_not_null() & pl.col("given_key").is_not_null())
    facts = _cluster_facts(features, labels).select("label", pl.col("dated").alias("has_year"))
    groups = (
        named.unique()
        .join(facts, on="label")
        .group_by("family_key", "given_key")
        .agg(
            pl.len().alias("clusters"),
            pl.col("label").filter(~pl.col("has_year")).first().alias("yearless"),
            pl.col("label").filter(pl.col("has_year")).first().alias("dated"),
            pl.col("has_year").sum().alias("dated_count"),
        )
    )
    pairs = groups.filter((pl.col("clusters") == 2) & (pl.col("dated_count") == 1))
    pairs = pairs.select("yearless", "dated").unique()
    # A yearless cluster whose names point to two different persons joins neither.
    return pairs.filter(pl.len().over("yearless") == 1)


def _within(yearless: list[str], dated: list[str]) -> bool:
    """True if either side knows nothing, or every value of the yearless side is the dated's."""
    return not yearless or not dated or set(yearless) <= set(dated)


def _passports_agree(left: list[str], right: list[str]) -> bool:
    """True if either side has no passport, or two of them are at most one slip apart."""
    return not left or not right or any(one_apart(a, b) for a in left for b in right)


def _compatible(candidates: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """Candidate pairs whose clusters do not contradict each other (sex, Hangul, passport)."""
    facts = facts.drop("dated")
    joined = candidates.join(facts.rename({"label": "yearless"}), on="yearless", suffix="_y").join(
        facts.rename({"label": "dated"}), on="dated", suffix="_d"
    )
    keep = [
        _within(sy, sd) and _within(hy, hd) and _passports_agree(py, pd)
        for sy, sd, hy, hd, py, pd in joined.select(
            "sexes", "sexes_d", "hangul", "hangul_d", "passports", "passports_d"
        ).iter_rows()
    ]
    return joined.filter(pl.Series(keep, dtype=pl.Boolean)).select("yearless", "dated")


def _evidence(
    pairs: pl.DataFrame, labels: np.ndarray[Any, Any], vetoed: np.ndarray[Any, Any]
) -> pl.DataFrame:
    """Per pair of clusters (`yearless`, `dated` in both orders): best evidence, any veto."""
    left, right = pairs["unique_id_l"].to_numpy(), pairs["unique_id_r"].to_numpy()
    scored = pl.DataFrame(
        {
            "a": labels[left],
            "b": labels[right],
            "evidence_bits": pairs["evidence_bits"].to_numpy(),
            "vetoed": vetoed,
        }
    ).filter(pl.col("a") != pl.col("b"))
    both = pl.concat(
        [
            scored.rename({"a": "yearless", "b": "dated"}),
            scored.rename({"a": "dated", "b": "yearless"}).select(
                "yearless", "dated", "evidence_bits", "vetoed"
            ),
        ]
    )
    return both.group_by("yearless", "dated").agg(
        pl.col("evidence_bits").max().alias("best"), pl.col("vetoed").any().alias("vetoed")
    )


def yearless_joins(
    features: pl.DataFrame,
    labels: np.ndarray[Any, Any],
    pairs: pl.DataFrame,
    vetoed: np.ndarray[Any, Any],
    min_bits: float,
    split: Iterable[tuple[int, int]] = (),
) -> np.ndarray[Any, Any]:
    """Cluster labels with yearless clusters joined to the one dated cluster of their name."""
    candidates = _candidates(features, labels)
    if candidates.is_empty():
        return labels
    candidates = _compatible(candidates, _cluster_facts(features, labels))
    evidence = _evidence(pairs, labels, vetoed)
    candidates = candidates.join(evidence, on=["yearless", "dated"]).filter(
        (pl.col("best") >= min_bits) & ~pl.col("vetoed")
    )
    refused = {(int(labels[a]), int(labels[b])) for a, b in split if labels[a] != labels[b]}
    remap = np.arange(int(labels.max()) + 1, dtype=labels.dtype)
    for yearless, dated in candidates.select("yearless", "dated").iter_rows():
        if (yearless, dated) not in refused and (dated, yearless) not in refused:
            remap[yearless] = dated  # a dated cluster is never itself joined: no chains
    return np.asarray(remap[labels])
