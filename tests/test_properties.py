"""Invariants for any input string, all of Unicode (lone surrogates and control characters included):
`onrecord.extract` never raises and every span slices its text; a JSON Lines record with any text becomes
an article whose text has the same length (a lone surrogate is U+FFFD) and whose JSON output encodes."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import onrecord
from onrecord.articles import to_article
from onrecord.output import jsonl_line
from onrecord.records import Article, Document, Skip, Span, Statement, without_surrogates
from onrecord.sources import read_documents

QUOTE_MARKS = list("“”«»„‚‘’‹›\"'「」")
PUNCTUATION = list(" \n\r\t\u00a0.,:;!?—–-()")
WORDS = ["said", "says", "told", "according to", "he", "she", "they", "John Kirby", "Blinken", "the", "NATO"]
HOSTILE = list("\ud800\udbff\udc00\udfff\x00\x07\x1b\x7f\x85\u200b\u202e\u2066\u2028\ufeff\ufffe\U0010ffff")
"""Lone surrogates, NUL, bell, escape, delete, C1 next-line, zero-width space, right-to-left override and
isolate, line separator, byte-order mark, noncharacters."""

# Arbitrary text over all of Unicode, biased towards quote marks, line breaks and hostile characters...
characters = st.text(
    alphabet=st.one_of(
        st.sampled_from(QUOTE_MARKS + PUNCTUATION + HOSTILE), st.characters(exclude_categories=())
    ),
    max_size=400,
)
# ...and a soup of the words and marks the rules react to, so that statements are actually found.
token_soup = st.lists(st.sampled_from(QUOTE_MARKS + PUNCTUATION + WORDS + HOSTILE), max_size=80).map(" ".join)
any_text = st.one_of(characters, token_soup)

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spans_of(statement: Statement) -> list[Span]:
    spans = list(statement.content)
    spans += [span for span in (statement.cue, statement.speaker.mention) if span is not None]
    return spans


@SETTINGS
@given(any_text)
def test_extract_never_raises_and_returns_statements(text: str) -> None:
    statements = onrecord.extract(text)
    assert isinstance(statements, list)
    assert all(isinstance(statement, Statement) for statement in statements)


@SETTINGS
@given(any_text)
def test_every_span_slices_exactly_its_text(text: str) -> None:
    for statement in onrecord.extract(text):
        for span in spans_of(statement):
            assert 0 <= span.start <= span.end <= len(text)
            assert text[span.start : span.end] == span.text


def test_the_repro_from_issue_12() -> None:
    for fast in (False, True):
        [statement] = onrecord.extract('"We will win," he said \ud800.', fast=fast)
        assert statement.content[0].text == "We will win,"


@SETTINGS
@given(any_text, any_text)
def test_a_json_lines_record_with_any_text_is_read_and_its_output_encodes(
    tmp_path_factory: pytest.TempPathFactory, text: str, title: str
) -> None:
    path = tmp_path_factory.mktemp("jsonl") / "export.jsonl"
    path.write_text(json.dumps({"text": text, "title": title}) + "\n", encoding="ascii")  # \\udXXX escapes
    [document] = read_documents([str(path)])
    if not text.strip():
        assert isinstance(document, Skip) and document.reason == "bad-line"  # no article in the record
        return
    assert isinstance(document, Document) and document.title == (without_surrogates(title).strip() or None)
    article = to_article(document, fast=True)
    if isinstance(article, Skip):
        assert article.reason == "not-english"
        return
    assert isinstance(article, Article) and article.text == without_surrogates(text)  # the same length
    statements = onrecord.extract(article.text, fast=True)
    line = jsonl_line(article, statements, True)
    assert json.loads(line.encode("utf-8"))["text"] == article.text
