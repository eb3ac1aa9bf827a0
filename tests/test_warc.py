"""sources.warc: WARC and ARC archives built here with warcio from the team's own pages (and the sample
archives in ../shared/news-html/warc_samples when present). Only HTML responses become Documents; a
damaged archive keeps the records before the damage and ends in one `damaged-archive` Skip."""

from __future__ import annotations

import gzip
import io
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from onrecord.articles import to_article
from onrecord.records import Article, Document, Skip
from onrecord.sources import read_documents
from onrecord.sources.warc import MAX_BLANK, MAX_LINE, read_warc

SAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "news-html" / "warc_samples"
DATE = "2025-03-04T08:15:00Z"

FERRY = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Ferry strike ends</title></head>
<body><article><h1>Ferry strike ends after nine days</h1>
<p>Ferries between Lindenport and the Osterholm islands will run again from Saturday, the crews' union
said on Tuesday evening, after nine days of strikes over rosters and overtime pay.</p>
<p>"Our members voted to accept the new offer by a clear margin," union secretary Maren Voskuijlen said.
She added that talks on pensions would resume in the spring.</p></article></body></html>
"""

MARKET = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Market hall</title>
<meta property="og:site_name" content="Ostbrook Courier">
<meta property="article:published_time" content="2025-02-27T10:00:00+00:00">
<link rel="canonical" href="https://courier.example/ostbrook/market-hall"></head>
<body><article><h1>Market hall to stay open late</h1>
<p>The covered market hall in Ostbrook will stay open until ten in the evening on Fridays from next
month, the town council decided on Wednesday after a year of complaints from traders and shoppers.</p>
<p>Councillor Dagny Aaltonen said the change was "long overdue" and that the trial would be reviewed
after six months, according to a statement from the council.</p></article></body></html>
"""

NO_ARTICLE = "<html><head><title>Menu</title></head><body><script>var menu = [];</script></body></html>"


def http(
    content_type: str | None, status: str = "200 OK", extra: list[tuple[str, str]] | None = None
) -> StatusAndHeaders:
    headers = [("Content-Type", content_type)] if content_type else []
    return StatusAndHeaders(status, headers + (extra or []), protocol="HTTP/1.1")


def build_records(writer: WARCWriter) -> list[object]:
    """warcinfo, request, HTML, metadata, image, 404, HTML with no Content-Type, gzip-encoded HTML,
    revisit."""

    def response(url: str, body: bytes, headers: StatusAndHeaders) -> object:
        return writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            http_headers=headers,
            warc_headers_dict={"WARC-Date": DATE},
        )

    request = StatusAndHeaders("GET /ferry HTTP/1.1", [("Host", "ledger.example")], is_http_request=True)
    return [
        writer.create_warcinfo_record("test.warc", {"software": "onrecord tests"}),
        writer.create_warc_record("https://ledger.example/ferry", "request", http_headers=request),
        response("https://ledger.example/ferry", FERRY.encode(), http("text/html; charset=utf-8")),
        writer.create_warc_record(
            "https://ledger.example/ferry",
            "metadata",
            payload=io.BytesIO(b"fetchTimeMs: 12\r\n"),
            warc_content_type="application/warc-fields",
        ),
        response("https://ledger.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(64), http("image/png")),
        response(
            "https://ledger.example/gone",
            b"<html><p>Not found</p></html>",
            http("text/html", "404 Not Found"),
        ),
        response("https://courier.example/market", MARKET.encode(), http(None)),
        response(
            "https://courier.example/menu",
            gzip.compress(NO_ARTICLE.encode()),
            http("text/html", extra=[("Content-Encoding", "gzip")]),
        ),
        writer.create_revisit_record(
            "https://ledger.example/ferry",
            digest="sha1:AAAA",
            refers_to_uri="https://ledger.example/ferry",
            refers_to_date=DATE,
        ),
    ]


def write_archive(path: Path, compressed: bool = True) -> Path:
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compressed)
        for record in build_records(writer):
            writer.write_record(record)
    return path


def offsets(path: Path) -> list[int]:
    """The byte offset of every record, as warcio reports it."""
    with path.open("rb") as handle:
        iterator = ArchiveIterator(handle)
        found = []
        for _record in iterator:
            found.append(iterator.offset)
        return found


