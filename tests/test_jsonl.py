"""sources.jsonl: JSON Lines exports, one article per line; a broken line is one `bad-line` Skip naming its
line number, and the lines after it are still read."""

from __future__ import annotations

import json
from pathlib import Path

from onrecord.articles import to_article
from onrecord.records import Article, Document, Skip
from onrecord.sources import read_documents
from onrecord.sources.jsonl import read_jsonl

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "wire-export.jsonl"

WIRE = (
    "The Greywater bridge will close for repairs in May, the county roads office said on Monday.\n\n"
    '"We have no choice, the bearings are worn through," chief engineer Tomas Vilhelmsen told reporters.\n'
)
PAGE = (
    "<html><head><title>Clinic hours</title></head><body><article><p>The Havelport clinic will open on "
    "Saturdays from June, the health board said on Tuesday, after a petition signed by four thousand "
    "residents.</p><p>Board chair Annika Sorensen said the extra day would be staffed by nurses from the "
    "regional hospital.</p></article></body></html>"
)


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def record(**fields: object) -> str:
    return json.dumps(fields, ensure_ascii=False)


def test_text_and_html_records_with_their_metadata(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "export.jsonl",
        record(url="https://wire.example/bridge", text=WIRE, title="Bridge to close", published="2025-04-07"),
        record(url="https://wire.example/clinic", html=PAGE, site="Havelport Post", text="ignored"),
    )
    first, second = read_documents([str(path)])
    assert first == Document(
        source=f"{path}:1",
        data=WIRE.encode(),
        media_type="text",
        url="https://wire.example/bridge",
        published="2025-04-07",
        title="Bridge to close",
    )
    assert isinstance(second, Document)
    assert (second.source, second.media_type, second.data) == (f"{path}:2", "html", PAGE.encode())
    assert second.site == "Havelport Post"


def test_text_record_becomes_an_article_with_the_exact_text_and_the_record_metadata(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "export.jsonl",
        record(url="https://wire.example/bridge", text=WIRE, published="Mon, 07 Apr 2025 23:30:00 -0200"),
    )
    [document] = read_documents([str(path)])
    assert isinstance(document, Document)
    article = to_article(document)
    assert isinstance(article, Article)
    assert article.text == WIRE  # offsets index the record's text exactly
    assert (article.url, article.published) == ("https://wire.example/bridge", "2025-04-08")  # in UTC


def test_broken_lines_are_skipped_one_by_one_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "export.jsonl",
        record(text=WIRE),
        '{"text": "an unfinished line',
        "",
        "[1, 2, 3]",
        record(url="https://wire.example/none"),
        record(text=WIRE, published=20250407),
        "   ",
        record(html="   ", text=""),
        record(html=PAGE),
    )
    results = list(read_documents([str(path)]))
    summary = [(result.source.rsplit(":", 1)[1], getattr(result, "reason", "ok")) for result in results]
    assert summary == [
        ("1", "ok"),
        ("2", "bad-line"),
        ("4", "bad-line"),
        ("5", "bad-line"),
        ("6", "bad-line"),
        ("8", "bad-line"),
        ("9", "ok"),
    ]
    messages = [result.message for result in results if isinstance(result, Skip)]
    for message, line, words in zip(
        messages,
        (2, 4, 5, 6, 8),
        ("not valid JSON", "JSON array, not an object", "neither", "not a string: published", "neither"),
        strict=True,
    ):
        assert message.startswith(f"{path}: line {line} ") and words in message and message.endswith(".")


def test_invalid_utf8_line(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes(b'{"text": "caf\xe9 owners said no"}\n' + record(text=WIRE).encode() + b"\n")
    first, second = read_documents([str(path)])
    assert isinstance(first, Skip) and first.reason == "bad-line" and "line 1" in first.message
    assert isinstance(second, Document)


def test_oversized_line_is_skipped_without_holding_it(tmp_path: Path) -> None:
    path = write_lines(tmp_path / "export.jsonl", record(text="x " * 5000), record(text=WIRE))
    first, second = read_jsonl(str(path), limit=1000)
    assert isinstance(first, Skip)
    assert (first.reason, first.source) == ("too-large", f"{path}:1")
    assert "1,000-byte limit for one line" in first.message
    assert isinstance(second, Document) and second.source == f"{path}:2"


def test_last_line_without_a_newline_and_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_bytes((record(text=WIRE) + "\r\n" + record(text="Second.")).encode())
    assert [result.source for result in read_documents([str(path)])] == [f"{path}:1", f"{path}:2"]


def test_empty_export(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    [skip] = read_documents([str(tmp_path / "empty.jsonl")])
    assert isinstance(skip, Skip) and skip.reason == "empty"


def test_bundled_sample_reads_without_a_skip() -> None:
    documents = list(read_documents([str(SAMPLE)]))
    assert [document.source for document in documents] == [f"{SAMPLE}:{line}" for line in (1, 2, 3)]
    articles = [to_article(document) for document in documents if isinstance(document, Document)]
    assert all(isinstance(article, Article) for article in articles)
    assert [article.published for article in articles if isinstance(article, Article)] == [
        "2025-03-08",
        "2025-03-09",
        "2025-03-10",
    ]


def test_an_export_of_blank_lines_only_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.jsonl"
    path.write_bytes(b"\n\n   \r\n\t\n")
    [skip] = read_documents([str(path)])
    assert isinstance(skip, Skip) and (skip.reason, skip.source) == ("empty", str(path))
    assert "only blank lines" in skip.message


def test_lone_surrogate_escapes_become_replacement_characters(tmp_path: Path) -> None:
    # JSON allows "\udc00"; UTF-8 cannot encode it: the batch once crashed and stored nothing
    text = '"We will win," the mayor said \udc00 on Monday.'
    path = write_lines(
        tmp_path / "export.jsonl",
        json.dumps({"text": text, "title": "Vote \ud800", "url": "https://wire.example/\udfff"}),
        record(text=WIRE),
    )
    first, second = read_documents([str(path)])
    assert isinstance(first, Document) and isinstance(second, Document)
    assert (first.title, first.url) == ("Vote \ufffd", "https://wire.example/\ufffd")
    article = to_article(first)
    assert isinstance(article, Article)
    assert article.text == text.replace("\udc00", "\ufffd") and len(article.text) == len(text)
