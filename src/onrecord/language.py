"""Language of an article's text, detected offline with py3langid (its model ships in the package).

Texts under `MIN_WORDS` words are too short to tell reliably and get no verdict (a Chinese, Japanese or
Korean character counts as a word). Only the first `SAMPLE_CHARS` characters are looked at, so a long
text costs no more than a short one.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

MIN_WORDS = 20
SAMPLE_CHARS = 10_000
MIN_CONFIDENCE = 0.9
"""A text counts as not English only when the detector is at least this sure of another language."""

_WORD = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]|\w+")
_NAMES = {
    "ar": "Arabic",
    "cs": "Czech",
    "da": "Danish",
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
    "la": "Latin",
    "nl": "Dutch",
    "no": "Norwegian",
    "pl": "Polish",
    "pt": "Portuguese",
    "ro": "Romanian",
    "ru": "Russian",
    "sv": "Swedish",
    "tr": "Turkish",
    "uk": "Ukrainian",
    "zh": "Chinese",
}


@dataclass(frozen=True)
class Language:
    """A detected language: ISO 639-1 code (as py3langid names it) and the detector's confidence, 0 to 1."""

    code: str
    confidence: float

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