def documents(results: list[Document | Skip]) -> list[Document]:
    return [result for result in results if isinstance(result, Document)]


def skips(results: list[Document | Skip]) -> list[Skip]:
    return [result for result in results if isinstance(result, Skip)]


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_only_html_responses_become_documents(tmp_path: Path, name: str) -> None:
    path = write_archive(tmp_path / name, compressed=name.endswith(".gz"))
    starts = offsets(path)
    results = list(read_documents([str(path)]))
    assert skips(results) == []
    ferry, market, menu = documents(results)
    assert [ferry.source, market.source, menu.source] == [f"{path}#{starts[i]}" for i in (2, 6, 7)]
    assert (ferry.url, ferry.published, ferry.media_type) == ("https://ledger.example/ferry", DATE, "html")
    assert ferry.data == FERRY.encode()
    assert market.url == "https://courier.example/market"  # no Content-Type: sniffed as HTML
    assert menu.data == NO_ARTICLE.encode()  # Content-Encoding undone


def test_sources_are_stable_and_unique(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "crawl.warc.gz")
    first = [result.source for result in read_documents([str(path)])]
    assert first == [result.source for result in read_documents([str(path)])]
    assert len(set(first)) == len(first)


def test_archive_metadata_fills_in_what_the_page_lacks_and_the_page_wins(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "crawl.warc.gz")
    ferry, market, menu = (to_article(document) for document in documents(list(read_documents([str(path)]))))
    assert isinstance(ferry, Article) and isinstance(market, Article)
    assert (ferry.url, ferry.published) == ("https://ledger.example/ferry", "2025-03-04")  # from the WARC
    assert "Maren Voskuijlen" in ferry.text
    assert (market.url, market.published, market.site) == (
        "https://courier.example/ostbrook/market-hall",
        "2025-02-27",
        "Ostbrook Courier",
    )  # from the page
    assert isinstance(menu, Skip) and menu.reason == "no-article"


def cut(path: Path, size: int, target: Path) -> Path:
    target.write_bytes(path.read_bytes()[:size])
    return target


def assert_damaged(results: list[Document | Skip], path: Path, kept: int, offset: int) -> Skip:
    """`kept` documents, then exactly one damaged-archive Skip, last, naming the path and the offset."""
    assert len(documents(results)) == kept
    assert isinstance(results[-1], Skip)
    assert skips(results) == [results[-1]]
    skip = results[-1]
    assert (skip.reason, skip.source) == ("damaged-archive", str(path))
    assert str(path) in skip.message and f"byte {offset:,}" in skip.message, skip.message
    return skip


