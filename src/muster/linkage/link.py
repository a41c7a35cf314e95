"""Find the same person across records: normalise, score pairs with Splink, cluster.

`link_records` is the one entry point. It returns a `LinkResult` with a
cluster id per record, the grey-zone pairs a reviewer should look at, and the
trained model as Splink JSON settings, so a consolidation can save the model
and pass earlier reviewer decisions (`ReviewDecision`) back in next time.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from splink import Linker

from muster.linkage import model
from muster.linkage.clustering import ScoredPairs, cluster_labels
from muster.linkage.consistency import conflicting_pairs
from muster.linkage.engines import Engine, database_api, register_table, release
from muster.linkage.features import build_features
from muster.linkage.review import review_queue
from muster.linkage.yearless import yearless_joins

Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReviewDecision:
    """A reviewer's ruling on two records: the same person (confirmed) or not (split)."""

    record_id_l: str
    record_id_r: str
    same: bool


@dataclass(frozen=True)
class LinkOptions:
    """When two records are linked, which pairs go to review, which pairs veto a cluster.

    Evidence is Splink's match weight without the prior: the Bayes factor in bits.
    A link needs `link_bits` of evidence (16 bits is, for example, an exact name
    and a birth date one digit off) and a match probability of `min_probability`.
    The probability also weighs the prior, which falls as a file grows (about one
    pair in n is a match), so large files, with many namesakes, need more evidence.
    Two records whose own pair scores under `veto_bits`, or whose given names are
    both written in Hangul (or hanja) and differ, are not put in one cluster through
    other links (this stops chains of namesakes and twins: 김영수 - "Kim Yong Su" -
    김용수), unless a reviewer said so; every candidate pair is scored for this,
    however weak. With `consistency`, members of a cluster that contradict each
    other (dates and passports, or sex) are split apart (`linkage.consistency`).
    Pairs within `review_margin_bits` of the threshold are questions for a
    reviewer; at most `review_limit` of them are kept, those whose answer would
    change the most (`linkage.review`). A pair with neither two full birth dates
    nor a shared passport number needs `weak_margin_bits` more: it rests on names
    and at most a year, and namesakes born in one year are common (measured on the
    registers generator: precision 0.979 -> 0.985 at 100,000 records, recall 0.869 -> 0.846).
    Such a pair whose surnames agree only in their other reading (라 / 나: the
    initial-sound law) needs `other_reading_margin_bits` more again: `Ra Mi-ran
    1994-06-17` and `Na Mi-ran 1994-01-01` are two people as often as one.
    Records without a birth year join the one dated cluster of their name when a
    pair between them scores at least the threshold less `yearless_margin_bits`
    and nothing contradicts (`linkage.yearless`); None turns this off.
    """

    link_bits: float = 16.0
    min_probability: float = 0.5
    veto_bits: float = 2.0
    review_margin_bits: float = 4.0
    review_limit: int = 2_000
    weak_margin_bits: float = 1.0
    other_reading_margin_bits: float = 4.0
    consistency: bool = True  # split clusters whose members contradict each other
    yearless_margin_bits: float | None = 2.0


@dataclass(frozen=True)
class LinkResult:
    """Clusters (`record_id`, `cluster_id`), grey-zone pairs and the trained model."""

    clusters: pl.DataFrame
    review_pairs: pl.DataFrame
    settings: dict[str, Any]
    trained: bool
    threshold_bits: float = 0.0
    scored_pairs: int = 0
    notes: list[str] = field(default_factory=list)


def _noop(_: str) -> None:
    """Progress sink that ignores messages."""


def prior_bits(settings: dict[str, Any]) -> float:
    """log2 prior odds that two random records match, from a model's settings."""
    rate = float(settings["probability_two_random_records_match"])
    return math.log2(rate / (1 - rate))


def link_threshold(options: LinkOptions, prior: float) -> float:
    """Evidence (bits) a pair needs to be linked, given the prior of this file."""
    odds = math.log2(options.min_probability / (1 - options.min_probability))
    return max(options.link_bits, odds - prior)


