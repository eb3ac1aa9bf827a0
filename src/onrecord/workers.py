"""The ingest's extraction processes: `python -m onrecord.workers`, fed documents over a pipe.

Each worker loads the models once, then reads (source key, Document) tasks from its stdin and writes one
result per task, in order, to its stdout (length-prefixed pickles between an onrecord process and the
children it started). No multiprocessing machinery: no semaphores to leak, no resource tracker left
behind. A worker dies with its parent: when the parent closes the task pipe or dies (kill -9 included),
the pipe reaches its end and the worker exits at once, mid-document if need be. Workers run in a session
of their own, so Ctrl-C at the terminal reaches the ingest alone, which then stops them.

Only the first worker reads articles in languages other than English: loading the French model costs
about 3.5 CPU-seconds (spaCy compiles its French tokenizer's patterns on import), so the other workers
hand a French article back (`Forward`) and the pool passes it on to the first.
"""

from __future__ import annotations

import os
import pickle
import queue
import select
import signal
import sqlite3
import struct
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from onrecord.articles import to_article
from onrecord.records import Article, Document, Skip, Statement
from onrecord.stance.vectors import embed_statements, encoder_id
from onrecord.store.dedup import fingerprint
from onrecord.store.sqlite import open_reader
from onrecord.store.writer import Extracted, find_duplicate

_HEADER = struct.Struct("!Q")


class WorkerError(Exception):
    """A worker process died (out of memory?) or answered nonsense."""


@dataclass(frozen=True)
class Rejected:
    key: str
    skip: Skip


@dataclass(frozen=True)
class Unable:
    """A worker that could not start (the model is missing): the whole ingest stops with its reason."""

    key: str
    reason: str


@dataclass(frozen=True)
class Forward:
    """An article in a language other than English, read by a worker that does not load other languages'
    models: the pool passes it on to the worker that does."""

    key: str
    article: Article


Result = Extracted | Rejected | Unable


# ---------------------------------------------------------------------------------------------------------
# The parent's side: start workers, hand out tasks, collect results in the order tasks were given.
# ---------------------------------------------------------------------------------------------------------


@dataclass
class _Worker:
    process: subprocess.Popen[bytes]
    tasks: int  # the write end of its stdin
    results: int  # the read end of its stdout
    outstanding: int = 0  # tasks it has not answered yet
    answered: dict[str, Result | Forward] = field(default_factory=dict)  # by key, not yet collected


class Pool:
    """`count` worker processes; `submit` a task, then `result` returns results in submission order.

    `db_path`: the store the workers look duplicates up in (None: none, as in a batch)."""

    def __init__(self, count: int, db_path: str | None, fast: bool, embed: bool = False) -> None:
        self._workers: list[_Worker] = []
        self._order: deque[tuple[str, _Worker]] = deque()  # each task's key and its worker, as submitted
        try:
            for number in range(count):
                self._workers.append(_start(db_path, fast, embed, every_language=number == 0))
        except BaseException:
            self.close()
            raise

    @property
    def pending(self) -> int:
        """Tasks submitted whose results were not collected yet."""
        return len(self._order)

    def submit(self, key: str, document: Document) -> None:
        worker = min(self._workers, key=lambda each: each.outstanding)
        self._order.append((key, self._send_task(worker, key, document)))

    def result(self, timeout: float | None = None) -> Result | None:
        """The result of the oldest task not yet collected; None when `timeout` seconds pass first.

        Answers from every worker are read as they come, so a worker that is done is given new tasks
        while an older, slower task still holds up the order results are collected in. An article handed
        back (`Forward`) goes to the first worker and keeps its place in that order."""
        while True:
            key, worker = self._order[0]
            while key not in worker.answered:
                if not self._read_answers(timeout):
                    return None
            answer = worker.answered.pop(key)
            if not isinstance(answer, Forward):
                self._order.popleft()
                return answer
            self._order[0] = (key, self._send_task(self._workers[0], key, answer.article))

    def _send_task(self, worker: _Worker, key: str, task: Document | Article) -> _Worker:
        try:
            _send(worker.tasks, pickle.dumps((key, task), protocol=pickle.HIGHEST_PROTOCOL))
        except BrokenPipeError as error:
            raise WorkerError("a worker process ended before answering") from error
        worker.outstanding += 1
        return worker

    def _read_answers(self, timeout: float | None) -> bool:
        """Read one answer from each worker that has one within `timeout` seconds; whether any came."""
        busy = {worker.results: worker for worker in self._workers if worker.outstanding}
        poller = select.poll()
        for fd in busy:
            poller.register(fd, select.POLLIN | select.POLLHUP | select.POLLERR)
        ready = poller.poll(None if timeout is None else max(0, int(timeout * 1000)))
        for fd, _ in ready:
            worker = busy[fd]
            answer = pickle.loads(_receive(fd))  # written by our own child process
            if not isinstance(answer, Extracted | Rejected | Unable | Forward):
                raise WorkerError(f"a worker answered with a {type(answer).__name__}")
            worker.answered[answer.key] = answer
            worker.outstanding -= 1
        return bool(ready)

    def close(self) -> None:
        """Stop the workers at once (a result not collected yet is not wanted any more)."""
        workers, self._workers = self._workers, []
        self._order.clear()
        for worker in workers:
            os.close(worker.tasks)
            worker.process.kill()
        for worker in workers:
            worker.process.wait()
            os.close(worker.results)


