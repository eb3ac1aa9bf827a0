"""sources.read_documents: every input becomes a Document or a Skip with a reason code, never an exception."""

from __future__ import annotations

import builtins
import os
from pathlib import Path
from typing import Any

import pytest

from onrecord import sources
from onrecord.records import Document, Skip
from onrecord.sources import MAX_BYTES, read_documents


def read(*paths: Path | str, **kwargs: Any) -> list[Document | Skip]:
    return list(read_documents([str(path) for path in paths], **kwargs))


def only_skip(results: list[Document | Skip]) -> Skip:
    assert len(results) == 1
    assert isinstance(results[0], Skip), results[0]
    return results[0]


def test_text_file_is_read_as_bytes_exactly(tmp_path: Path) -> None:
    data = "\ufeffHe said: “We stay.”\r\n".encode()
    (tmp_path / "a.txt").write_bytes(data)
    [document] = read(tmp_path / "a.txt")
    assert document == Document(source=str(tmp_path / "a.txt"), data=data, media_type="text")


@pytest.mark.parametrize(
    ("name", "media_type"), [("p.html", "html"), ("p.HTM", "html"), ("notes.md", "text")]
)
def test_media_type_from_suffix_and_unknown_suffix_given_explicitly_is_text(
    tmp_path: Path, name: str, media_type: str
) -> None:
    (tmp_path / name).write_text("<p>x</p>", encoding="utf-8")
    [document] = read(tmp_path / name)
    assert isinstance(document, Document)
    assert document.media_type == media_type


def test_missing_path(tmp_path: Path) -> None:
    skip = only_skip(read(tmp_path / "nope.txt"))
    assert skip.reason == "missing"
    assert str(tmp_path / "nope.txt") in skip.message


def test_broken_symlink_is_missing(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to(tmp_path / "gone.txt")
    assert only_skip(read(tmp_path / "link.txt")).reason == "missing"


def test_directory_is_walked_recursively_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("z.txt", "a.html", "sub/b.htm", "sub/c.TXT", "image.png", "notes.md", "sub/data.json"):
        (tmp_path / name).write_text("text", encoding="utf-8")
    results = read(tmp_path)
    assert all(isinstance(result, Document) for result in results)
    assert [result.source for result in results] == [
        str(tmp_path / name) for name in ("a.html", "sub/b.htm", "sub/c.TXT", "z.txt")
    ]


def test_directory_without_readable_files(tmp_path: Path) -> None:
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "sub").mkdir()
    skip = only_skip(read(tmp_path))
    assert skip.reason == "empty-directory"
    assert str(tmp_path) in skip.message


def test_empty_directory(tmp_path: Path) -> None:
    assert only_skip(read(tmp_path)).reason == "empty-directory"


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "e.txt").write_bytes(b"")
    skip = only_skip(read(tmp_path / "e.txt"))
    assert (skip.reason, skip.source) == ("empty", str(tmp_path / "e.txt"))
    assert "empty" in skip.message


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",  # a zip header: NUL bytes
        b"text first, then a NUL far away" + b" " * 10_000 + b"\x00",
        bytes(range(1, 32)) * 20,  # control characters only, no NUL
    ],
)
def test_binary_file(tmp_path: Path, data: bytes) -> None:
    (tmp_path / "b.txt").write_bytes(data)
    skip = only_skip(read(tmp_path / "b.txt"))
    assert skip.reason == "binary"
    assert str(tmp_path / "b.txt") in skip.message


def test_utf16_with_byte_order_mark_is_not_binary(tmp_path: Path) -> None:
    (tmp_path / "u.txt").write_bytes("He said “yes”.".encode("utf-16"))
    [document] = read(tmp_path / "u.txt")
    assert isinstance(document, Document)


