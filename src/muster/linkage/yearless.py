"""Records without a birth year join the one dated person of their name.

A record with no birth year (none written, or 1900-01-01) and no shared passport
rests on its name; scored pair by pair, a name is weighed by how many records
carry it, as if each were another person. But when every other record of that
name (family and given key) is already one cluster with a birth year, the name
is, in this file, that person's: the records without a year are joined to it,
unless they contradict it or the name has any other cluster.

Conditions, all required (`yearless_joins`):

- of the clusters that share a name with the yearless cluster (names carried by
  at most `MAX_NAME_CLUSTERS` clusters) and do not contradict it, exactly one
  has a birth year (the person) and none is another yearless cluster;
- no contradiction: every known sex and Hangul given name of the yearless
  cluster is one the other cluster has (or either side knows none), and their
  passport numbers share one within a slip (or either side has none);
- a direct scored pair between them reaches `threshold - margin` bits, and no
  scored pair between them is vetoed (`veto_bits`, two Hangul given names that
  differ) or split by a reviewer.

Measured on the registers generator at 100,000 records (bench/RESULTS.md): with
`yearless_margin_bits` 2, recall 0.848 -> 0.866 and precision 0.985 -> 0.982; the
joins that are wrong are namesakes whose own records all lack a year, which no
field of the file can tell apart.
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


# Names carried by more clusters than this are too common to place a record on.
MAX_NAME_CLUSTERS = 30


def _named_clusters(features: pl.DataFrame, labels: np.ndarray[Any, Any]) -> pl.DataFrame:
    """Distinct (`family_key`, `given_key`, `label`) of names carried by few clusters."""
    named = features.select("family_key", "given_key").with_columns(pl.Series("label", labels))
    named = named.filter(pl.col("family_key").is_not_null() & pl.col("given_key").is_not_null())
    named = named.unique()
    return named.filter(pl.len().over("family_key", "given_key") <= MAX_NAME_CLUSTERS)


def _within(yearless: str, other: str) -> pl.Expr:
    """Either side knows nothing, or every value of the yearless side is the other's."""
    left, right = pl.col(yearless), pl.col(other)
    return (
        (left.list.len() == 0)
        | (right.list.len() == 0)
        | (left.list.set_difference(right).list.len() == 0)
    )


def _passports_agree(left: list[str], right: list[str]) -> bool:
    """True if either side has no passport, or two of them are at most one slip apart."""
    return not left or not right or any(one_apart(a, b) for a in left for b in right)


def _compatible(pairs: pl.DataFrame, facts: pl.DataFrame) -> pl.DataFrame:
    """(`yearless`, `other`) pairs whose clusters do not contradict each other."""
    joined = pairs.join(facts.rename({"label": "yearless"}), on="yearless").join(
        facts.rename({"label": "other"}), on="other", suffix="_o"
    )
    joined = joined.filter(_within("sexes", "sexes_o") & _within("hangul", "hangul_o"))
    keep = [
        _passports_agree(a, b) for a, b in joined.select("passports", "passports_o").iter_rows()
    ]
    return joined.filter(pl.Series(keep, dtype=pl.Boolean)).select(
        "yearless", "other", pl.col("dated_o").alias("other_dated")
    )


def _candidates(
    features: pl.DataFrame, labels: np.ndarray[Any, Any], facts: pl.DataFrame
) -> pl.DataFrame:
    """(`yearless`, `dated`): a yearless cluster and the one cluster its names could be.

    Every cluster that shares a name with the yearless one and does not contradict
    it counts; exactly one of them must be dated and none other yearless (that
    could be the same person's or a namesake's).
    """
    named = _named_clusters(features, labels)
    yearless = named.join(facts.filter(~pl.col("dated")).select("label"), on="label")
    pairs = (
        yearless.rename({"label": "yearless"})
        .join(named.rename({"label": "other"}), on=["family_key", "given_key"])
        .filter(pl.col("yearless") != pl.col("other"))
        .select("yearless", "other")
        .unique()
    )
    compatible = _compatible(pairs, facts)
    counted = compatible.group_by("yearless").agg(
        pl.col("other_dated").sum().alias("dated_count"),
        (~pl.col("other_dated")).sum().alias("yearless_count"),
        pl.col("other").filter(pl.col("other_dated")).first().alias("dated"),
    )
    chosen = counted.filter((pl.col("dated_count") == 1) & (pl.col("yearless_count") == 0))
    return chosen.select("yearless", "dated")


def _evidence(
    pairs: pl.DataFrame,
    labels: np.ndarray[Any, Any],
    vetoed: np.ndarray[Any, Any],
    yearless: np.ndarray[Any, Any],
) -> pl.DataFrame:
    """Per (`yearless`, `dated`) cluster pair: best direct evidence, any veto.

    Only the scored pairs that touch a candidate yearless cluster are read.
    """
    left = labels[pairs["unique_id_l"].to_numpy()]
    right = labels[pairs["unique_id_r"].to_numpy()]
    touch = (left != right) & (np.isin(left, yearless) | np.isin(right, yearless))
    bits = pairs["evidence_bits"].to_numpy()[touch]
    left, right, veto = left[touch], right[touch], vetoed[touch]
    both = pl.DataFrame(
        {
            "yearless": np.concatenate([left, right]),
            "dated": np.concatenate([right, left]),
            "evidence_bits": np.concatenate([bits, bits]),
            "vetoed": np.concatenate([veto, veto]),
        }
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
    candidates = _candidates(features, labels, _cluster_facts(features, labels))
    if candidates.is_empty():
        return labels
    evidence = _evidence(pairs, labels, vetoed, candidates["yearless"].to_numpy())
    candidates = candidates.join(evidence, on=["yearless", "dated"]).filter(
        (pl.col("best") >= min_bits) & ~pl.col("vetoed")
    )
    refused = {(int(labels[a]), int(labels[b])) for a, b in split if labels[a] != labels[b]}
    remap = np.arange(int(labels.max()) + 1, dtype=labels.dtype)
    for yearless, dated in candidates.select("yearless", "dated").iter_rows():
        if (yearless, dated) not in refused and (dated, yearless) not in refused:
            remap[yearless] = dated  # a dated cluster is never itself joined: no chains
    return np.asarray(remap[labels])
