"""Text decoding of uploaded CSV files: BOMs, strict UTF-8, then CP949 versus GB18030.

Korean (CP949/EUC-KR) and Chinese (GB18030) byte streams often decode without error in
both codecs, so the choice is made by which reading gives common characters of its own
script. Korean is the default: a CP949 file must never be read as GB18030, so GB18030 is
chosen only when the Chinese reading is clearly more plausible.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass

from muster.intake.errors import IntakeRejected, RowError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_SAMPLE_CHARS = 200_000
_WIDE = re.compile("[\u0800-\U0010ffff]")  # characters UTF-8 encodes in 3 or 4 bytes

# Frequent syllables of Korean prose, surnames, given names and welfare notes.
_COMMON_HANGUL = frozenset(
    "이다의는에하고을가지서기한로사를은자리대도시수어일나인아정전그있보상적제주해소여구국들원것"
    "만조성우게면신동스라비문무화개내위요공경연유생방마모세미물학회치오관실과말계중되각식분양현"
    "행진간터본선명결교감당통입같안업영준발체단더력않없또및했었까네님며던니야든께큼처럼부터에게"
    "와랑김박최강윤장임한오서신권황안송류홍고문손양배백허남심노곽성차주구민엄채천방공함변염추"
    "석선설길표탁옥맹모편용예봉철수영희순숙미혜훈호재광혁범규태빈연채예소린율건춘분매금복덕애"
    "란향화련실녀섭웅찬환욱승병원료부상리허골절폐렴결핵술퇴귀국희망음락두장당건무역출장류비"
    "자만료코로나격산업재해근로작업현장외국인노동자숙소월급휴가계약종료"
)
# Frequent hanzi of Chinese prose, surnames, given names and workplace notes.
_COMMON_HANZI = frozenset(
    "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年"
    "过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心"
    "她本前开但因只从想实王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田"
    "董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段"
    "雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
    "英华玉萍红建文辉力斌宇浩凯鹏飞云丹琳雪梅婷晶燕颖海波宁鑫志庆春兰凤新东峰俊佳欣怡晨阳思雨"
    "轩涵豪博泽睿德福荣工厂医院病受伤治疗回希望联系商务差停业合同结束签证期公司餐厅筑贸易员"
)


@dataclass(frozen=True)
class Decoded:
    """Text of an upload and the encoding it was read with."""

    text: str
    encoding: str
    bom: int = 0  # bytes of byte-order mark before the text


def decode_text(data: bytes) -> Decoded:
    """Decode an uploaded text file, choosing the encoding from its BOM or its content."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(_strict(data[len(bom) :], encoding, len(bom)), encoding, len(bom))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        return _decode_east_asian(data, utf8_error)
    return _east_asian_lookalike(data, text) or Decoded(text, "utf-8")


def _east_asian_lookalike(data: bytes, text: str) -> Decoded | None:
    """Short CP949/GB18030 files can be valid UTF-8 too (2-byte sequences); tell them apart."""
    if text.isascii() or _WIDE.search(text):
        return None  # ASCII, or UTF-8 with 3-byte sequences: nothing East Asian looks like that
    for encoding, common in (("cp949", _COMMON_HANGUL), ("gb18030", _COMMON_HANZI)):
        try:
            reading = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _share(reading, common) >= 0.6:
            return Decoded(reading, encoding)
    return None


def _strict(body: bytes, encoding: str, offset: int) -> str:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as error:
        raise _undecodable(body, error, encoding, offset) from None


def _decode_east_asian(data: bytes, utf8_error: UnicodeDecodeError) -> Decoded:
    readings: dict[str, str] = {}
    failures: list[UnicodeDecodeError] = [utf8_error]
    for encoding in ("cp949", "gb18030"):
        try:
            readings[encoding] = data.decode(encoding)
        except UnicodeDecodeError as error:
            failures.append(error)
    if len(readings) == 2:
        choice = "gb18030" if _looks_chinese(readings["cp949"], readings["gb18030"]) else "cp949"
        return Decoded(readings[choice], choice)
    if readings:
        encoding, text = next(iter(readings.items()))
        return Decoded(text, encoding)
    furthest = max(failures, key=lambda error: error.start)
    raise _undecodable(data, furthest, "UTF-8, CP949 (EUC-KR) or GB18030", 0)


def _undecodable(
    body: bytes, error: UnicodeDecodeError, encodings: str, offset: int
) -> IntakeRejected:
    """Name the row holding the first byte that is not text, counting lines in the raw bytes."""
    newline = "\n".encode(error.encoding) if error.encoding.startswith("utf-") else b"\n"
    row = body.count(newline, 0, error.start) + 1
    bad = body[error.start : error.start + 4].hex(" ")
    start = error.start + offset
    return IntakeRejected(
        [RowError(row, "", f"bytes {bad} at byte {start}", f"text in {encodings}")]
    )


def _share(text: str, common: frozenset[str]) -> float:
    """Share of the non-ASCII characters of a reading that are common in its language."""
    counts = Counter(text[:_SAMPLE_CHARS])
    non_ascii = sum(n for char, n in counts.items() if ord(char) > 0x7F)
    if non_ascii == 0:
        return 0.0
    return sum(n for char, n in counts.items() if char in common) / non_ascii


def _looks_chinese(korean: str, chinese: str) -> bool:
    """True when the GB18030 reading is clearly more plausible than the CP949 one."""
    korean_share = _share(korean, _COMMON_HANGUL)
    chinese_share = _share(chinese, _COMMON_HANZI)
    return chinese_share >= 0.2 and chinese_share > korean_share + 0.1
