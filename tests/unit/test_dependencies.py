"""Every install gets only what Muster runs on: test tools and unused packages stay out."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
# Unused (jamo, charset-normalizer), test-only (openpyxl, ko-pron), vendored (hanja).
NOT_AT_RUNTIME = {"jamo": "jamo", "charset-normalizer": "charset_normalizer",
                  "openpyxl": "openpyxl", "ko-pron": "ko_pron", "hanja": "hanja"}  # fmt: skip


def _project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]  # type: ignore[no-any-return]


def _runtime() -> set[str]:
    deps = _project()["dependencies"]
    assert isinstance(deps, list)
    return {re.split(r"[<>=\[; ]", d, maxsplit=1)[0].lower() for d in deps}


@pytest.mark.parametrize("package", sorted(NOT_AT_RUNTIME))
def test_not_a_runtime_dependency(package: str) -> None:
    assert package not in _runtime()


@pytest.mark.parametrize("package", sorted(NOT_AT_RUNTIME))
def test_not_imported_by_the_application(package: str) -> None:
    module = NOT_AT_RUNTIME[package]
    pattern = re.compile(rf"^\s*(?:import|from)\s+{module}\b", re.MULTILINE)
    users = [p for p in (ROOT / "src").rglob("*.py") if pattern.search(p.read_text("utf-8"))]
    assert users == []
