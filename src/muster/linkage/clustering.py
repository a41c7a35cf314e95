"""Clusters from scored pairs: connected components at a threshold, with reviewer decisions.

A reviewer's "same person" joins two records whatever their score; a "split"
keeps them apart even if other strong links would connect them, by rebuilding
the affected cluster greedily from its strongest links, never joining a split pair.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class ScoredPairs:
    """Pairs of record positions (0-based rows) and their scores (higher = more alike)."""

    left: IntArray
    right: IntArray
    score: FloatArray


def _components(count: int, left: IntArray, right: IntArray) -> IntArray:
    """Connected-component label of every record."""
    graph = coo_matrix((np.ones(len(left), dtype=np.int8), (left, right)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    return np.asarray(labels, dtype=np.int64)


class _Groups:
    """Union-find over record positions that refuses to join a split pair."""

    def __init__(self, nodes: Iterable[int], apart: dict[int, set[int]]) -> None:
        self.parent = {node: node for node in nodes}
        self.members = {node: {node} for node in self.parent}
        self.apart = apart

    def root(self, node: int) -> int:
        """Representative of the node's group."""
        while self.parent[node] != node:
            self.parent[node] = self.parent[self.parent[node]]
            node = self.parent[node]
        return node

    def join(self, a: int, b: int) -> None:
        """Join two groups unless a split pair would end up together."""
        ra, rb = self.root(a), self.root(b)
        if ra == rb:
            return
        small, large = sorted((ra, rb), key=lambda r: len(self.members[r]))
        if any(self.apart.get(n, set()) & self.members[large] for n in self.members[small]):
            return
        self.parent[small] = large
        self.members[large] |= self.members.pop(small)


def _split_apart(
    labels: IntArray, edges: list[tuple[float, int, int]], apart: dict[int, set[int]]
) -> IntArray:
    """Rebuild clusters that hold a split pair, strongest links first."""
    broken = {
        int(labels[a]) for a, others in apart.items() for b in others if labels[a] == labels[b]
    }
    if not broken:
        return labels
    nodes = [int(n) for n in np.flatnonzero(np.isin(labels, list(broken)))]
    groups = _Groups(nodes, apart)
    for _, a, b in sorted(edges, reverse=True):
        if a in groups.parent and b in groups.parent:
            groups.join(a, b)
    result = labels.copy()
    next_label = int(labels.max()) + 1
    for root, members in groups.members.items():
        result[sorted(members)] = next_label + root
    return result


def _apart_map(split: Iterable[tuple[int, int]]) -> dict[int, set[int]]:
    """Each record's split partners, both ways."""
    apart: dict[int, set[int]] = {}
    for a, b in split:
        apart.setdefault(a, set()).add(b)
        apart.setdefault(b, set()).add(a)
    return apart


def _not_split(pairs: ScoredPairs, apart: dict[int, set[int]]) -> npt.NDArray[np.bool_]:
    """Mask of the pairs that no reviewer has split."""
    if not apart:
        return np.ones(len(pairs.left), dtype=bool)
    both = zip(pairs.left.tolist(), pairs.right.tolist(), strict=True)
    return np.array([b not in apart.get(a, ()) for a, b in both], dtype=bool)


def cluster_labels(
    count: int,
    pairs: ScoredPairs,
    threshold: float,
    same: Iterable[tuple[int, int]] = (),
    split: Iterable[tuple[int, int]] = (),
) -> IntArray:
    """Cluster label per record: links scoring at least the threshold, plus decisions."""
    apart = _apart_map(split)
    same_pairs = np.array(list(same), dtype=np.int64).reshape(-1, 2)
    keep = (pairs.score >= threshold) & _not_split(pairs, apart)
    left = np.concatenate([pairs.left[keep], same_pairs[:, 0]])
    right = np.concatenate([pairs.right[keep], same_pairs[:, 1]])
    labels = _components(count, left, right)
    if not apart:
        return labels
    weight = np.concatenate([pairs.score[keep], np.full(len(same_pairs), np.inf)])
    edges = list(zip(weight.tolist(), left.tolist(), right.tolist(), strict=True))
    return _split_apart(labels, edges, apart)
