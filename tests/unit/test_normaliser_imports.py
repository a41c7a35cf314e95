"""The name normaliser loads without Splink and DuckDB (seconds to import): the registry search
and the protection matcher use it; only linking records needs them."""

from __future__ import annotations

import subprocess
import sys

PROGRAM = """
import sys
from muster.linkage import normalise_name
from muster.services.people import query_identity
from muster.services.protection import identity

assert normalise_name("Kim", "Chol Su", "김철수").family_key
kim = identity(None, "Kim", "Chol Su", None, None, None)
assert query_identity("Gim Cheol-su").given_key == kim.given_key
heavy = sorted(m for m in ("splink", "duckdb") if m in sys.modules)
print(",".join(heavy) or "none")
from muster.linkage import link_records  # on first use, as before
print("splink" in sys.modules and callable(link_records))
"""


def test_the_normaliser_does_not_load_splink_or_duckdb() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=300, check=True
    )
    assert done.stdout.split() == ["none", "True"], done.stderr