def _scored_pairs(linker: Linker, prior: float) -> pl.DataFrame:
    """Every scored candidate pair, as row positions (weak pairs are vetoes)."""
    predictions = linker.inference.predict(warning_mode="never")
    table = predictions.as_pyarrow_table()  # type: ignore[no-untyped-call]
    predictions.drop_table_from_database_and_remove_from_cache()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return frame.select(
        pl.col("unique_id_l").cast(pl.Int64),
        pl.col("unique_id_r").cast(pl.Int64),
        (pl.col("match_weight").cast(pl.Float64) - prior).alias("evidence_bits"),
        pl.col("match_probability").cast(pl.Float64),
        pl.col("match_weight").cast(pl.Float64),
    )


def _decision_positions(
    record_ids: Sequence[str], decisions: Iterable[ReviewDecision]
) -> tuple[list[tuple[int, int]], list[tuple[int, int]], list[str]]:
    """Decisions as row positions: (same, split, notes on unknown record ids)."""
    position = {record_id: index for index, record_id in enumerate(record_ids)}
    same: list[tuple[int, int]] = []
    split: list[tuple[int, int]] = []
    notes: list[str] = []
    for decision in decisions:
        a, b = position.get(decision.record_id_l), position.get(decision.record_id_r)
        if a is None or b is None:
            notes.append(f"decision on {decision.record_id_l}/{decision.record_id_r} skipped")
            continue
        (same if decision.same else split).append((a, b))
    return same, split, notes


def _cluster_ids(record_ids: pl.Series, labels: np.ndarray[Any, Any]) -> pl.DataFrame:
    """`record_id`, `cluster_id`: a cluster is named by its smallest record id."""
    frame = pl.DataFrame({"record_id": record_ids, "label": labels})
    named = frame.with_columns(pl.col("record_id").min().over("label").alias("cluster_id"))
    return named.select("record_id", "cluster_id")


def _grey_pairs(
    pairs: pl.DataFrame, zone: tuple[float, float], decided: set[tuple[int, int]]
) -> pl.DataFrame:
    """Scored pairs in the grey zone that no reviewer has decided yet."""
    low, high = zone
    grey = pairs.filter(pl.col("evidence_bits").is_between(low, high, "left"))
    if decided:
        undecided = [
            (a, b) not in decided and (b, a) not in decided
            for a, b in grey.select("unique_id_l", "unique_id_r").iter_rows()
        ]
        grey = grey.filter(pl.Series(undecided, dtype=pl.Boolean))
    return grey


def _check_ids(record_ids: pl.Series) -> None:
    """Record ids must be present and unique."""
    if record_ids.null_count():
        raise ValueError("every record needs a record_id")
    if record_ids.n_unique() != len(record_ids):
        raise ValueError("record_id values must be unique")


def _codes(values: pl.Series) -> np.ndarray[Any, Any]:
    """A column as small integer codes, one per distinct value, -1 for null."""
    codes = values.cast(pl.String).cast(pl.Categorical).to_physical().cast(pl.Int32)
    return codes.fill_null(-1).to_numpy()


def _sides(values: np.ndarray[Any, Any], pairs: pl.DataFrame) -> tuple[Any, Any]:
    """The values of each pair's left and right record."""
    return values[pairs["unique_id_l"].to_numpy()], values[pairs["unique_id_r"].to_numpy()]


def _shared(values: pl.Series, pairs: pl.DataFrame) -> np.ndarray[Any, Any]:
    """Mask of the pairs whose records both have a value and the same one."""
    left, right = _sides(_codes(values), pairs)
    return np.asarray((left >= 0) & (left == right), dtype=bool)


def _differ(values: pl.Series, pairs: pl.DataFrame) -> np.ndarray[Any, Any]:
    """Mask of the pairs whose records both have a value, and not the same one."""
    left, right = _sides(_codes(values), pairs)
    return np.asarray((left >= 0) & (right >= 0) & (left != right), dtype=bool)