def _start(db_path: str | None, fast: bool, embed: bool, every_language: bool) -> _Worker:
    package_root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, env.get("PYTHONPATH")]))
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "onrecord.workers",
            db_path or "",
            "fast" if fast else "full",
            "embed" if embed else "plain",
            "every-language" if every_language else "english",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    assert process.stdin is not None and process.stdout is not None
    tasks, results = os.dup(process.stdin.fileno()), os.dup(process.stdout.fileno())
    process.stdin.close()
    process.stdout.close()
    os.set_inheritable(tasks, False)
    os.set_inheritable(results, False)
    return _Worker(process, tasks, results)


def _send(fd: int, data: bytes) -> None:
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view) :]


def _receive(fd: int) -> bytes:
    (size,) = _HEADER.unpack(_read_exactly(fd, _HEADER.size))
    return _read_exactly(fd, size)


def _read_exactly(fd: int, size: int) -> bytes:
    parts: list[bytes] = []
    while size:
        part = os.read(fd, min(size, 1 << 20))
        if not part:
            raise WorkerError("a worker process ended before answering")
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


# ---------------------------------------------------------------------------------------------------------
# The worker's side: one model load, then document → article → statements until the pipe ends.
# ---------------------------------------------------------------------------------------------------------


def _serve(db_path: str, fast: bool, embed: bool, every_language: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    tasks, results = os.dup(0), os.dup(1)
    os.dup2(2, 1)  # anything a library prints goes to stderr, never into the results
    inbox: queue.Queue[tuple[str, Document | Article]] = queue.Queue()
    threading.Thread(target=_read_tasks, args=(tasks, inbox), daemon=True).start()
    extractor = Extractor(_reader(db_path), fast, embed, every_language)
    while True:
        answer = pickle.dumps(extractor(*inbox.get()), protocol=pickle.HIGHEST_PROTOCOL)
        try:
            _send(results, answer)
        except OSError:  # the parent is gone
            os._exit(0)


def _read_tasks(fd: int, inbox: queue.Queue[tuple[str, Document | Article]]) -> None:
    """Queue every task as it arrives (so the parent never blocks writing); at the end of the pipe (the
    parent closed it or died) exit at once, whatever the worker is doing."""
    while True:
        try:
            data = _receive(fd)
        except WorkerError:
            os._exit(0)
        inbox.put(pickle.loads(data))  # written by our own parent process


def _reader(db_path: str) -> sqlite3.Connection | None:
    """A connection to look duplicates up in (none for a batch, whose workers see no store)."""
    if not db_path:
        return None
    try:
        return open_reader(db_path)
    except sqlite3.Error:
        return None


class Extractor:
    """Document → article → statements in this process, the models loaded once (on creation).

    `duplicates`: a connection to the store, to skip extracting an article already stored. `embed`: also
    compute each statement's embedding (for `onrecord stance`). `every_language` False: an article in
    another language than English is handed back as a `Forward`, its model never loaded here.
    """

    def __init__(
        self,
        duplicates: sqlite3.Connection | None,
        fast: bool,
        embed: bool = False,
        every_language: bool = True,
    ) -> None:
        self.duplicates = duplicates
        self.fast = fast
        self.embed = embed
        self.every_language = every_language
        self.unable: str | None = None
        try:
            warm_up = "Warm-up, the reporter said."
            statements = _statements(warm_up, fast, "en")
            if embed:
                embed_statements(warm_up, statements)
        except Exception as error:  # reported by the first task, as one sentence, not a dead worker
            self.unable = str(error) or type(error).__name__

    def __call__(self, key: str, document: Document | Article) -> Result | Forward:
        """One document (or an article another worker handed back) through the stages; any failure becomes
        a skip, never a crash of the batch."""
        if self.unable is not None:
            return Unable(key, self.unable)
        try:
            article = to_article(document, fast=self.fast) if isinstance(document, Document) else document
            if isinstance(article, Skip):
                return Rejected(key, article)
            if article.language != "en" and not self.every_language:
                return Forward(key, article)
            print_ = fingerprint(article.text)
            known = self.duplicates
            if known is not None and find_duplicate(known, article.url, print_.text_hash) is not None:
                return Extracted(key, article, print_, ())  # the writer records it as a duplicate
            statements = tuple(_statements(article.text, self.fast, article.language))
            if not self.embed:
                return Extracted(key, article, print_, statements)
            vectors = embed_statements(article.text, statements)
            return Extracted(key, article, print_, statements, vectors, encoder_id())
        except Exception as error:  # one bad document must not sink the batch
            why = f"{type(error).__name__}: {error}"[:200]
            message = f"{document.source}: processing failed ({why})."
            return Rejected(key, Skip(document.source, "error", message))


IN_FLIGHT_PER_WORKER = 4
"""Documents in flight per worker: enough to keep each busy, few enough to bound memory."""


def worker_count(workers: int | None) -> int:
    """`workers` as given, or one per core when None (0: extract in this process)."""
    return (os.cpu_count() or 1) if workers is None else workers


def in_flight(count: int) -> int:
    """How many documents `count` workers may hold at once."""
    return max(1, count) * IN_FLIGHT_PER_WORKER


def extraction_stage(
    count: int, fast: bool, embed: bool, db_path: str | None = None, conn: sqlite3.Connection | None = None
) -> Pool | Inline:
    """`count` worker processes looking duplicates up in `db_path`, or (count 0) extraction in this
    process looking them up on `conn`; without a store (a batch), no look-up."""
    return Pool(count, db_path, fast, embed) if count > 0 else Inline(Extractor(conn, fast, embed))


def _statements(text: str, fast: bool, language: str) -> list[Statement]:
    """`onrecord.extraction.extract`, imported on first use: spaCy loads in the processes that extract,
    not in every one that imports this module (a batch rerun, a merge)."""
    from onrecord.extraction import extract

    return extract(text, fast=fast, language=language)


class Inline:
    """The pool's interface, extracting in this process as each task is submitted (workers=0)."""

    def __init__(self, extractor: Extractor) -> None:
        self._extract = extractor
        self._done: deque[Result] = deque()

    @property
    def pending(self) -> int:
        return len(self._done)

    def submit(self, key: str, document: Document) -> None:
        result = self._extract(key, document)
        if isinstance(result, Forward):  # only an extractor made with every_language=False forwards
            raise WorkerError("an inline extractor must read every language")
        self._done.append(result)

    def result(self, timeout: float | None = None) -> Result | None:
        return self._done.popleft()

    def close(self) -> None:
        self._done.clear()


if __name__ == "__main__":
    from onrecord.workers import _serve as serve  # this module's classes, not __main__'s, get pickled

    serve(sys.argv[1], sys.argv[2] == "fast", sys.argv[3] == "embed", sys.argv[4] == "every-language")
