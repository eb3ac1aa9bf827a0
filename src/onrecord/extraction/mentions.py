"""The mentions of one article, indexed by what speaker resolution asks of them.

Resolving a speaker looks back over the article's earlier mentions (the last person before a pronoun, the
fullest form of a surname, the person a role describes). Scanning every mention for every statement made
a long text quadratic; these indexes answer each question by key and position, so resolving a speaker
costs about the same on the first page as on the thousandth.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from onrecord.records import SpeakerType

DESCRIBED_LOOKBACK = 1_000
"""How many earlier people described by one role word ("spokesman") a description is compared with."""


@dataclass(frozen=True, slots=True)
class Mention:
    """A named entity seen in the article, with the role written next to it."""

    name: str
    type: SpeakerType
    role: str | None
    start: int
    subject: bool
    pronoun: str | None = None
    described: str = ""  # every role word written next to the name, lower-cased


@dataclass
class Run:
    """Mentions in text order with their start offsets, for finding the ones before a position."""

    starts: list[int] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    def add(self, mention: Mention) -> None:
        self.starts.append(mention.start)
        self.mentions.append(mention)

    def before(self, at: int, count: int) -> list[Mention]:
        """The last `count` mentions starting before `at`, in text order."""
        end = bisect_left(self.starts, at)
        return self.mentions[max(0, end - count) : end]


class Mentions:
    """Every person and organisation mention of one article; `add` them in text order."""

    def __init__(self) -> None:
        self.by_type: dict[str, Run] = {}
        self.first_person: Mention | None = None
        self._surnames: dict[str, dict[str, list[int]]] = {}  # last word -> full name -> starts
        self._given: dict[str, dict[str, list[int]]] = {}  # first word -> full name -> starts
        self._exact_surnames: set[str] = set()  # last words of full names, as written
        self._titled: dict[str, list[Mention]] = {}  # last word -> people called Mr./Ms. ...
        self._described: dict[str, Run] = {}  # role word -> people it describes
        self._org_words: dict[str, Run] = {}  # word -> organisations whose name has it
        self._roles: dict[str, tuple[int, str]] = {}  # name -> (order, role) of its first role
        self._count = 0

    def add(self, mention: Mention) -> None:
        self.by_type.setdefault(mention.type, Run()).add(mention)
        if mention.type == "person":
            self._add_person(mention)
        else:
            for word in set(mention.name.lower().split()):
                self._org_words.setdefault(word, Run()).add(mention)
        self._count += 1

    def _add_person(self, mention: Mention) -> None:
        self.first_person = self.first_person or mention
        words = mention.name.split()
        if len(words) > 1:
            self._surnames.setdefault(words[-1].lower(), {}).setdefault(mention.name, []).append(
                mention.start
            )
            self._given.setdefault(words[0].lower(), {}).setdefault(mention.name, []).append(mention.start)
            self._exact_surnames.add(words[-1])
        if mention.pronoun and words:
            self._titled.setdefault(words[-1].lower(), []).append(mention)
        for word in dict.fromkeys(mention.described.split()):
            self._described.setdefault(word, Run()).add(mention)
        if mention.role and mention.name not in self._roles:
            self._roles[mention.name] = (self._count, mention.role)

    def before(self, kind: str, at: int, count: int) -> list[Mention]:
        """The last `count` mentions of `kind` starting before `at`."""
        run = self.by_type.get(kind)
        return run.before(at, count) if run else []

    def fuller(self, word: str, words: int, given: bool = False) -> list[tuple[str, list[int]]]:
        """People's names of more than `words` words whose last (or, with `given`, first) word is `word`
        (lower-cased), in order of first appearance, each with the starts of its mentions."""
        names = (self._given if given else self._surnames).get(word, {})
        return [(name, starts) for name, starts in names.items() if len(name.split()) > words]

    def is_surname(self, word: str) -> bool:
        """Whether `word` is the last word of a person's full name in the article, exactly as written."""
        return word in self._exact_surnames

    def titled(self, name: str) -> list[Mention]:
        """People called Mr./Ms. who may be `name`: the same surname, or a one-word name equal to its
        given name, in text order."""
        words = name.lower().split()
        if not words:
            return []
        found = list(self._titled.get(words[-1], []))
        if words[0] != words[-1]:
            found += [m for m in self._titled.get(words[0], []) if len(m.name.split()) == 1]
        return sorted(found, key=lambda m: m.start)

    def last_org_with(self, word: str, at: int) -> Mention | None:
        """The last organisation or outlet before `at` with `word` in its name (lower-cased)."""
        run = self._org_words.get(word)
        found = run.before(at, 1) if run else []
        return found[0] if found else None

    def described_before(self, word: str, at: int) -> list[Mention]:
        """People before `at` whose role has `word`, the latest last; at most `DESCRIBED_LOOKBACK`."""
        run = self._described.get(word)
        return run.before(at, DESCRIBED_LOOKBACK) if run else []

    def first_described(self, word: str) -> Mention | None:
        """The first person in the article whose role has `word`."""
        run = self._described.get(word)
        return run.mentions[0] if run else None

    def role_of(self, name: str) -> str | None:
        """The first role written next to `name` or to a shorter form of it ("Blinken" for
        "Anthony Blinken")."""
        suffixes = [name] + [name[i + 1 :] for i, char in enumerate(name) if char == " "]
        found = [self._roles[s] for s in suffixes if s in self._roles]
        return min(found)[1] if found else None


def latest_before(names: list[tuple[str, list[int]]], at: int) -> str:
    """Of `names` (as `Mentions.fuller` gives them), the one mentioned last at or before `at`, else the one
    mentioned first."""
    best, best_start = names[0][0], -1
    for name, starts in names:
        count = bisect_right(starts, at)
        if count and starts[count - 1] > best_start:
            best, best_start = name, starts[count - 1]
    return best
