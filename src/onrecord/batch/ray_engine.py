"""The Ray executor: the same shards through the same `run_shard` on the actors of a Ray cluster.

Ray is an optional extra (`pip install 'onrecord[ray]'`), imported only here and only when asked for.
Finished shards are filtered out before Ray starts, so a finished batch reruns without a cluster or a
model load. Otherwise one actor per worker (not per shard) loads the models once and runs shard after
shard, each actor given the next shard as soon as it is free. A shard whose actor died is retried once on
a fresh actor, then counted failed with its reason; the rest of the batch finishes.

`address` None starts a private local cluster of `workers` CPUs, its files in a temporary directory that
is removed at the end and its workers' output kept off the terminal (`log_to_driver=False`). An address
(`HOST:PORT`, `ray://HOST:PORT` or `auto`) joins a running cluster; where nothing answers, the batch
stops at start with one sentence within `CONNECT_SECONDS`. The cluster's nodes need onrecord installed.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from onrecord.batch.outcomes import BatchError, BatchOptions, BatchProgress, BatchSummary, ShardOutcome, Tally
from onrecord.batch.plan import Shard
from onrecord.batch.shards import pending, run_shards
from onrecord.workers import Extractor, Inline

CONNECT_SECONDS = 5.0
"""How long to wait for a cluster at `--address` to answer before saying it does not."""
INSTALL_HINT = "pip install 'onrecord[ray]'"
# a gRPC (HTTP/2) client's first bytes, and the frame type a gRPC server answers them with
_HTTP2_PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + bytes([0, 0, 0, 4, 0, 0, 0, 0, 0])
_SETTINGS_FRAME = 4
_OBJECT_STORE_BYTES = 128 << 20  # shards and outcomes are small: no need for Ray's default 30% of memory


class RayUnavailable(BatchError):
    """Ray cannot run this batch (not installed, no cluster at the address); the message is one sentence."""


class ShardWorker:
    """A Ray actor's state: the models, loaded once on creation, for every shard the actor is given."""

    def __init__(self, out_dir: str, options: BatchOptions) -> None:
        self._out_dir = out_dir
        self._part_documents = options.part_documents
        self._stage = Inline(Extractor(None, options.fast, bool(options.embed)))

    def run(self, shard: Shard) -> ShardOutcome:
        """The shard through `shards.run_shards`, exactly as the local engine runs it."""
        [outcome] = run_shards([shard], self._out_dir, self._stage, Tally(), _ignore, 1, self._part_documents)
        return outcome


def run_ray(
    shards: Sequence[Shard],
    out_dir: str,
    options: BatchOptions,
    progress: BatchProgress,
    address: str | None = None,
) -> BatchSummary:
    """Run every shard not done yet on Ray actors; `RayUnavailable` when Ray cannot be had."""
    tally, todo = pending(shards, out_dir)
    progress(tally.summary())
    if not todo:
        return tally.summary()
    ray = import_ray()
    if address is not None:
        check_address(address)
    with cluster(ray, address, options.workers) as capacity:
        for outcome in dispatch(ray, todo, out_dir, options, capacity):
            _count(tally, outcome)
            progress(tally.summary())
    return tally.summary()


def _count(tally: Tally, outcome: ShardOutcome) -> None:
    """A shard finished on an actor: its outcome and its counts into the batch's tally."""
    tally.finished(outcome)
    tally.documents += outcome.documents
    tally.articles += outcome.articles
    tally.statements += outcome.statements
    tally.skipped.update(dict(outcome.skipped))


def _ignore(tally: Tally) -> None:
    pass


def import_ray() -> Any:
    try:
        import ray
    except ImportError:
        raise RayUnavailable(f"--engine ray needs Ray, which is not installed: {INSTALL_HINT}.") from None
    return ray