def test_oversize_sparse_file_is_refused_without_reading_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: takes no disk space

    def no_open(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("an oversize file must be refused from its size alone")

    monkeypatch.setattr(builtins, "open", no_open)
    skip = only_skip(read(big))
    assert skip.reason == "too-large"
    assert f"{MAX_BYTES:,}" in skip.message
    assert str(big) in skip.message


def test_size_limit_can_be_patched_and_passed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a.txt").write_text("0123456789", encoding="utf-8")
    assert only_skip(read(tmp_path / "a.txt", max_bytes=9)).reason == "too-large"
    assert isinstance(read(tmp_path / "a.txt", max_bytes=10)[0], Document)
    monkeypatch.setattr(sources, "MAX_BYTES", 5)
    skip = only_skip(read(tmp_path / "a.txt"))
    assert (skip.reason, "5-byte limit" in skip.message) == ("too-large", True)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("text", encoding="utf-8")
    real_open = builtins.open

    def denying_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        if os.fspath(file) == str(secret):
            raise PermissionError(13, "Permission denied", str(secret))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", denying_open)
    skip = only_skip(read(secret))
    assert skip.reason == "unreadable"
    assert str(secret) in skip.message and "permission denied" in skip.message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_by_mode(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("text", encoding="utf-8")
    secret.chmod(0)
    try:
        assert only_skip(read(secret)).reason == "unreadable"
    finally:
        secret.chmod(0o600)


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert only_skip(read(fifo)).reason == "unreadable"


def test_one_bad_input_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("fine", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    results = read(tmp_path / "missing.txt", tmp_path / "empty.txt", tmp_path / "good.txt")
    assert [getattr(result, "reason", "ok") for result in results] == ["missing", "empty", "ok"]


def test_directory_walk_finds_archives_exports_and_feeds(tmp_path: Path) -> None:
    from onrecord.sources import files

    names = [
        "a.warc",
        "b.WARC.GZ",
        "c.arc",
        "d.arc.gz",
        "e.jsonl",
        "f.rss",
        "g.atom",
        "h.xml",
        "i.json",
        "j.gz",
    ]
    for name in names:
        (tmp_path / name).write_bytes(b"")
    found = [path for path in files.walk(str(tmp_path)) if isinstance(path, str)]
    assert found == [str(tmp_path / name) for name in names[:8]]
    assert [files.kind_of(path) for path in found] == ["warc"] * 4 + ["jsonl"] + ["feed"] * 3


def test_empty_directory_message_names_what_is_read(tmp_path: Path) -> None:
    skip = only_skip(read(tmp_path))
    for suffix in (".txt", ".html", ".warc.gz", ".jsonl", ".rss"):
        assert suffix in skip.message


def test_binary_file_with_an_html_name(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    skip = only_skip(read(tmp_path / "page.html"))
    assert (skip.reason, skip.source) == ("binary", str(tmp_path / "page.html"))


def deep_directory(top: Path, depth: int = 18) -> Path:
    """A directory nested so deep that its path is longer than the system allows (PATH_MAX, 4096 bytes):
    it can be made and listed only relative to its parent, so a walk by path cannot read it, even as root."""
    name = "d" * 250
    descriptor = os.open(top, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=descriptor)
            inner = os.open(name, os.O_RDONLY, dir_fd=descriptor)
            os.close(descriptor)
            descriptor = inner
        written = os.open("hidden.txt", os.O_WRONLY | os.O_CREAT, 0o600, dir_fd=descriptor)
        os.write(written, b"He said it was hidden.")
        os.close(written)
    finally:
        os.close(descriptor)
    return top.joinpath(*[name] * depth)


def test_an_unreadable_subdirectory_is_a_skip_and_the_rest_is_read(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("fine", encoding="utf-8")
    (tmp_path / "z.txt").write_text("fine", encoding="utf-8")
    deep = deep_directory(tmp_path)
    results = read(tmp_path)
    assert [getattr(result, "reason", "ok") for result in results] == ["ok", "unreadable", "ok"]
    skip = results[1]
    assert isinstance(skip, Skip) and len(skip.source) > 4096 and str(deep).startswith(skip.source)
    assert skip.message == f"{skip.source}: the directory cannot be read (file name too long)."


def test_a_path_too_long_to_name_is_unreadable_not_missing(tmp_path: Path) -> None:
    deep = deep_directory(tmp_path) / "hidden.txt"
    skip = only_skip(read(deep))
    assert (skip.reason, skip.message) == ("unreadable", f"{deep}: cannot be read (file name too long).")


def test_a_fifo_or_a_socket_in_a_directory_is_a_skip(tmp_path: Path) -> None:
    import socket

    (tmp_path / "a.txt").write_text("fine", encoding="utf-8")
    os.mkfifo(tmp_path / "pipe.txt")
    with socket.socket(socket.AF_UNIX) as listening:
        listening.bind(str(tmp_path / "sock.html"))
        results = read(tmp_path)
    assert [(Path(result.source).name, getattr(result, "reason", "ok")) for result in results] == [
        ("a.txt", "ok"),
        ("pipe.txt", "unreadable"),
        ("sock.html", "unreadable"),
    ]


@pytest.mark.skipif(os.geteuid() == 0, reason="root lists directories whatever their mode")
def test_unreadable_subdirectory_by_mode(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("fine", encoding="utf-8")
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "b.txt").write_text("fine", encoding="utf-8")
    locked.chmod(0)
    try:
        results = read(tmp_path)
        assert [getattr(result, "reason", "ok") for result in results] == ["ok", "unreadable"]
        skip = results[1]
        assert isinstance(skip, Skip) and skip.source == str(locked) and "permission denied" in skip.message
        assert only_skip(read(locked)).reason == "unreadable"
    finally:
        locked.chmod(0o700)


def test_a_file_name_that_is_not_utf8(tmp_path: Path) -> None:
    raw = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(raw, "wb") as handle:
        handle.write("“Fine,” he said.".encode())
    [document] = read(tmp_path)
    assert isinstance(document, Document) and document.source == f"{tmp_path}/caf\ufffd.txt"
    document.source.encode("utf-8")  # what is printed and stored must encode
