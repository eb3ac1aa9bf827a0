"""Remote batch inputs: `https://` (and `http://`) URLs and `s3://bucket/key` URIs, read by byte range.

An archive is streamed (never held whole in memory, no size cap: the single-page web fetch keeps its own
caps): `RemoteRange` asks for `Range: bytes=START-END` and hands the body out as it arrives. A connection
error, a timeout or a 5xx/429 answer is retried, with exponential backoff and jitter, from the byte where
reading stopped; after `Retry.attempts` failures in a row (or at once for a 4xx answer, a server that
ignores ranges, a redirect to another scheme) reading raises `InputError`, whose message is one sentence.

`s3://bucket/key` is read over HTTPS without credentials (public buckets): Common Crawl's bucket at
`https://data.commoncrawl.org/KEY`, any other at `https://BUCKET.s3.amazonaws.com/KEY`, or
`$ONRECORD_S3_ENDPOINT/BUCKET/KEY` (path style, e.g. a MinIO or a regional endpoint) when that is set.
Only these schemes are read; nothing in an input's content ever names what is opened next, except a list
file's lines (`read_list`), which are inputs the user chose to list.
"""

from __future__ import annotations

import io
import os
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import httpx

from onrecord.sources.files import StreamFailed
from onrecord.sources.web import MAX_REDIRECTS, USER_AGENT

SCHEMES = ("http://", "https://", "s3://")
S3_ENDPOINT_VARIABLE = "ONRECORD_S3_ENDPOINT"
_PUBLIC_BUCKETS = {"commoncrawl": "https://data.commoncrawl.org"}
_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
_CHUNK = 1 << 16
_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class InputError(StreamFailed):
    """An input that cannot be read (after the retries it deserved): an OSError whose `filename` is the
    input and `strerror` the reason; its text is one sentence, `URI: REASON.`"""

    def __init__(self, uri: str, why: str) -> None:
        super().__init__(None, why, uri)

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}."

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str]]:
        return (InputError, (str(self.filename), str(self.strerror)))


@dataclass(frozen=True)
class Retry:
    """How hard to try: `attempts` failures in a row end the read; the n-th waits about `base * 2**n`
    seconds (at most `cap`, times a random factor in [0.5, 1.5)); `timeout` bounds connecting and each
    wait for data."""

    attempts: int = 5
    base: float = 0.5
    cap: float = 30.0
    timeout: float = 30.0

    def pause(self, failures: int) -> float:
        return float(min(self.cap, self.base * 2.0 ** (failures - 1)) * random.uniform(0.5, 1.5))


DEFAULT_RETRY = Retry()


def is_remote(uri: str) -> bool:
    return uri[:8].lower().startswith(SCHEMES)


def to_url(uri: str) -> str:
    """The http(s) URL an input URI is read from; `InputError` for another scheme or a malformed s3 URI."""
    lowered = uri[:8].lower()
    if lowered.startswith(("http://", "https://")):
        return uri
    if not lowered.startswith("s3://"):
        raise InputError(uri, "only http://, https:// and s3:// inputs can be read remotely")
    bucket, _, key = uri[5:].partition("/")
    if not _BUCKET.fullmatch(bucket) or not key:
        raise InputError(uri, "is not an s3://BUCKET/KEY URI (a bucket name and a key are needed)")
    endpoint = os.environ.get(S3_ENDPOINT_VARIABLE, "").rstrip("/")
    path = quote(key, safe="/~")
    if endpoint:
        return f"{endpoint}/{bucket}/{path}"
    if bucket in _PUBLIC_BUCKETS:
        return f"{_PUBLIC_BUCKETS[bucket]}/{path}"
    return f"https://{bucket}.s3.amazonaws.com/{path}"


def client(retry: Retry) -> httpx.Client:
    """A client that follows at most `MAX_REDIRECTS` redirects, to http(s) only (httpx refuses others)."""
    return httpx.Client(
        timeout=httpx.Timeout(retry.timeout),
        follow_redirects=True,
        max_redirects=MAX_REDIRECTS,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": "identity"},
    )


class _Again(Exception):
    """A failure worth another attempt (its text says what happened)."""


