"""`onrecord batch --engine ray` on a 2-worker local Ray cluster: + `onrecord merge`, every table equal to
`onrecord ingest`'s; a finished batch reruns at once without Ray; a shard whose actor died is retried once,
then failed, the rest finishing; an unreachable --address and a missing Ray are one sentence each.

The tests that start Ray are marked `ray` and skipped, saying so, where the [ray] extra is not installed
(`make install` installs it).
"""

from __future__ import annotations

import importlib.util
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from batch_factory import page, warc_set, write_warc
from local_server import serve
from onrecord.batch.outcomes import BatchOptions
from onrecord.batch.plan import Shard
from onrecord.batch.ray_engine import INSTALL_HINT, ShardWorker, cluster, dispatch, import_ray
from store_fingerprint import table_fingerprints

SRC = str(Path(__file__).resolve().parents[1] / "src")
SHARD_BYTES = "2000"  # the test archives (4-6 KB) are cut into ranges
HAVE_RAY = importlib.util.find_spec("ray") is not None
requires_ray = pytest.mark.skipif(
    not HAVE_RAY, reason="Ray is not installed (the [ray] extra: pip install -r requirements/ray.txt)"
)


def onrecord(*args: str, hide_ray: bool = False) -> subprocess.CompletedProcess[str]:
    """The onrecord CLI as a real process (`hide_ray`: as where Ray is not installed)."""
    hide = "import sys; sys.modules['ray'] = None; " if hide_ray else ""
    command = [sys.executable, "-c", f"{hide}from onrecord.cli import main; main()", *args]
    environment = {**os.environ, "PYTHONPATH": SRC}
    return subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)


def only_onrecord_lines(stderr: str) -> bool:
    """Whether everything on stderr is onrecord's own (no Ray log line, no traceback)."""
    return all(line.startswith("onrecord:") for line in stderr.splitlines() if line.strip())


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    return [str(path) for path in warc_set(tmp_path_factory.mktemp("warcs"))]


@pytest.mark.ray
@requires_ray
def test_ray_batch_then_merge_equals_ingest_and_reruns_at_once(inputs: list[str], tmp_path: Path) -> None:
    ingested = tmp_path / "ingest.db"
    result = onrecord("ingest", *inputs, "--db", str(ingested), "--fast", "--workers", "2")
    assert result.returncode == 1, result.stderr  # the damaged archive is a skip
    out = tmp_path / "out"
    batch = ["batch", *inputs, "--out", str(out), "--engine", "ray", "--workers", "2", "--fast"]
    result = onrecord(*batch, "--shard-bytes", SHARD_BYTES)
    assert result.returncode == 1, result.stderr  # the damaged archive
    assert "damaged" in result.stderr and only_onrecord_lines(result.stderr), result.stderr
    assert len(list((out / "shards").iterdir())) > 3  # the archives were cut into ranges
    merged = tmp_path / "merged.db"
    result = onrecord("merge", str(out), "--db", str(merged))
    assert "Traceback" not in result.stderr
    fingerprints = table_fingerprints(merged)
    assert fingerprints["articles"][0] >= 15 and fingerprints["statements"][0] > 0
    assert fingerprints == table_fingerprints(ingested)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    again = onrecord(*batch, "--shard-bytes", SHARD_BYTES)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    assert cpu < 5.0  # no Ray started, no model loaded (CPU time: the machine may be busy)
    assert again.returncode == 1 and only_onrecord_lines(again.stderr), again.stderr
    assert "shards done 7 · left 0 · failed 0" in again.stderr


class Dying(ShardWorker):
    """A worker whose process dies on a `doomed` archive, and on a `flaky` one the first time only."""

    def run(self, shard: Shard) -> object:  # type: ignore[override]
        marker = Path(shard.input).with_suffix(".died")
        if "doomed" in shard.input or ("flaky" in shard.input and not marker.exists()):
            marker.touch()
            os._exit(1)
        return super().run(shard)


@pytest.mark.ray
@requires_ray
def test_a_shard_whose_actor_died_is_retried_once_then_failed(tmp_path: Path) -> None:
    ray = import_ray()
    ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])
    names = ["flaky", "doomed", "fine", "also-fine"]
    shards = [
        Shard(str(write_warc(tmp_path / f"{name}.warc.gz", [(f"https://x/{name}", page(n))])))
        for n, name in enumerate(names)
    ]
    options = BatchOptions(workers=2, fast=True, embed=False)
    (tmp_path / "out").mkdir()
    temps_before = set(Path(tempfile.gettempdir()).glob("onrecord-ray-*"))
    with cluster(ray, None, 2) as capacity:
        outcomes = {
            o.shard: o for o in dispatch(ray, shards, str(tmp_path / "out"), options, capacity, Dying)
        }
    by_name = {name: outcomes[shard.id] for name, shard in zip(names, shards, strict=True)}
    doomed = by_name["doomed"]
    assert doomed.error == f"{shards[1].input}: the worker running it died twice; a rerun retries the shard."
    assert not doomed.completed
    for name in ("flaky", "fine", "also-fine"):
        assert by_name[name].error is None and by_name[name].articles == 1
    assert set(Path(tempfile.gettempdir()).glob("onrecord-ray-*")) == temps_before  # Ray's files removed


@pytest.mark.ray
@requires_ray
def test_an_unreachable_address_is_one_sentence_at_start(inputs: list[str], tmp_path: Path) -> None:
    with serve({}) as server:  # something answers there, but not a Ray cluster
        for address, complaint in [
            ("127.0.0.1:1", "no Ray cluster answers there (Connection refused)."),
            (server.base.removeprefix("http://"), "what answers there is not a Ray cluster."),
            ("nowhere", "is not HOST:PORT, ray://HOST:PORT or auto."),
        ]:
            began = time.monotonic()
            out = str(tmp_path / "out")
            result = onrecord("batch", inputs[0], "--out", out, "--engine", "ray", "--address", address)
            assert time.monotonic() - began < 15.0
            assert result.returncode != 0
            assert result.stderr.strip() == f"onrecord: --address {address}: {complaint}"


def test_ray_not_installed_is_one_sentence_saying_how_to_install_it(
    inputs: list[str], tmp_path: Path
) -> None:
    result = onrecord("batch", inputs[0], "--out", str(tmp_path / "out"), "--engine", "ray", hide_ray=True)
    assert result.returncode != 0
    assert (
        result.stderr.strip() == f"onrecord: --engine ray needs Ray, which is not installed: {INSTALL_HINT}."
    )
