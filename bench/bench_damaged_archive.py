"""Reading a damaged archive: valid WARC records followed by a gzip member that inflates to zeros (a
preallocated or zero-filled file). Time and memory must not grow with the zeros: warcio read them as one
header line, in time quadratic and memory linear in their length (32 MB of zeros: 66 s, 851 MB).

Writes, for each size, three gzipped response records and then a member of that many zero bytes (2 GiB
of zeros is a 2 MB file), and reads it with `read_documents` in a child process: wall time and the
child's peak resident memory (ru_maxrss), medians over `--runs`. The run must end in one
`damaged-archive` skip after the three documents.

    .venv/bin/python bench/bench_damaged_archive.py [--runs 3] [--sizes-mb 4 32 2048] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PAGE = (
    b"<!DOCTYPE html><html><body><article><p>The ferry crews' union said the strike was over.</p></article>"
)
CHILD = (
    "import sys; from onrecord.sources import read_documents; "
    "print(' '.join(getattr(r, 'reason', 'document') for r in read_documents([sys.argv[1]])))"
)


def build(target: Path, zeros: int) -> None:
    with open(target, "wb") as output:
        writer = WARCWriter(output, gzip=True)
        for number in range(3):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                f"https://bench.example/{number}", "response", payload=io.BytesIO(PAGE), http_headers=headers
            )
            writer.write_record(record)
        compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        piece = bytes(1 << 20)
        for _ in range(zeros // len(piece)):
            output.write(compressor.compress(piece))
        output.write(compressor.flush())


def run_once(path: Path) -> tuple[float, int, str]:
    """Seconds, peak resident kB of the child, and what it read."""
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read().strip()
    _pid, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss, output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--sizes-mb", type=int, nargs="+", default=[4, 32, 2048])
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as folder:
        for size in options.sizes_mb:
            path = Path(folder) / f"zeros-{size}.warc.gz"
            build(path, size << 20)
            runs = [run_once(path) for _ in range(options.runs)]
            outcome = runs[0][2]
            assert outcome == "document document document damaged-archive", outcome
            seconds = statistics.median(run[0] for run in runs)
            peak_mb = statistics.median(run[1] for run in runs) / 1024
            rows.append(
                {"zeros_mb": size, "file_bytes": path.stat().st_size, "seconds": seconds, "peak_mb": peak_mb}
            )
    if options.json:
        print(json.dumps(rows, indent=2))
        return
    for row in rows:
        print(
            f"{row['zeros_mb']:>6} MB of zeros ({row['file_bytes']:>10,} bytes on disk): "
            f"{row['seconds']:6.2f} s, peak {row['peak_mb']:6.1f} MB (median of {options.runs})"
        )


if __name__ == "__main__":
    main()
