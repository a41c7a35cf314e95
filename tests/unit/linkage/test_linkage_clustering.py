"""Clustering at a threshold with reviewer decisions."""

from __future__ import annotations

import numpy as np

from muster.linkage.clustering import ScoredPairs, cluster_labels


def _pairs(*edges: tuple[int, int, float]) -> ScoredPairs:
    return ScoredPairs(
        left=np.array([e[0] for e in edges], dtype=np.int64),
        right=np.array([e[1] for e in edges], dtype=np.int64),
        score=np.array([e[2] for e in edges], dtype=np.float64),
    )


def _groups(labels: np.ndarray) -> set[frozenset[int]]:  # type: ignore[type-arg]
    groups: dict[int, set[int]] = {}
    for index, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(index)
    return {frozenset(g) for g in groups.values()}


def test_links_at_or_above_the_threshold_form_clusters() -> None:
    labels = cluster_labels(5, _pairs((0, 1, 20.0), (1, 2, 16.0), (3, 4, 15.9)), 16.0)
    assert _groups(labels) == {frozenset({0, 1, 2}), frozenset({3}), frozenset({4})}


def test_confirmed_same_joins_whatever_the_score() -> None:
    labels = cluster_labels(3, _pairs((0, 1, 3.0)), 16.0, same=[(0, 2)])
    assert _groups(labels) == {frozenset({0, 2}), frozenset({1})}


def test_split_keeps_two_records_apart_even_through_other_links() -> None:
    pairs = _pairs((0, 1, 30.0), (1, 2, 17.0), (0, 2, 25.0), (3, 4, 20.0))
    labels = cluster_labels(5, pairs, 16.0, split=[(0, 2)])
    groups = _groups(labels)
    assert frozenset({3, 4}) in groups
    assert not any({0, 2} <= g for g in groups)
    assert frozenset({0, 1}) in groups  # the strongest link is kept


def test_no_pairs_means_one_cluster_per_record() -> None:
    labels = cluster_labels(3, _pairs(), 16.0)
    assert len(set(labels.tolist())) == 3
