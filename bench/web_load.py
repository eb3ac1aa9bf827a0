"""The load part of bench_web.py: a real server as a subprocess on 127.0.0.1, concurrent clients for a
bounded time, and an `onrecord ingest` writing into the store meanwhile.

The clients speak plain HTTP/1.1 over asyncio streams (one keep-alive connection each, Content-Length
bodies): a client costing a fraction of a millisecond per request leaves the machine's cores to the
server, where httpx's pool cost about 4 ms of CPU per request with 50 connections.

Two servers are measured: `onrecord serve` as it is now (its default processes, threads and cache), and
the configuration issue 12 measured ("old"): the source tree of `BASELINE` (git archive) run as the
bench ran it then, one uvicorn process on the app with FastAPI's defaults.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HOST = "127.0.0.1"
BASELINE = "45036e7"
"""The commit before issue 12's web work: the configuration the issue's figures were measured on."""
START_SECONDS = 60
CLI = "from onrecord.cli import main; main()"
INGEST_ARTICLES = 800
"""Articles written for the concurrent ingest: more than it can store in any load window."""


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    port: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def baseline_source(revision: str, folder: str) -> str | None:
    """The `src` tree of `revision` unpacked under `folder` (None when git or the commit is missing)."""
    root = Path(__file__).resolve().parent.parent
    try:
        archive = subprocess.run(
            ["git", "-C", str(root), "archive", revision, "src"], capture_output=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(folder, filter="data")
    return os.path.join(folder, "src")


def start(path: str, source: str | None = None) -> Server:
    """`onrecord serve` on `path` (source None), or the old configuration from the `source` tree."""
    port = free_port()
    env = dict(os.environ)
    if source is None:
        command = [sys.executable, "-c", CLI, "serve", "--db", path, "--port", str(port)]
    else:
        env["PYTHONPATH"] = source
        code = (
            "import uvicorn; from onrecord.web import create_app; uvicorn.run(create_app("
            f"{path!r}), host={HOST!r}, port={port}, log_level='warning', access_log=False, http='h11', "
            "loop='asyncio', timeout_keep_alive=30)"
        )
        command = [sys.executable, "-c", code]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL, start_new_session=True)
    server = Server(process, f"http://{HOST}:{port}", port)
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        with contextlib.suppress(OSError):
            if asyncio.run(_probe(port)) == 200:
                return server
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"the server did not start on {server.base}")


async def _probe(port: int) -> int:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        status, _ = await _get(reader, writer, "/static/style.css", port)
        return status
    finally:
        writer.close()


def stop(server: Server) -> None:
    """Interrupt the server's process group (its worker processes too) and wait for it."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGINT)
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


async def _get(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, target: str, port: int
) -> tuple[int, bool]:
    """One GET on a keep-alive connection: the status, and whether the server closes the connection."""
    writer.write(f"GET {target} HTTP/1.1\r\nHost: {HOST}:{port}\r\n\r\n".encode())
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length, close = 0, False
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"connection":
            close = b"close" in value.lower()
        elif name == b"transfer-encoding":
            raise ValueError("chunked response")
    await reader.readexactly(length)
    return status, close


async def load(
    port: int, mix: list[str], clients: int, seconds: float, timings: list[float]
) -> dict[str, Any]:
    """`clients` concurrent clients for `seconds`, each looping over random pages of `mix`; the latency
    of every request (ms) is appended to `timings`."""
    deadline = time.monotonic() + seconds
    errors: dict[str, int] = {}

    def failed(what: str) -> None:
        errors[what] = errors.get(what, 0) + 1

    async def client_loop(number: int) -> None:
        pick = random.Random(number)
        connection: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        while time.monotonic() < deadline:
            began = time.perf_counter()
            try:
                if connection is None:
                    connection = await asyncio.open_connection(HOST, port)
                status, close = await asyncio.wait_for(_get(*connection, pick.choice(mix), port), 30)
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError) as error:
                failed(type(error).__name__)
                timings.append((time.perf_counter() - began) * 1000)
                connection = None
                continue
            timings.append((time.perf_counter() - began) * 1000)
            if status not in (200, 404):
                failed(str(status))
            if close:
                connection[1].close()
                connection = None
        if connection is not None:
            connection[1].close()

    began = time.perf_counter()
    await asyncio.gather(*(client_loop(n) for n in range(clients)))
    elapsed = time.perf_counter() - began
    return {"clients": clients, "seconds": round(elapsed, 1), "requests": len(timings), "errors": errors}


