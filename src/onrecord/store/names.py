"""Names as keys: a speaker's name string in, its normalised parts (or None for a mere description) out.

"US Secretary of State Antony Blinken" → title "US Secretary of State", display "Antony Blinken",
given ("antony",), surname "blinken". Keys are case-folded, accent-free and punctuation-free, so
"Mr. Blinken", "BLINKEN" and "Blinken's" share the key "blinken".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

PARTICLES = frozenset(
    [
        "al",
        "bin",
        "da",
        "das",
        "de",
        "del",
        "della",
        "der",
        "di",
        "dos",
        "du",
        "el",
        "ibn",
        "la",
        "le",
        "st",
        "ten",
        "ter",
        "van",
        "von",
    ]
)
"""Lower-case words that may stand inside a surname ("Ursula von der Leyen")."""

SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
DETERMINERS = frozenset({"the", "a", "an"})

_NICKNAME = re.compile(r"\s*(\"[^\"]*\"|“[^”]*”|‘[^’]*’|\([^)]*\))")
_POSSESSIVE = re.compile(r"['’]s?$")
_KEY_DROP = re.compile(r"[^\w&\- ]+")


@dataclass(frozen=True)
class ParsedName:
    """A name split for matching: `key` identifies it; persons also get `given` names and a `surname`."""

    display: str
    key: str
    title: str | None = None
    given: tuple[str, ...] = ()
    surname: str | None = None


def parse_name(name: str, person: bool) -> ParsedName | None:
    """The parts of a speaker's name, or None when it names no one ("the minister", "officials")."""
    cleaned = " ".join(_NICKNAME.sub(" ", name).split()).strip("-–—•*·:;,. ")
    tokens = cleaned.split(" ")
    if person:
        return _parse_person(tokens)
    while tokens and tokens[0].casefold() in DETERMINERS:
        tokens = tokens[1:]
    if not any(_capitalised(token) for token in tokens):
        return None
    display = " ".join(tokens)
    return ParsedName(display=display, key=_key(display))


def _parse_person(tokens: list[str]) -> ParsedName | None:
    tokens = [token for token in tokens if token]
    while tokens and _bare(tokens[-1]) in SUFFIXES:
        tokens = tokens[:-1]
    if not tokens:
        return None
    tokens[-1] = _POSSESSIVE.sub("", tokens[-1])
    start = len(tokens)
    while start > 0 and _name_token(tokens, start - 1):
        start -= 1
    name = tokens[start:]
    if not name or not any(_capitalised(token) for token in name):
        return None
    title = " ".join(tokens[:start]).strip(" ,") or None
    surname_start = _surname_start(name)
    given = tuple(_key(token) for token in name[:surname_start] if _key(token))
    surname = _key(" ".join(name[surname_start:]))
    display = " ".join(name)
    return ParsedName(display=display, key=_key(display), title=title, given=given, surname=surname)


def _name_token(tokens: list[str], index: int) -> bool:
    """Whether tokens[index] can be part of a personal name read backwards from the end.

    The last token is the surname even when it is also a title word ("Martin Luther King"), provided a
    name word stands before it.
    """
    token = tokens[index]
    bare = _bare(token)
    last = index == len(tokens) - 1
    if not bare or bare in DETERMINERS:
        return False
    if not last and re.search(r"['’]s?$", token):
        return False  # "Russia's Vladimir Putin": the possessive belongs to the role
    if bare in _titles():
        return last and index > 0 and _capitalised(token) and _name_token(tokens, index - 1)
    if _capitalised(token):
        return True
    return bare in PARTICLES and not last


def _surname_start(name: list[str]) -> int:
    """Index of the first surname token: the last token, with any particles just before it."""
    start = len(name) - 1
    while start > 0 and _bare(name[start - 1]) in PARTICLES:
        start -= 1
    return start


def _capitalised(token: str) -> bool:
    return bool(token) and token[0].isupper()


def _bare(token: str) -> str:
    return token.casefold().strip(".,;:")


def _key(text: str) -> str:
    """Case-folded, accent-free, punctuation-free, single-spaced."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = re.sub(r"['’]s\b", "", plain)
    return " ".join(_KEY_DROP.sub(" ", plain).split())


@cache
def _titles() -> frozenset[str]:
    text = resources.files("onrecord").joinpath("data/name_titles.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def name_key(text: str) -> str:
    """The key of any name or alias as typed by a user (no title stripping)."""
    return _key(text)
