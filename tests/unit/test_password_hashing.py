"""A burst of sign-ins queues for argon2 (64 MiB and a core each) instead of running at once."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from argon2 import PasswordHasher

from muster.services import accounts


class _Counting(PasswordHasher):
    """Real argon2 (at its smallest cost) that notes how many runs overlap."""

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self._lock = threading.Lock()
        self.running = 0
        self.most = 0

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.02)  # long enough for the other threads to arrive
        try:
            return super().hash(password, salt=salt)
        finally:
            with self._lock:
                self.running -= 1


def test_password_hashing_runs_at_most_one_per_core(monkeypatch: pytest.MonkeyPatch) -> None:
    counting = _Counting()
    monkeypatch.setattr(accounts, "_hasher", counting)
    bound = max(2, os.cpu_count() or 2)
    with ThreadPoolExecutor(max_workers=4 * bound) as pool:
        hashes = list(
            pool.map(accounts.hash_password, [f"a long password {i}" for i in range(8 * bound)])
        )
    assert len(set(hashes)) == 8 * bound
    assert counting.most == bound  # the threads did overlap, up to the bound and no further