def _weakly_identified(features: pl.DataFrame, pairs: pl.DataFrame) -> np.ndarray[Any, Any]:
    """Mask of the pairs with neither two full birth dates nor one shared passport number.

    Such a pair rests on names and at most a year, and namesakes are common.
    """
    left, right = _sides(features["dob"].is_not_null().to_numpy(), pairs)
    return np.asarray(~(left & right) & ~_shared(features["passport"], pairs), dtype=bool)


def _other_reading(features: pl.DataFrame, pairs: pl.DataFrame) -> np.ndarray[Any, Any]:
    """Mask of the pairs whose surnames agree only in their other reading (라 / 나)."""
    return _differ(features["family_form"], pairs)


def _name_share(*columns: str) -> pl.Expr:
    """log2 of the share of the records with these columns that have this record's values."""
    known = pl.all_horizontal(pl.col(c).is_not_null() for c in columns)
    return (pl.len().over(*columns) / known.sum()).log(2)


def _whole_name_bits(features: pl.DataFrame, pairs: pl.DataFrame) -> np.ndarray[Any, Any]:
    """Bits by which a whole name two records share is rarer than its two halves predict.

    The model weighs surname and given name each by its own frequency, as if they
    were independent; a whole name can be rarer than that (수진 is common, and so is
    김, but 김수진 may not be). The correction is never negative: a person's own
    records make every whole name look commoner than it is among people.
    """
    rarer = _name_share("family_key") + _name_share("given_key")
    rarer -= _name_share("family_key", "given_key")
    bits = features.select(rarer.fill_null(0.0).clip(lower_bound=0.0).cast(pl.Float32))
    name = features.select(pl.concat_str("family_key", pl.lit("|"), "given_key")).to_series()
    shared = _shared(name, pairs)
    result = np.zeros(len(pairs), dtype=np.float32)
    result[shared] = bits.to_series().to_numpy()[pairs["unique_id_l"].to_numpy()[shared]]
    return result


def _other_hangul(features: pl.DataFrame, pairs: pl.DataFrame) -> np.ndarray[Any, Any]:
    """Mask of the pairs whose given names are both in Hangul and differ."""
    return _differ(features["given_hangul"], pairs)


def _clusters(
    pairs: pl.DataFrame,
    features: pl.DataFrame,
    threshold: float,
    decisions: tuple[list[tuple[int, int]], list[tuple[int, int]]],
    vetoed: np.ndarray[Any, Any],
    consistency: bool,
) -> np.ndarray[Any, Any]:
    """Cluster labels; clusters holding a vetoed or conflicting pair are rebuilt without it."""
    same, split = decisions
    count = len(features)
    scored = ScoredPairs(
        left=pairs["unique_id_l"].to_numpy(),
        right=pairs["unique_id_r"].to_numpy(),
        score=pairs["evidence_bits"].to_numpy(),
    )
    labels = cluster_labels(count, scored, threshold, same, split)
    left, right = scored.left[vetoed], scored.right[vetoed]
    together = labels[left] == labels[right]
    vetoes = list(zip(left[together].tolist(), right[together].tolist(), strict=True))
    if consistency:
        linked = pairs.filter(pl.col("evidence_bits") >= threshold)
        vetoes += conflicting_pairs(features, labels, linked.select("unique_id_l", "unique_id_r"))
    confirmed = set(same) | {(b, a) for a, b in same}
    vetoes = [p for p in vetoes if p not in confirmed]
    if not vetoes:
        return labels
    return cluster_labels(count, scored, threshold, same, [*split, *vetoes])


