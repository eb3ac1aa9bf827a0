"""Remote batch inputs against a real HTTP server on 127.0.0.1: byte ranges, retries, time bounds, refusals,
s3:// URIs and list files."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from batch_factory import page, write_warc
from local_server import Route, serve
from onrecord.batch import remote
from onrecord.batch.listing import expand, read_list
from onrecord.batch.plan import Shard
from onrecord.batch.remote import S3_ENDPOINT_VARIABLE, InputError, RemoteRange, Retry, to_url
from onrecord.batch.shards import shard_documents, shard_done
from onrecord.records import Document

BODY = bytes(range(256)) * 4096  # 1 MiB, every offset distinguishable modulo 256
QUICK = Retry(attempts=3, base=0.01, cap=0.05, timeout=2.0)


def read_all(reader: RemoteRange, size: int = 50_000) -> bytes:
    pieces = []
    while piece := reader.read(size):
        pieces.append(piece)
    return b"".join(pieces)


def test_a_byte_range_is_asked_for_and_read_exactly() -> None:
    with serve({"/a.warc.gz": Route(body=BODY, ranges=True)}) as server:
        with RemoteRange(server.url("/a.warc.gz"), 100_000, 300_000, QUICK) as reader:
            assert reader.tell() == 100_000
            assert read_all(reader, 7_777) == BODY[100_000:300_000]
            assert reader.tell() == 300_000
        assert server.requests[0][1]["Range"] == "bytes=100000-299999"


def test_a_whole_input_streams_and_seeking_asks_for_a_new_range() -> None:
    with serve({"/a": Route(body=BODY, ranges=True)}) as server, RemoteRange(server.url("/a")) as reader:
        assert reader.read(10) == BODY[:10]
        reader.seek(5)
        assert read_all(reader) == BODY[5:]
        assert "Range" not in server.requests[0][1]
        assert server.requests[1][1]["Range"] == "bytes=5-"


def test_a_server_failing_twice_then_answering_is_retried() -> None:
    with serve({"/a": Route(body=BODY, ranges=True, fail_first=2)}) as server:
        with RemoteRange(server.url("/a"), 5, None, QUICK) as reader:
            assert read_all(reader) == BODY[5:]
        assert len(server.requests) == 3


def test_a_body_cut_off_is_resumed_from_the_byte_where_it_stopped() -> None:
    with serve({"/a": Route(body=BODY, ranges=True, cut_first=1)}) as server:
        with RemoteRange(server.url("/a"), 0, None, QUICK) as reader:
            assert read_all(reader) == BODY
        assert len(server.requests) == 2
        resumed = server.requests[1][1]["Range"]
        assert resumed.startswith("bytes=") and 0 < int(resumed[6:-1]) <= len(BODY) // 2


def test_a_server_that_never_answers_fails_in_bounded_time() -> None:
    patient = Retry(attempts=2, base=0.01, cap=0.05, timeout=0.3)
    with serve({"/a": Route(body=BODY, delay=5)}) as server:
        began = time.monotonic()
        with pytest.raises(InputError) as raised, RemoteRange(server.url("/a"), retry=patient) as reader:
            reader.read(10)
        assert time.monotonic() - began < 2.0
    assert str(raised.value) == f"{server.url('/a')}: no answer in time (timed out) (2 attempts)."


def test_a_server_failing_every_time_ends_after_the_attempts() -> None:
    with serve({"/a": Route(body=BODY, fail_first=99)}) as server:
        with (
            pytest.raises(InputError, match=r"answered 503 .*\(3 attempts\)\.$"),
            RemoteRange(server.url("/a"), retry=QUICK) as reader,
        ):
            reader.read(10)
        assert len(server.requests) == 3


def test_not_found_fails_at_once_with_the_status() -> None:
    with serve({}) as server:
        with pytest.raises(InputError) as raised, RemoteRange(server.url("/gone"), retry=QUICK) as reader:
            reader.read(10)
        assert len(server.requests) == 1
    assert str(raised.value) == f"{server.url('/gone')}: the server answered 404 Not Found."


def test_a_redirect_to_a_file_url_is_refused() -> None:
    routes = {"/a": Route(status=302, headers={"Location": "file:///etc/passwd"})}
    with serve(routes) as server:
        reader = RemoteRange(server.url("/a"), retry=QUICK)
        with reader, pytest.raises(InputError, match="not http"):
            reader.read(10)


def test_a_server_that_ignores_ranges_is_refused_rather_than_misread() -> None:
    with serve({"/a": Route(body=BODY)}) as server:
        reader = RemoteRange(server.url("/a"), 10, 20, QUICK)
        with reader, pytest.raises(InputError, match="byte ranges"):
            reader.read(10)


def test_s3_uris_map_to_public_https_endpoints(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(S3_ENDPOINT_VARIABLE, raising=False)
    key = "crawl-data/CC-NEWS/2024/01/CC-NEWS-20240101.warc.gz"
    assert to_url(f"s3://commoncrawl/{key}") == f"https://data.commoncrawl.org/{key}"
    assert to_url("s3://my-bucket/a b.warc") == "https://my-bucket.s3.amazonaws.com/a%20b.warc"
    for bad in ("s3://Bad_Bucket/key", "s3://bucket", "s3://bucket/", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(InputError):
            to_url(bad)


def test_an_s3_uri_is_read_through_the_configured_endpoint(monkeypatch: pytest.MonkeyPatch) -> None:
    with serve({"/bucket/dir/a.warc": Route(body=BODY, ranges=True)}) as server:
        monkeypatch.setenv(S3_ENDPOINT_VARIABLE, server.base + "/")
        with RemoteRange("s3://bucket/dir/a.warc", 1000, 2000, QUICK) as reader:
            assert read_all(reader) == BODY[1000:2000]


def test_a_local_list_keeps_its_lines_as_spelt(tmp_path: Path) -> None:
    listed = tmp_path / "inputs.txt"
    listed.write_text("# January\na.warc.gz\n\n  https://example.org/b.warc.gz  \ns3://commoncrawl/c\n")
    assert expand(["x.warc", f"@{listed}"]) == [
        "x.warc",
        "a.warc.gz",
        "https://example.org/b.warc.gz",
        "s3://commoncrawl/c",
    ]


def test_a_remote_gzip_list_resolves_keys_against_its_origin() -> None:
    lines = b"crawl-data/CC-NEWS/a.warc.gz\n/crawl-data/CC-NEWS/b.warc.gz\n"
    with serve({"/crawl-data/CC-NEWS/warc.paths.gz": Route(body=gzip.compress(lines))}) as server:
        assert read_list(server.url("/crawl-data/CC-NEWS/warc.paths.gz")) == [
            server.url("/crawl-data/CC-NEWS/a.warc.gz"),
            server.url("/crawl-data/CC-NEWS/b.warc.gz"),
        ]


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        (b"a.warc\nfile:///etc/passwd\n", "line 2 names a scheme other than"),
        (b"a\x1b[31m.warc\n", "line 1 holds a control character"),
        (b"\xff\xfe\n", "line 1 is not UTF-8 text"),
        (b"x" * 5000, "line 1 is over 4,096 bytes long"),
    ],
)
def test_a_bad_list_is_one_sentence_naming_the_line(tmp_path: Path, content: bytes, complaint: str) -> None:
    listed = tmp_path / "inputs.txt"
    listed.write_bytes(content)
    with pytest.raises(InputError) as raised:
        read_list(str(listed))
    assert str(raised.value) == f"{listed}: {complaint}" + str(raised.value).split(complaint)[1]
    assert str(raised.value).endswith(".") and "\n" not in str(raised.value)


def test_a_missing_list_is_one_sentence(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"inputs\.txt: the list file cannot be read \(No such file"):
        expand([f"@{tmp_path / 'inputs.txt'}"])


# ---------------------------------------------------------------------------------------------------------
# Remote archives as batch shards
# ---------------------------------------------------------------------------------------------------------


def served_archive(folder: Path, pages: int) -> bytes:
    return write_warc(
        folder / "a.warc.gz", [(f"https://ledger.example/{n}", page(n)) for n in range(pages)]
    ).read_bytes()


def test_a_served_archive_reads_as_the_local_file(tmp_path: Path) -> None:
    data = served_archive(tmp_path, 12)
    local = str(tmp_path / "a.warc.gz")
    with serve({"/crawl/a.warc.gz": Route(body=data, ranges=True, cut_first=1)}) as server:
        url = server.url("/crawl/a.warc.gz")
        remote = list(shard_documents(Shard(url)))
    whole = list(shard_documents(Shard(local)))
    assert len(whole) == 12 and all(isinstance(item, Document) for item in whole)
    assert [(item.source.replace(url, local), item.data, item.url) for item in remote] == [
        (item.source, item.data, item.url) for item in whole
    ]


def test_a_remote_archive_that_stops_answering_fails_rather_than_reads_as_damaged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(remote, "DEFAULT_RETRY", QUICK)
    data = served_archive(tmp_path, 400)
    routes = {"/a.warc.gz": Route(body=data, ranges=True, cut_first=1)}
    with serve(routes) as server:
        documents = shard_documents(Shard(server.url("/a.warc.gz")))
        assert isinstance(next(documents), Document)
        routes["/a.warc.gz"] = Route(status=503)  # from now on
        with pytest.raises(InputError, match=r"answered 503 .*\(3 attempts\)\.$"):
            list(documents)


def test_a_missing_remote_input_fails_its_shard_and_the_rest_finishes(tmp_path: Path) -> None:
    local = tmp_path / "a.warc.gz"
    served_archive(tmp_path, 2)
    with serve({}) as server:
        missing = server.url("/gone.warc.gz")
        out = tmp_path / "out"
        command = [
            sys.executable,
            "-c",
            "from onrecord.cli import main; main()",
            "batch",
            missing,
            str(local),
        ]
        command += ["--out", str(out), "--fast", "--workers", "0"]
        environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
        result = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert (
        f"onrecord: {missing}: cannot be read (the server answered 404 not found); a rerun" in result.stderr
    )
    assert not shard_done(str(out), Shard(missing)) and shard_done(str(out), Shard(str(local)))
