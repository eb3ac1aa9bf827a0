"""Long texts: memory stays flat and work per statement stays bounded (issue 12, item 4).

Not timed: these tests guard the causes found by `bench/bench_scale.py`. A parsed chunk must be freed as
soon as the next one is parsed (speaker resolution once kept a token of every chunk, and the Doc caches
tied each Doc into a reference cycle); resolving a speaker must not scan every earlier mention of the
article; `span.ents` must not be rebuilt from the whole Doc for each statement; a fingerprint's MinHash
must not hold a matrix of every shingle at once.
"""

from __future__ import annotations

import gc
import sys
import tracemalloc
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from spacy.tokens import Doc

import onrecord
from onrecord.articles import slim_html
from onrecord.extraction import mentions, nlp, speakers
from onrecord.extraction.doccache import entities_in
from onrecord.extraction.quotes import find_quotes
from onrecord.extraction.speakers import Entities
from onrecord.store.dedup import fingerprint

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ARTICLE = (SAMPLES / "estmark-air-defence.txt").read_text(encoding="utf-8")


def _live_docs() -> int:
    return sum(1 for thing in gc.get_objects() if isinstance(thing, Doc))


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Chunks of about 2,000 characters, so that a short text is parsed as many chunks."""
    monkeypatch.setattr(nlp, "CHUNK_CHARS", 2_000)
    yield


@pytest.mark.usefixtures("small_chunks")
def test_each_parsed_chunk_is_freed_once_the_next_is_added() -> None:
    """Speaker resolution keeps what it needs of a chunk as plain records, never the chunk's Doc."""
    text = "\n\n".join([ARTICLE] * 4)
    entities, freed_in_time = Entities(), []
    previous: weakref.ref[Doc] | None = None
    gc.collect()
    gc.disable()  # freed by reference counting alone, not by a later garbage collection
    try:
        for base, doc in nlp.parse(text, fast=True):
            entities.add_doc(doc, base)
            freed_in_time.append(previous is None or previous() is None)
            _resolve_every_entity(entities, doc, base)
            previous = weakref.ref(doc)
            del doc
    finally:
        gc.enable()
    assert len(freed_in_time) >= 4
    assert all(freed_in_time)
    assert entities.mentions.before("person", len(text), 1), "the mentions themselves are kept"


def _resolve_every_entity(entities: Entities, doc: Doc, base: int) -> None:
    for ent in doc.ents:
        entities.resolve(ent, base)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("fast", [True, False], ids=["fast", "default"])
def test_extraction_leaves_no_parsed_chunk_behind(fast: bool) -> None:
    """No Doc survives `extract` in a reference cycle (caches in `doc.user_data` hold no spaCy objects)."""
    text = "\n\n".join([ARTICLE] * 3)
    onrecord.extract(ARTICLE, fast=fast)  # loads the models, which hold Docs of their own
    gc.collect()
    before = _live_docs()
    gc.disable()
    try:
        statements = onrecord.extract(text, fast=fast)
        after = _live_docs()
    finally:
        gc.enable()
    assert len(statements) >= 3 * 4
    assert after == before


