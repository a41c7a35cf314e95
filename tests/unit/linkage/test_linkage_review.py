"""The review queue: one pair per question, ranked by how much a decision changes, bounded."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from muster.linkage.review import review_queue

THRESHOLD = 20.0


def _grey(*pairs: tuple[int, int, float]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "unique_id_l": [p[0] for p in pairs],
            "unique_id_r": [p[1] for p in pairs],
            "evidence_bits": [p[2] for p in pairs],
            "match_probability": [0.5] * len(pairs),
            "match_weight": [p[2] - 20 for p in pairs],
        }
    )


# records 0-3 are one cluster, 4-5 another, 6, 7, 8 and 9 alone
LABELS = np.array([0, 0, 0, 0, 1, 1, 2, 3, 4, 5])
IDS = [f"r{i}" for i in range(10)]


def test_a_question_between_large_clusters_comes_first() -> None:
    queue = review_queue(_grey((6, 7, 20.0), (3, 4, 20.0)), LABELS, THRESHOLD, IDS, 10)
    assert queue["record_id_l"].to_list() == ["r3", "r6"]
    assert queue["priority"].to_list() == [4.0, 0.5]


def test_two_pairs_between_the_same_clusters_are_one_question() -> None:
    queue = review_queue(_grey((0, 4, 17.0), (1, 5, 19.5)), LABELS, THRESHOLD, IDS, 10)
    assert len(queue) == 1
    assert queue["record_id_l"].to_list() == ["r1"]  # the more uncertain pair asks it


def test_a_linked_pair_is_ranked_by_the_chance_it_is_wrong() -> None:
    # a split changes about |cluster| - 1 pairs, with the probability the link is wrong
    big, small = review_queue(
        _grey((4, 5, 20.5), (0, 1, 21.0)), LABELS, THRESHOLD, IDS, 10
    ).iter_rows(named=True)
    assert (big["record_id_l"], small["record_id_l"]) == ("r0", "r4")
    assert big["priority"] == pytest.approx(3 * (1 - 1 / (1 + 2**-1)))


def test_the_queue_is_bounded() -> None:
    pairs = _grey(*[(i, i + 1, 20.0) for i in range(6, 9)])
    assert len(review_queue(pairs, LABELS, THRESHOLD, IDS, 2)) == 2
    assert review_queue(pairs.clear(), LABELS, THRESHOLD, IDS, 2).is_empty()