def _trained_linker(
    features: pl.DataFrame,
    engine: tuple[Engine, Any],
    settings: dict[str, Any] | None,
    report: Progress,
) -> Linker:
    """A Splink linker on the features: the saved model (for this engine) or one trained here."""
    name, db_api = engine
    report(f"starting {name}")
    table = register_table(db_api, features.to_arrow(), "muster_link_records")
    if settings is not None:
        model_settings = model.for_dialect(settings, "spark" if name == "spark" else "duckdb")
        return Linker(table, model_settings, log_level=None)
    large = len(features) >= model.MIN_RECORDS_TO_TRAIN
    linker = Linker(table, model.settings(term_frequencies=large), log_level=None)
    report("estimating model parameters")
    model.train(linker, len(features))
    return linker


def _scored(
    features: pl.DataFrame, engine: Engine, settings: dict[str, Any] | None, report: Progress
) -> tuple[dict[str, Any], pl.DataFrame]:
    """The model used and every scored candidate pair (see `_scored_pairs`).

    The engine's database is let go before clustering: at a million records
    DuckDB holds about a gigabyte that clustering would otherwise pile on top.
    """
    db_api = database_api(engine)
    try:
        linker = _trained_linker(features, (engine, db_api), settings, report)
        report("scoring candidate pairs")
        trained: dict[str, Any] = linker.misc.save_model_to_json()
        return trained, _scored_pairs(linker, prior_bits(trained))
    finally:
        release(db_api)


def _weighed(
    pairs: pl.DataFrame, features: pl.DataFrame, options: LinkOptions, whole_names: bool
) -> tuple[pl.DataFrame, np.ndarray[Any, Any]]:
    """Pairs with weakly identified ones marked down, and the mask of vetoed pairs.

    With `whole_names` (a model that weighs names by their frequency), a shared
    whole name rarer than its halves predict counts for more.
    """
    vetoed = (pairs["evidence_bits"] < options.veto_bits).to_numpy()
    vetoed |= _other_hangul(features, pairs)
    weakly = _weakly_identified(features, pairs)
    margin = np.where(weakly, np.float32(options.weak_margin_bits), np.float32(0.0))
    margin[weakly & _other_reading(features, pairs)] += options.other_reading_margin_bits
    if whole_names:
        margin -= _whole_name_bits(features, pairs)
    if margin.any():
        pairs = pairs.with_columns(pl.col("evidence_bits") - pl.Series(margin))
    return pairs, vetoed


def link_records(
    records: pl.DataFrame,
    *,
    engine: Engine = "duckdb",
    decisions: Iterable[ReviewDecision] = (),
    settings: dict[str, Any] | None = None,
    options: LinkOptions | None = None,
    progress: Progress | None = None,
) -> LinkResult:
    """Cluster person records (SPEC §5 link input columns) into one id per person.

    With `settings` (a model saved from an earlier `LinkResult`) the model is
    reused as is; without, it is trained on these records.
    """
    options = options or LinkOptions()
    report = progress or _noop
    record_ids = records["record_id"].cast(pl.String)
    _check_ids(record_ids)
    report("normalising names")
    features = build_features(records)
    trained, scored = _scored(features, engine, settings, report)
    threshold = link_threshold(options, prior_bits(trained))
    zone = (threshold - options.review_margin_bits, threshold + options.review_margin_bits)
    whole_names = model.uses_term_frequencies(trained)
    pairs, vetoed = _weighed(scored, features, options, whole_names)
    del scored
    report("clustering")
    same, split, notes = _decision_positions(record_ids.to_list(), decisions)
    labels = _clusters(pairs, features, threshold, (same, split), vetoed, options.consistency)
    if options.yearless_margin_bits is not None:
        floor = threshold - options.yearless_margin_bits
        labels = yearless_joins(features, labels, pairs, vetoed, floor, split)
    grey = _grey_pairs(pairs, zone, set(same) | set(split))
    return LinkResult(
        clusters=_cluster_ids(record_ids, labels),
        review_pairs=review_queue(
            grey, labels, threshold, record_ids.to_list(), options.review_limit
        ),
        settings=trained,
        trained=settings is None and len(features) >= model.MIN_RECORDS_TO_TRAIN,
        threshold_bits=threshold,
        scored_pairs=len(pairs),
        notes=notes,
    )
