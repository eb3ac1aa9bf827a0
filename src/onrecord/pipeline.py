"""The `extract` pipeline: paths in, (Article, statements) or a Skip per input out."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from onrecord.articles import to_article
from onrecord.records import Article, Skip, Statement
from onrecord.sources import read_documents

ExtractResult = tuple[Article, list[Statement]] | Skip


def extract(text: str, fast: bool = False, language: str = "en") -> list[Statement]:
    """`onrecord.extraction.extract`, imported on first use (spaCy loads when a document is extracted,
    not when a command that extracts nothing starts)."""
    from onrecord.extraction import extract as extract_text

    return extract_text(text, fast=fast, language=language)


def extract_paths(paths: Iterable[str], fast: bool = False) -> Iterator[ExtractResult]:
    """Read every path (files and directories), clean each document and extract its statements.

    `fast` uses trafilatura's fast mode and extracts without the statistical NER.
    Yields one result per document, in input order; a bad input yields a `Skip` and the rest still runs.
    """
    for document in read_documents(paths):
        if isinstance(document, Skip):
            yield document
            continue
        article = to_article(document, fast=fast)
        if isinstance(article, Skip):
            yield article
            continue
        yield article, extract(article.text, fast=fast, language=article.language)
