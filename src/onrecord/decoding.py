"""Bytes that are not UTF-8 into text: an HTML page's declared charset, else detection (charset-normalizer)
with a preference for the encodings news is commonly written in.

charset-normalizer rates each encoding a text decodes in by its mess (unlikely characters) and its
coherence (how much it reads like a language); on a mostly ASCII text its pick can be a rare code page
(a latin-1 "Jürgen Müller" came out as cp775's "J³rgen M³ller"). Here, among the encodings with its
least mess:

1. a decoding with a broken word (between two Latin letters, something else: ³ in "J³rgen") is set
   aside when another has none;
2. of the rest, those within `COHERENCE_TIE` of the most coherent stay (all of them when under
   `FEW_NON_ASCII` of the bytes are not ASCII: coherence then rests on the ASCII words, the same in
   every decoding);
3. the one first in `COMMON_ENCODINGS` wins (Windows-1252 first: most non-UTF-8 Western news is written
   in it, and it decodes latin-1 text the same); one not listed comes last.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

import charset_normalizer

COMMON_ENCODINGS = (
    "cp1252",
    "cp1251",
    "cp1250",
    "gb18030",
    "shift_jis",
    "cp932",
    "euc_kr",
    "cp949",
    "big5",
    "euc_jp",
    "cp1256",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1257",
    "cp1258",
    "cp874",
    "koi8_r",
    "koi8_u",
    "iso8859_2",
    "iso8859_5",
    "iso8859_7",
    "iso8859_9",
    "iso8859_15",
)
"""Roughly in the order they are met in non-UTF-8 news pages (a judgement, not a measurement)."""
COHERENCE_TIE = 0.05
FEW_NON_ASCII = 0.02

_SAMPLE_BYTES = 65_536
_BROKEN_WORD = re.compile(r"(?=([^\W\d_])([^\x00-\x7f\s])([^\W\d_]))")  # overlapping: each middle
_IN_WORDS = frozenset("\u2019\u2018\u02bc\u00b4\u00b7\u00ad\u2010\u2011\u2012\u2013\u2014\u00aa\u00ba")
_EAST_ASIAN = frozenset(
    {"CJK", "HIRAGANA", "KATAKANA", "KATAKANA-HIRAGANA", "HANGUL", "HALFWIDTH", "FULLWIDTH"}
)

_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_PRESCAN_BYTES = 4096
_DECLARED = re.compile(
    rb"<meta\b[^>]{0,500}?charset\s*=\s*[\"']?\s*([a-z0-9_.:-]{1,40})"
    rb"|<\?xml\b[^>]{0,200}?encoding\s*=\s*[\"']([a-z0-9_.:-]{1,40})",
    re.IGNORECASE,
)
_AS_BROWSERS_READ = {  # a declared charset read as its superset, as browsers do (WHATWG Encoding)
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
}


def decode_text(data: bytes) -> tuple[str, str] | None:
    """Text and encoding name of bytes that are not UTF-8, as detected, or None when nothing fits."""
    matches = list(charset_normalizer.from_bytes(data))
    if not matches:
        return None
    least_mess = min(match.chaos for match in matches)
    options = [match for match in matches if match.chaos <= least_mess]
    whole = [match for match in options if not _broken_word(data, match.encoding)] or options
    top = max(match.coherence for match in whole)
    tie = 1.0 if _share_non_ascii(data) < FEW_NON_ASCII else COHERENCE_TIE
    close = [match for match in whole if match.coherence >= top - tie]
    # each name a match could be from decodes the bytes to the same text as the match
    names = dict.fromkeys(name for match in close for name in [match.encoding, *match.could_be_from_charset])
    for name in sorted(names, key=_rank):
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return None


def decode_html(data: bytes) -> tuple[str, str | None]:
    """An HTML page's text and a note when its encoding was guessed or it had to be repaired.

    In order: a byte-order mark; UTF-8; the charset the page declares in its first 4 KB (decoded as a
    browser would, a bad byte becoming U+FFFD); detection; UTF-8 with every bad byte as U+FFFD.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), None
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    declared = declared_encoding(data)
    if declared is not None:
        return data.decode(declared, errors="replace"), None
    detected = decode_text(data)
    if detected is not None:
        return detected[0], f"decoded as {detected[1]} (not valid UTF-8, and the page declares no charset)"
    note = "not valid UTF-8 and no encoding could be detected: read as UTF-8, bad bytes replaced"
    return data.decode("utf-8", errors="replace"), note


def declared_encoding(data: bytes) -> str | None:
    """The Python codec of the charset an HTML page declares near its start, when it is a known one."""
    found = _DECLARED.search(data[:_PRESCAN_BYTES])
    if found is None:
        return None
    label = (found.group(1) or found.group(2)).decode("ascii")
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name.startswith("utf-16"):  # a page that says UTF-16 in ASCII bytes is not UTF-16
        return None
    return _AS_BROWSERS_READ.get(name, name)


def _broken_word(data: bytes, encoding: str) -> bool:
    """Whether the start of `data` decoded in `encoding` has a broken word: between two Latin letters, a
    character that is not a Latin letter, a mark or an apostrophe (³ in "J³rgen", ﮰ in "Jﮰrgen")."""
    try:
        sample = data[:_SAMPLE_BYTES].decode(encoding, errors="ignore")
    except LookupError:
        return True
    return any(_breaks(*found.groups()) for found in _BROKEN_WORD.finditer(sample))


def _breaks(before: str, middle: str, after: str) -> bool:
    if not (_latin(before) and _latin(after)) or middle in _IN_WORDS:
        return False
    return not (_latin(middle) or unicodedata.category(middle) in ("Mn", "Mc", "Lm"))


def _latin(character: str) -> bool:
    return character.isascii() or unicodedata.name(character, "").startswith("LATIN ")


def _share_non_ascii(data: bytes) -> float:
    sample = data[:_SAMPLE_BYTES]
    return sum(1 for byte in sample if byte > 0x7F) / len(sample) if sample else 0.0


def _rank(name: str) -> int:
    return COMMON_ENCODINGS.index(name) if name in COMMON_ENCODINGS else len(COMMON_ENCODINGS)
