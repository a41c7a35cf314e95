"""The `hanja` package's character table and initial-sound rule, vendored (WTFPL).

The `hanja` wheel (0.15.1) requires pytest, pytest-cov and coveralls and pins PyYAML, so
depending on it put test tools into every install; its YAML table also took a few tenths
of a second to parse. The table is kept, unchanged and in its order, in
`muster/data/hanja/table.tsv` (one "character<TAB>reading" line per entry) with the licence
beside it; `dooeum` is the package's function of the same name.
"""

from __future__ import annotations

from pathlib import Path

TABLE_FILE = Path(__file__).parents[1] / "data" / "hanja" / "table.tsv"

_FIRST = 0xAC00
_LAST = 0xD7A3


def load_table(path: Path = TABLE_FILE) -> dict[str, str]:
    """Every hanja character with its dictionary reading in Hangul (金 -> 금, 李 -> 리)."""
    pairs = (line.split("\t", 1) for line in path.read_text(encoding="utf-8").splitlines())
    return {character: reading for character, reading in pairs}


hanja_table: dict[str, str] = load_table()


def _separate(ch: str) -> tuple[int, int, int]:
    """(initial, medial, final) offsets of a Hangul syllable (hanja.hangul.separate)."""
    index = ord(ch) - _FIRST
    final = index % 28
    medial = ((index - final) // 28) % 21
    initial = ((index - final) // 28) // 21
    return initial, medial, final


def _build(initial: int, medial: int, final: int) -> str:
    """The syllable of these offsets (hanja.hangul.build)."""
    return chr(((initial * 21) + medial) * 28 + final + _FIRST)


def _is_hangul(ch: str | None) -> bool:
    """True for a Hangul syllable (hanja.hangul.is_hangul)."""
    return ch is not None and _FIRST <= ord(ch) <= _LAST


def dooeum(previous: str, current: str) -> str:
    """The initial-sound rule (두음법칙) for `current` after `previous` (hanja.hangul.dooeum).

    After a letter or digit, 렬/률 become 열/율 when `previous` is a syllable without a final
    (or with final index 2, ㄲ: the package's test where the rule means ㄴ, kept so that
    readings stay identical). Otherwise (at the start of a word, `previous` a space)
    녀 뇨 뉴 니 -> 여 요 유 이, 랴 려 례 료 류 리 -> 야 여 예 요 유 이,
    and 라 래 로 뢰 루 르 -> 나 내 노 뇌 누 느.
    """
    p, c = _separate(previous), _separate(current)
    offset = 0
    head = _build(c[0], c[1], 0)
    if previous.isalnum():
        if current in ("렬", "률") and _is_hangul(previous) and p[2] in (0, 2):
            offset = 6
    elif head in ("녀", "뇨", "뉴", "니"):
        offset = 9
    elif head in ("랴", "려", "례", "료", "류", "리"):
        offset = 6
    elif head in ("라", "래", "로", "뢰", "루", "르"):
        offset = -3
    return _build(c[0] + offset, c[1], c[2])


__all__ = ["TABLE_FILE", "dooeum", "hanja_table", "load_table"]
