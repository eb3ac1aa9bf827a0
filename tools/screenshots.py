"""Screenshots of each page of the newsroom view for the README: docs/screenshots/*.png.

Ingests samples/ into a temporary store with the library (`onrecord.ingest`), serves it with `onrecord
serve` on a free loopback port, and has Playwright drive Debian's Chromium (/usr/bin/chromium, headless)
over the front page, a search, the people list, the most quoted person, the article with the most
statements and its first statement's permalink.

    .venv/bin/python tools/screenshots.py [--out docs/screenshots] [--width 1100] [--height 1100]

Each picture is the top of the page, at most --height pixels tall.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from playwright.sync_api import sync_playwright

from onrecord.ingest import ingest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


_COMMON = frozenset(
    {"before", "because", "should", "people", "around", "things", "across", "during", "whether"}
)


def pages(db: Path) -> dict[str, str]:
    """The page to shoot for each name, chosen from what the sample store holds."""
    with sqlite3.connect(db) as conn:
        person = conn.execute(  # the most quoted of those with dated statements (for the chart)
            "SELECT s.speaker_id FROM statements s JOIN articles a ON a.id = s.article_id "
            "WHERE s.speaker_id IS NOT NULL GROUP BY s.speaker_id "
            "ORDER BY count(a.published) DESC, count(*) DESC, s.speaker_id LIMIT 1"
        ).fetchone()[0]
        article = conn.execute(  # the titled article with the most statements
            "SELECT p.article_id FROM appearances p JOIN articles a ON a.id = p.article_id "
            "GROUP BY p.article_id ORDER BY a.title IS NULL, count(*) DESC, p.article_id LIMIT 1"
        ).fetchone()[0]
        statement = conn.execute(
            "SELECT s.id FROM statements s WHERE s.article_id = ? "
            "ORDER BY s.role IS NULL, s.speaker_id IS NULL, s.id LIMIT 1",
            (article,),
        ).fetchone()[0]
        said = [row[0] for row in conn.execute("SELECT text FROM statements")]
    counted = Counter(word for text in said for word in set(re.findall(r"[a-z]{6,}", text.lower())))
    query = next(word for word, _ in counted.most_common() if word not in _COMMON)  # often said, not filler
    return {
        "front": "/",
        "search": f"/search?q={query}",
        "people": "/people",
        "person": f"/people/{person}",
        "article": f"/articles/{article}",
        "statement": f"/statements/{statement}",
    }


def serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from onrecord.cli import main; main()", "serve", "--db", str(db)]
    server = subprocess.Popen([*command, "--port", str(port)], stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/static/style.css", timeout=1).status_code == 200:
                return server
        except httpx.HTTPError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("onrecord serve did not start")


def shoot(base: str, targets: dict[str, str], out: Path, width: int, height: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": width, "height": 600})
        for name, path in targets.items():
            page.goto(base + path)
            tall = int(page.evaluate("document.documentElement.scrollHeight"))
            clip = {"x": 0, "y": 0, "width": width, "height": min(tall, height)}
            page.screenshot(path=str(out / f"{name}.png"), full_page=True, clip=clip)
            _shrink(out / f"{name}.png")
            print(f"{out / (name + '.png')}: {path}")
        browser.close()


def _shrink(png: Path) -> None:
    """Fewer colours (pngquant, when installed: `apt-get install pngquant`), a third of the bytes."""
    if shutil.which("pngquant"):
        subprocess.run(
            ["pngquant", "--force", "--skip-if-larger", "--output", str(png), "64", str(png)], check=False
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1100)
    parser.add_argument("--height", type=int, default=1100)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "samples.db"
        ingest([str(ROOT / "samples")], str(db), workers=0)
        server = serve(db, args.port)
        try:
            shoot(f"http://127.0.0.1:{args.port}", pages(db), args.out, args.width, args.height)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