@pytest.mark.parametrize("compressed", [True, False])
def test_truncated_archive_keeps_the_records_before_the_damage(tmp_path: Path, compressed: bool) -> None:
    whole = write_archive(tmp_path / ("whole.warc.gz" if compressed else "whole.warc"), compressed)
    starts = offsets(whole)
    damaged = cut(
        whole, (starts[6] + starts[7]) // 2, tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    )
    results = list(read_documents([str(damaged)]))
    assert_damaged(results, damaged, kept=1, offset=starts[6])
    assert documents(results)[0].url == "https://ledger.example/ferry"


def test_bad_gzip_data_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    whole = write_archive(tmp_path / "whole.warc.gz")
    starts = offsets(whole)
    data = bytearray(whole.read_bytes())
    middle = (starts[6] + starts[7]) // 2
    data[middle : middle + 40] = b"\xff" * 40
    damaged = tmp_path / "bad.warc.gz"
    damaged.write_bytes(bytes(data))
    skip = assert_damaged(list(read_documents([str(damaged)])), damaged, kept=1, offset=starts[6])
    assert "gzip" in skip.message or "shorter" in skip.message


def test_one_gzip_stream_for_the_whole_archive_is_read_too(tmp_path: Path) -> None:
    plain = write_archive(tmp_path / "crawl.warc", compressed=False)
    single = tmp_path / "single.warc.gz"
    single.write_bytes(gzip.compress(plain.read_bytes()))
    starts = offsets(plain)
    results = list(read_documents([str(single)]))
    # one gzip member at byte 0 holds every record: each is named by its offset in the decompressed data
    assert [result.source for result in results] == [f"{single}#0+{starts[i]}" for i in (2, 6, 7)]
    assert len(documents(results)) == 3


def test_one_gzip_stream_cut_short(tmp_path: Path) -> None:
    plain = write_archive(tmp_path / "crawl.warc", compressed=False)
    starts = offsets(plain)
    compressed = gzip.compress(plain.read_bytes())
    single = tmp_path / "single.warc.gz"
    single.write_bytes(compressed[: len(compressed) - 200])
    results = list(read_documents([str(single)]))
    assert skips(results) == [results[-1]] and results[-1].reason == "damaged-archive"
    assert [document.source for document in documents(results)] == [
        f"{single}#0+{starts[i]}" for i in (2, 6, 7)
    ][: len(documents(results))]


def test_record_with_a_wrong_length_stops_the_archive(tmp_path: Path) -> None:
    whole = write_archive(tmp_path / "whole.warc", compressed=False)
    starts = offsets(whole)
    data = whole.read_bytes()
    damaged = tmp_path / "shifted.warc"
    damaged.write_bytes(data[: starts[6] - 2] + b"stray bytes\r\n" + data[starts[6] - 2 :])
    results = list(read_documents([str(damaged)]))
    assert len(documents(results)) == 1
    assert [skip.reason for skip in skips(results)] == ["damaged-archive"]


def test_not_an_archive(tmp_path: Path) -> None:
    path = tmp_path / "notes.warc"
    path.write_text("These are meeting notes, not a web archive.\n", encoding="utf-8")
    [skip] = read_documents([str(path)])
    assert isinstance(skip, Skip) and skip.reason == "damaged-archive"
    assert skip.message.startswith(f"{path}: is not a WARC or ARC archive")


def test_empty_archive(tmp_path: Path) -> None:
    (tmp_path / "empty.warc.gz").write_bytes(b"")
    [skip] = read_documents([str(tmp_path / "empty.warc.gz")])
    assert isinstance(skip, Skip) and skip.reason == "empty"


def test_oversized_record_is_skipped_and_the_rest_read(tmp_path: Path) -> None:
    path = write_archive(tmp_path / "crawl.warc.gz")
    starts = offsets(path)
    limit = len(MARKET.encode()) - 100  # the ferry page fits, the market page does not
    assert len(FERRY.encode()) < limit
    results = list(read_warc(str(path), limit))
    assert [type(result).__name__ for result in results] == ["Document", "Skip", "Document"]
    skip = results[1]
    assert isinstance(skip, Skip)
    assert (skip.reason, skip.source) == ("too-large", f"{path}#{starts[6]}")
    assert f"{limit:,}-byte limit" in skip.message


def test_directory_walk_reads_archives(tmp_path: Path) -> None:
    write_archive(tmp_path / "b.warc.gz")
    (tmp_path / "a.html").write_text(FERRY, encoding="utf-8")
    sources = [result.source for result in read_documents([str(tmp_path)])]
    assert sources[0] == str(tmp_path / "a.html")
    assert len(sources) == 4 and all(
        source.startswith(f"{tmp_path / 'b.warc.gz'}#") for source in sources[1:]
    )


# The sample archives of warcio, resiliparse and the UK Web Archive's test suite, read in place.
SHARED_CASES = [
    ("warcio/data/example.warc.gz", 1, None),
    ("warcio/data/example.warc", 1, None),
    ("warcio/data/example.arc.gz", 1, None),
    ("warcio/data/example-iana.org-chunked.warc", 1, None),
    ("warcio/data/example-bad-non-chunked.warc.gz", 1, None),
    ("warcio/data/post-test.warc.gz", 0, None),
    ("resiliparse/data/warcfile.warc.gz", 16, None),
    ("resiliparse/data/clueweb-quirk.warc.gz", 29, None),
    ("resiliparse/data/clipped.warc.gz", 0, "damaged-archive"),
    ("resiliparse/data/warcfile.warc.lz4", 0, "damaged-archive"),
    ("ukwa/small-arcs-and-warcs/IAH-20080430204825-00000-blackbook-truncated.warc.gz", 2, None),
    ("ukwa/small-arcs-and-warcs/IAH-20080430204825-00000-blackbook-truncated.arc.gz", 2, None),
    ("ukwa/small-arcs-and-warcs/IAH-urls-wget.warc.gz", 2, None),
]


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/news-html/warc_samples is not present")
@pytest.mark.parametrize(("name", "count", "reason"), SHARED_CASES)
def test_shared_sample_archives(name: str, count: int, reason: str | None) -> None:
    results = list(read_warc(str(SAMPLES / name), 20_000_000))
    assert len(documents(results)) == count
    assert [skip.reason for skip in skips(results)] == ([reason] if reason else [])
    for document in documents(results):
        assert document.url and document.url.startswith("http") and document.published


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/news-html/warc_samples is not present")
def test_shared_sample_archive_pages_become_articles() -> None:
    [document] = documents(list(read_warc(str(SAMPLES / "warcio/data/example.warc.gz"), 20_000_000)))
    article = to_article(document)
    assert isinstance(article, Article)
    assert article.url == "http://example.com/" and article.published == "2017-03-06"


def test_damaged_archive_then_a_good_one_as_articles(tmp_path: Path) -> None:
    whole = write_archive(tmp_path / "whole.warc.gz")
    starts = offsets(whole)
    damaged = cut(whole, (starts[6] + starts[7]) // 2, tmp_path / "cut.warc.gz")
    results = [
        result if isinstance(result, Skip) else to_article(result)
        for result in read_documents([str(damaged), str(whole)])
    ]
    kinds = [result.reason if isinstance(result, Skip) else "article" for result in results]
    assert kinds == ["article", "damaged-archive", "article", "article", "no-article"]
    assert isinstance(results[0], Article) and "Maren Voskuijlen" in results[0].text


def gzip_member_of_zeros(size: int) -> bytes:
    """A gzip member holding `size` zero bytes, compressed piece by piece (64 MB of zeros is about 64 KB)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    piece = bytes(1 << 20)
    parts = [compressor.compress(piece) for _ in range(size // len(piece))]
    return b"".join([*parts, compressor.compress(bytes(size % len(piece))), compressor.flush()])


@pytest.mark.parametrize("size", [4 << 20, 64 << 20])
def test_a_zero_filled_gzip_member_after_the_records_is_damage_at_its_byte(tmp_path: Path, size: int) -> None:
    good = write_archive(tmp_path / "good.warc.gz")
    path = tmp_path / "zeros.warc.gz"
    path.write_bytes(good.read_bytes() + gzip_member_of_zeros(size))
    skip = assert_damaged(list(read_documents([str(path)])), path, kept=3, offset=good.stat().st_size)
    assert f"{MAX_LINE:,} bytes with no line end" in skip.message and "all zero bytes" in skip.message


def test_reading_stops_within_a_bounded_stretch_of_zeros(tmp_path: Path) -> None:
    # Cut short, the member would read as truncated if it were inflated to its end: the skip says
    # instead that reading stopped after MAX_LINE bytes, so the work is bounded whatever the size.
    good = write_archive(tmp_path / "good.warc.gz")
    zeros = gzip_member_of_zeros(256 << 20)
    path = tmp_path / "zeros-cut.warc.gz"
    path.write_bytes(good.read_bytes() + zeros[: len(zeros) // 2])
    skip = assert_damaged(list(read_documents([str(path)])), path, kept=3, offset=good.stat().st_size)
    assert "truncated" not in skip.message and f"{MAX_LINE:,} bytes with no line end" in skip.message


def test_zeros_after_the_records_of_a_plain_archive(tmp_path: Path) -> None:
    good = write_archive(tmp_path / "good.warc", compressed=False)
    path = tmp_path / "zeros.warc"
    path.write_bytes(good.read_bytes() + bytes(3 * MAX_LINE))
    skip = assert_damaged(list(read_documents([str(path)])), path, kept=3, offset=good.stat().st_size)
    assert "all zero bytes" in skip.message


def test_zero_padding_between_gzip_members_is_passed_over(tmp_path: Path) -> None:
    good = write_archive(tmp_path / "good.warc.gz")
    path = tmp_path / "padded.warc.gz"
    path.write_bytes(good.read_bytes() + bytes(200_000))  # raw zeros, not a gzip member: gzip -d skips them
    assert [type(result).__name__ for result in read_documents([str(path)])] == ["Document"] * 3


ARC_PAGE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>The mayor said yes.</p></body></html>"
)
ARC_VERSION = b"1 0 onrecord\nURL IP-address Archive-date Content-type Archive-length\n"


def arc(length: bytes, target: str = "http://x.example/b") -> bytes:
    return f"{target} 10.0.0.1 20250101000000 text/html ".encode() + length + b"\n" + ARC_PAGE + b"\n"


def arc_file(*records: bytes, header_length: bytes | None = None) -> bytes:
    declared = header_length or str(len(ARC_VERSION)).encode()
    header = b"filedesc://t.arc 0.0.0.0 20250101000000 text/plain " + declared + b"\n" + ARC_VERSION + b"\n"
    return header + b"".join(records)


@pytest.mark.parametrize("length", [b"-1", b"abc", b"+12", b"\xd9\xa3"])
def test_an_arc_record_length_that_is_not_a_number_is_damage(tmp_path: Path, length: bytes) -> None:
    good = arc(str(len(ARC_PAGE)).encode(), "http://x.example/a")
    cases = {
        "after.arc": (arc_file(good, arc(length)), 1, len(arc_file(good))),
        "only.arc": (arc_file(arc(length)), 0, len(arc_file())),
        "header.arc": (arc_file(good, header_length=length), 0, 0),
        "last.arc": (arc_file(good) + arc(length)[: -len(ARC_PAGE) - 1], 1, len(arc_file(good))),
    }
    for name, (data, kept, offset) in cases.items():
        (tmp_path / name).write_bytes(data)
        skip = assert_damaged(list(read_documents([str(tmp_path / name)])), tmp_path / name, kept, offset)
        # warcio reads '+12' and '٣' as numbers: then the record's missing content is the damage
        assert "not a number of bytes" in skip.message or (name == "last.arc" and "truncated" in skip.message)


def test_a_well_formed_arc_reads_without_a_skip(tmp_path: Path) -> None:
    path = tmp_path / "good.arc"
    path.write_bytes(arc_file(arc(str(len(ARC_PAGE)).encode(), "http://x.example/a")))
    [document] = read_documents([str(path)])
    assert isinstance(document, Document) and document.url == "http://x.example/a"


@pytest.mark.parametrize("compressed", [False, True])
def test_an_archive_cut_right_after_a_record_header(tmp_path: Path, compressed: bool) -> None:
    # warcio took a record header with nothing after it for the archive's clean end
    plain = write_archive(tmp_path / "crawl.warc", compressed=False)
    starts = offsets(plain)
    data = plain.read_bytes()
    header_end = data.index(b"\r\n\r\n", starts[6]) + 4
    path = tmp_path / ("cut.warc.gz" if compressed else "cut.warc")
    cut_data = data[:header_end]
    path.write_bytes(gzip.compress(cut_data) if compressed else cut_data)
    results = list(read_documents([str(path)]))
    assert len(documents(results)) == 1 and skips(results) == [results[-1]]
    assert results[-1].reason == "damaged-archive"
    where = f"byte 0 (+{starts[6]:,} bytes decompressed)" if compressed else f"byte {starts[6]:,}"
    assert where in results[-1].message and "truncated" in results[-1].message


@pytest.mark.parametrize("compressed", [False, True])
def test_megabytes_of_blank_lines_after_the_records_are_damage(tmp_path: Path, compressed: bool) -> None:
    # warcio reads blank lines one call each: 2 GB of them (a 2 MB gzip member) would take most of an hour
    plain = write_archive(tmp_path / "crawl.warc", compressed=False)
    data = plain.read_bytes() + b"\r\n" * (4 << 20)
    path = tmp_path / ("blank.warc.gz" if compressed else "blank.warc")
    path.write_bytes(gzip.compress(data, 1) if compressed else data)
    results = list(read_documents([str(path)]))
    assert len(documents(results)) == 3 and skips(results) == [results[-1]]
    assert results[-1].reason == "damaged-archive"
    assert f"over {MAX_BLANK:,} bytes of blank lines" in results[-1].message