def check_address(address: str) -> None:
    """Stop with one sentence unless a Ray cluster (a gRPC server, as Ray's is) answers at `address`
    within `CONNECT_SECONDS`: Ray itself waits minutes for a cluster that is not there."""
    if address in ("auto", "local"):
        return
    host, _, port = address.removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailable(f"--address {address}: is not HOST:PORT, ray://HOST:PORT or auto.")
    try:
        with socket.create_connection((host.strip("[]"), int(port)), timeout=CONNECT_SECONDS) as line:
            line.settimeout(CONNECT_SECONDS)
            line.sendall(_HTTP2_PREFACE)
            answer = line.recv(9)
    except OSError as error:
        why = "no answer in time" if isinstance(error, TimeoutError) else (error.strerror or str(error))
        raise RayUnavailable(f"--address {address}: no Ray cluster answers there ({why}).") from None
    if len(answer) < 9 or answer[3] != _SETTINGS_FRAME:
        raise RayUnavailable(f"--address {address}: what answers there is not a Ray cluster.")


@contextmanager
def cluster(ray: Any, address: str | None, workers: int | None) -> Iterator[int]:
    """Ray started (a private local cluster, or joined at `address`); yields the worker count to use."""
    temp = tempfile.mkdtemp(prefix="onrecord-ray-") if address is None else None
    quiet = {"log_to_driver": False, "logging_level": logging.ERROR, "include_dashboard": False}
    try:
        if temp is not None:
            count = workers or os.cpu_count() or 1
            with _package_on_path():  # the workers Ray starts inherit it (a runtime_env costs seconds)
                ray.init(num_cpus=count, object_store_memory=_OBJECT_STORE_BYTES, _temp_dir=temp, **quiet)
        else:
            _join(ray, address, quiet)
            count = workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
        yield count
    finally:
        if ray.is_initialized():
            ray.shutdown()
        if temp is not None:
            shutil.rmtree(temp, ignore_errors=True)


def _join(ray: Any, address: str | None, quiet: dict[str, Any]) -> None:
    try:
        ray.init(address=address, **quiet)
    except (ConnectionError, RuntimeError, ValueError) as error:
        why = " ".join(str(error).split()).rstrip(".")[:200]
        hint = (
            ""
            if os.environ.get("RAY_AUTH_MODE")
            else "; a cluster with token authentication needs RAY_AUTH_MODE=token"
        )
        raise RayUnavailable(
            f"--address {address}: cannot join the Ray cluster there ({why}){hint}."
        ) from None


@contextmanager
def _package_on_path() -> Iterator[None]:
    """This onrecord first on PYTHONPATH while Ray starts its local processes (as `workers` does)."""
    before = os.environ.get("PYTHONPATH")
    root = str(Path(__file__).resolve().parents[2])
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [root, before]))
    try:
        yield
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before


def dispatch(
    ray: Any,
    todo: Sequence[Shard],
    out_dir: str,
    options: BatchOptions,
    capacity: int,
    worker: type[ShardWorker] = ShardWorker,
) -> Iterator[ShardOutcome]:
    """Each shard's outcome as it finishes: `capacity` actors of `worker`, each given the next shard
    when free; a shard whose actor died goes once to a fresh actor, then fails."""
    actor_class = ray.remote(num_cpus=1, max_restarts=0)(worker)

    def new_actor() -> Any:
        return actor_class.remote(out_dir, options)

    waiting = list(reversed(todo))
    retried: set[str] = set()
    running: dict[Any, tuple[Any, Shard]] = {}
    for actor in [new_actor() for _ in range(min(capacity, len(todo)))]:
        shard = waiting.pop()
        running[actor.run.remote(shard)] = (actor, shard)
    while running:
        [ready], _ = ray.wait(list(running), num_returns=1)
        actor, shard = running.pop(ready)
        try:
            yield ray.get(ready)
        except ray.exceptions.RayActorError:
            actor = None  # dead: a fresh one (a model load) only if there is a shard left for it
            if shard.id not in retried:
                retried.add(shard.id)
                waiting.append(shard)
            else:
                why = f"{shard.input}: the worker running it died twice; a rerun retries the shard."
                yield ShardOutcome(shard.id, error=why, completed=False)
        except ray.exceptions.RayTaskError as error:
            why = " ".join(str(error.cause).split())[:200] if error.cause else "it failed"
            yield ShardOutcome(shard.id, error=f"{shard.input}: {why.rstrip('.')}.", completed=False)
        if waiting:
            actor = actor or new_actor()
            next_shard = waiting.pop()
            running[actor.run.remote(next_shard)] = (actor, next_shard)
