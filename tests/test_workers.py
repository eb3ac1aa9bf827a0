"""The ingest's worker processes: articles in other languages than English are read by the first worker
only (the others hand them back), and the results still come in the order the documents were given."""

from __future__ import annotations

from pathlib import Path

from news_factory import article_text
from onrecord.records import Document
from onrecord.workers import Extracted, Extractor, Forward, Pool

FRENCH = (Path(__file__).parent.parent / "samples" / "fr" / "valmont-pont.txt").read_bytes()


def document(name: str, data: bytes) -> Document:
    return Document(source=name, data=data, media_type="text")


def test_a_worker_reading_english_only_hands_a_french_article_back() -> None:
    english_only = Extractor(None, fast=True, every_language=False)
    forwarded = english_only("k", document("valmont.txt", FRENCH))
    assert isinstance(forwarded, Forward) and forwarded.article.language == "fr"
    english = english_only("e", document("en.txt", article_text(1).encode("utf-8")))
    assert isinstance(english, Extracted) and english.statements

    extracted = Extractor(None, fast=True)("k", forwarded.article)
    assert isinstance(extracted, Extracted) and extracted.article.language == "fr"
    assert {s.speaker.name for s in extracted.statements} >= {"Claire Martin", "Paul Dubois"}


def test_french_articles_given_to_the_second_worker_come_back_read_and_in_order(tmp_path: Path) -> None:
    documents = [
        document("en0.txt", article_text(0).encode("utf-8")),
        document("fr1.txt", FRENCH),  # the second worker has fewer tasks: it gets this one
        document("en2.txt", article_text(2).encode("utf-8")),
        document("fr3.txt", FRENCH.replace(b"Valmont", b"Beaulieu")),
    ]
    pool = Pool(2, str(tmp_path / "absent.db"), fast=True)
    try:
        for number, each in enumerate(documents):
            pool.submit(f"key{number}", each)
        results = [pool.result() for _ in documents]
    finally:
        pool.close()
    assert [getattr(result, "key", None) for result in results] == ["key0", "key1", "key2", "key3"]
    assert all(isinstance(result, Extracted) and result.statements for result in results)
    languages = [result.article.language for result in results if isinstance(result, Extracted)]
    assert languages == ["en", "fr", "en", "fr"]
    inline = Extractor(None, fast=True)("key3", documents[3])
    assert isinstance(inline, Extracted) and isinstance(results[3], Extracted)
    assert results[3].statements == inline.statements