class RemoteRange(io.RawIOBase):
    """Bytes `start` to `end` (exclusive; None: to the end) of a remote input, as a read-only stream.

    Positions are the input's own byte offsets (`tell()` is `start` at first), as for a local file
    seeked to `start`; reading stops at `end`. Seeking is allowed: the next read asks for a new range.
    """

    def __init__(self, uri: str, start: int = 0, end: int | None = None, retry: Retry | None = None) -> None:
        super().__init__()
        self.uri = uri
        self.url = to_url(uri)
        self._retry = retry or DEFAULT_RETRY
        self._position = start
        self._end = end
        self._client = client(self._retry)
        self._response: httpx.Response | None = None
        self._chunks: Iterator[bytes] | None = None
        self._pending = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if whence not in (io.SEEK_SET, io.SEEK_CUR):
            raise io.UnsupportedOperation("a remote input is seeked from its start or the current position")
        target = offset if whence == io.SEEK_SET else self._position + offset
        if target < 0:
            raise ValueError("negative seek position")
        if target != self._position:
            self._drop()
            self._position = target
        return self._position

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        want = len(buffer) if self._end is None else min(len(buffer), self._end - self._position)
        if want <= 0:
            return 0
        data = self._next(want)
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def close(self) -> None:
        self._drop()
        self._client.close()
        super().close()

    def _next(self, want: int) -> bytes:
        """Up to `want` bytes from the current position (b"" at the end), retried as `Retry` says."""
        failures = 0
        while True:
            try:
                if self._chunks is None:
                    self._open()
                assert self._chunks is not None
                if not self._pending:
                    self._pending = next(self._chunks, b"")
                data, self._pending = self._pending[:want], self._pending[want:]
                return data
            except httpx.UnsupportedProtocol as error:  # a redirect to file://, ftp://, ...
                self._drop()
                raise InputError(self.uri, _describe(error)) from None
            except (httpx.TransportError, _Again) as error:
                self._drop()
                failures += 1
                if failures >= self._retry.attempts:
                    raise InputError(self.uri, f"{_describe(error)} ({failures} attempts)") from None
                time.sleep(self._retry.pause(failures))
            except (httpx.HTTPError, httpx.InvalidURL) as error:  # too many redirects, a malformed URL
                self._drop()
                raise InputError(self.uri, _describe(error)) from None

    def _open(self) -> None:
        headers = {}
        if self._position > 0 or self._end is not None:
            last = "" if self._end is None else str(self._end - 1)
            headers["Range"] = f"bytes={self._position}-{last}"
        request = self._client.build_request("GET", self.url, headers=headers)
        response = self._client.send(request, stream=True)
        self._response = response
        status = response.status_code
        if status in _RETRY_STATUSES:
            raise _Again(f"the server answered {status} {response.reason_phrase}".rstrip())
        if status == 416:
            self._chunks = iter(())  # the range starts at or past the end of the input: nothing to read
            return
        if status not in (200, 206):
            self._drop()
            raise InputError(self.uri, f"the server answered {status} {response.reason_phrase}".rstrip())
        if self._position > 0 and not _starts_at(response, self._position):
            self._drop()
            raise InputError(self.uri, "the server does not serve byte ranges (it sent another range)")
        self._chunks = response.iter_raw(_CHUNK)

    def _drop(self) -> None:
        response, self._response, self._chunks, self._pending = self._response, None, None, b""
        if response is not None:
            response.close()


def _starts_at(response: httpx.Response, position: int) -> bool:
    """Whether a 206 answer's Content-Range starts at `position` (a 200 answer sends the whole input)."""
    if response.status_code != 206:
        return False
    match = re.match(r"bytes (\d+)-", response.headers.get("content-range", ""))
    return match is not None and int(match.group(1)) == position


def origin(uri: str) -> str:
    """Where a remote list's relative lines are keys: `s3://BUCKET/` or `SCHEME://HOST/`."""
    if uri[:5].lower() == "s3://":
        return "s3://" + uri[5:].partition("/")[0] + "/"
    parts = urlsplit(uri)
    return f"{parts.scheme}://{parts.netloc}/"


def _describe(error: BaseException) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "no answer in time (timed out)"
    if isinstance(error, httpx.UnsupportedProtocol):
        return "a redirect led to a URL that is not http(s)"
    text = " ".join(str(error).split()).rstrip(".")[:160]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
