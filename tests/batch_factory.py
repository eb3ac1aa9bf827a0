"""Invented WARC sets for the batch tests: gzip archives of one member per record (as CC-NEWS writes
them) holding news_factory's articles as HTML, syndicated copies, a repeated URL and a damaged archive."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from news_factory import article_text

DATE = "2025-03-04T08:15:00Z"


def page(number: int, tail: str = "") -> bytes:
    """news_factory's article `number` as an HTML page (`tail`: a line added, as a syndicated copy)."""
    title, _, body = article_text(number).partition("\n\n")
    paragraphs = "".join(f"<p>{line}</p>" for line in (body + tail).splitlines() if line.strip())
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>"
    ).encode()


def live_page() -> bytes:
    """A team-written live blog: posts in containers, each with its own time (onrecord.liveblog)."""
    posts = (
        ("2025-03-04T07:05:00Z", "The Orwick tunnel is shut after the flood, said Nadia Ferrant, the mayor."),
        ("2025-03-04T09:40:00Z", '"Crews will pump it dry by Friday," said Bruno Lacey, the city engineer.'),
    )
    items = "".join(
        f'<article class="post"><time datetime="{when}">{when[11:16]}</time><p>{text}</p></article>'
        for when, text in posts
    )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Flood: live</title></head>"
        f"<body><main><h1>Flood: live</h1><div class='feed'>{items}</div></main></body></html>"
    ).encode()


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> Path:
    """A gzip WARC at `path` with one response record per (url, html) page."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "onrecord tests"}))
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], "HTTP/1.1")
            record = writer.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html),
                http_headers=headers,
                warc_headers_dict={"WARC-Date": DATE},
            )
            writer.write_record(record)
    return path


def warc_set(folder: Path, per_archive: int = 6) -> list[Path]:
    """Three archives: distinct articles; syndicated copies of some on another site, a repeated URL and
    a live blog in the second; the third cut off in the middle of a record (damaged)."""
    folder.mkdir(parents=True, exist_ok=True)
    first = [(f"https://ledger.example/{n}", page(n)) for n in range(per_archive)]
    second = [
        (f"https://courier.example/{n}", page(n, "\nThe Courier contributed reporting.")) for n in range(2)
    ]
    second += [(f"https://ledger.example/{1}", page(1))]  # the same URL again
    second += [("https://courier.example/live/flood", live_page())]  # posts with their own times
    second += [(f"https://courier.example/new/{n}", page(n)) for n in range(100, 100 + per_archive)]
    third = [(f"https://post.example/{n}", page(n)) for n in range(200, 200 + per_archive)]
    paths = [write_warc(folder / "a.warc.gz", first), write_warc(folder / "b.warc.gz", second)]
    damaged = write_warc(folder / "c.warc.gz", third)
    data = damaged.read_bytes()
    damaged.write_bytes(data[: len(data) * 2 // 3])
    return [*paths, damaged]