class LineCounter:
    """Counts the lines run in the speaker-resolution modules (a loop's body counts once per pass)."""

    FILES = frozenset({speakers.__file__, mentions.__file__})

    def __init__(self) -> None:
        self.lines = 0

    def __enter__(self) -> LineCounter:
        sys.settrace(self._call)
        return self

    def __exit__(self, *_: object) -> None:
        sys.settrace(None)

    def _call(self, frame: FrameType, event: str, arg: Any) -> Any:
        return self._line if frame.f_code.co_filename in self.FILES else None

    def _line(self, frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            self.lines += 1
        return self._line


def _resolution_lines(copies: int) -> tuple[int, int]:
    """Lines run resolving speakers in `copies` copies of an article (one chunk), and the statements."""
    text = "\n\n".join([ARTICLE] * copies)
    with LineCounter() as counter:
        statements = onrecord.extract(text, fast=True)
    return counter.lines, len(statements)


def test_work_per_statement_does_not_grow_with_the_article() -> None:
    """Twice the text, twice the statements: resolving their speakers must take about twice the work,
    not four times (every statement once looked back over every earlier mention)."""
    onrecord.extract(ARTICLE, fast=True)
    small_lines, small_statements = _resolution_lines(6)
    large_lines, large_statements = _resolution_lines(24)
    assert large_statements == 4 * small_statements
    assert large_lines / large_statements < 1.3 * small_lines / small_statements


QUOTE = (
    "“The ferry will run every hour from June.\n“And the harbour will stay open at night,”"
    " the harbour master, Ines Dahl, said on Friday.\n"
)


def test_a_chunk_never_ends_inside_a_quote_that_a_line_break_before_it_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A quote over a paragraph break where the text is cut into chunks is kept whole (it was lost)."""
    filler = "The council met again on Thursday evening to review the budget.\n" * 28
    text = filler + QUOTE + filler
    inside = text.index("June.\n") + len("June.\n")
    monkeypatch.setattr(nlp, "CHUNK_CHARS", inside + 5)
    assert next(nlp.chunks(text))[1] == inside  # where the text was cut: in the quote
    quotes = [(quote.start, quote.end) for quote in find_quotes(text)]
    assert next(nlp.chunks(text, quotes))[1] == len(filler)
    cut = [_said(statement) for statement in onrecord.extract(text, fast=True)]
    monkeypatch.setattr(nlp, "CHUNK_CHARS", 100_000)
    assert cut == [_said(statement) for statement in onrecord.extract(text, fast=True)]
    assert cut[0][:2] == ("direct", "Ines Dahl")  # was: indirect, the first paragraph lost


def _said(statement: onrecord.Statement) -> tuple[str, str | None, list[str]]:
    return statement.kind, statement.speaker.name, [span.text for span in statement.content]


def test_entities_in_a_range_are_those_spacy_finds() -> None:
    doc = nlp.pipeline(fast=True)(ARTICLE)
    assert doc.ents
    for start in range(0, len(doc), 7):
        for end in (start + 1, start + 5, start + 40, len(doc)):
            expected = [(e.start, e.end, e.label_) for e in doc[start:end].ents]
            assert [(e.start, e.end, e.label_) for e in entities_in(doc, start, end)] == expected


def test_line_breaks_start_sentences_in_a_long_chunk() -> None:
    lines = [f"Line {n} of the report says the ferry runs late" for n in range(300)]
    doc = nlp.pipeline(fast=True)("\n".join(lines))
    starts = {s.start_char for s in doc.sents}
    assert {sum(len(line) + 1 for line in lines[:n]) for n in range(300)} <= starts


def test_a_fingerprint_holds_no_matrix_of_every_shingle() -> None:
    """MinHash is fed in batches: 400,000 words must not need 400,000 x 128 hash values at once."""
    words = [f"w{n % 9973}x{n % 7919}" for n in range(400_000)]
    text = " ".join(words)
    tracemalloc.start()
    try:
        fingerprint(text)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 150 * 1024 * 1024


@pytest.mark.parametrize("opening", [b"<script>", b"<!--", b"<style media=x>", b"<script"])
def test_a_page_of_unclosed_tags_is_slimmed_in_one_pass(opening: bytes) -> None:
    """Each tag left open once sent the clean-up searching to the end of the page again: 2 MB of them
    (250,000 tags) would take hours. Not timed: the page is slimmed, and it is kept whole."""
    data = (opening + b"x") * (2_000_000 // (len(opening) + 1))
    assert slim_html(data) == data


def test_slimming_removes_what_it_always_removed() -> None:
    closed = b"<script>a</script><!-- b --><STYLE>c</style ><script type='application/ld+json'>{}</script>"
    data = b"<p>Kept</p>" + closed * 20_000 + b"<script>never closed"
    assert slim_html(data) == (
        b"<p>Kept</p>" + b"<script type='application/ld+json'>{}</script>" * 20_000 + b"<script>never closed"
    )