@contextlib.contextmanager
def ingesting(path: str, texts: list[str]) -> Iterator[dict[str, int]]:
    """`onrecord ingest --fast` of `texts` (as .txt files) into the store at `path` while the block
    runs; then interrupted (it keeps what it committed). Yields a dict that gets "articles_stored"."""
    folder = Path(path).with_suffix(".incoming")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    for number, text in enumerate(texts):
        (folder / f"incoming-{number:05d}.txt").write_text(text, encoding="utf-8")
    before = _articles(path)
    command = [sys.executable, "-c", CLI, "ingest", str(folder), "--db", path, "--fast"]
    command += ["--workers", "1"]
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    outcome: dict[str, int] = {}
    try:
        _wait_for_writes(path, before, process)
        yield outcome
    finally:
        still_running = process.poll() is None
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        outcome["articles_stored"] = _articles(path) - before
        outcome["still_writing_at_the_end"] = int(still_running)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_for_writes(path: str, before: int, process: subprocess.Popen[bytes]) -> None:
    """Until the ingest has committed its first articles (its model load comes first)."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline and process.poll() is None:
        if _articles(path) > before:
            return
        time.sleep(0.5)
    raise SystemExit("the concurrent ingest stored nothing within a minute")


def _articles(path: str) -> int:
    import sqlite3

    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as conn:
        return int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])


_NOUNS = [
    "harbour",
    "council",
    "budget",
    "ferry",
    "bridge",
    "school",
    "hospital",
    "election",
    "tax",
    "plan",
    "road",
    "port",
    "market",
    "river",
    "station",
    "contract",
    "strike",
    "union",
    "court",
    "report",
    "museum",
    "library",
    "railway",
    "airport",
    "factory",
    "farm",
    "police",
]
_VERBS = [
    "rebuild",
    "close",
    "fund",
    "delay",
    "open",
    "review",
    "cut",
    "raise",
    "protect",
    "sell",
    "replace",
    "expand",
]
_PEOPLE = [
    "Maria Lindqvist",
    "Tomas Reyes",
    "Odile Brandt",
    "Jonas Keller",
    "Amira Haddad",
    "Peter Novak",
    "Lena Fischer",
    "David Okafor",
    "Sara Moretti",
    "Henrik Dahl",
]
_ROLES = ["the mayor", "a spokesperson", "the minister", "a union leader", "the director"]


def english_articles(count: int, seed: int = 5) -> list[str]:
    """`count` different short English news stories with quotes (the ingest's extractor finds them)."""
    pick = random.Random(seed)
    stories = []
    for number in range(count):
        paragraphs = [
            f"The {pick.choice(_NOUNS)} of district {number} will be the subject of a vote on "
            f"{pick.choice(['Monday', 'Tuesday', 'Friday'])}, officials said, after weeks of debate "
            f"about the {pick.choice(_NOUNS)} and the {pick.choice(_NOUNS)}."
        ]
        for _ in range(4):
            name, role = pick.choice(_PEOPLE), pick.choice(_ROLES)
            verb, noun, other = pick.choice(_VERBS), pick.choice(_NOUNS), pick.choice(_NOUNS)
            paragraphs.append(
                f'"We will {verb} the {noun} before the {other} season, and we will not wait for '
                f'another report number {pick.randrange(10_000)}," said {name}, {role}.'
            )
            paragraphs.append(
                f"{name.split()[1]} told reporters that the {noun} had cost the town more than "
                f"{pick.randrange(2, 90)} million euros since the {other} was last reviewed."
            )
        stories.append("\n\n".join(paragraphs) + "\n")
    return stories
