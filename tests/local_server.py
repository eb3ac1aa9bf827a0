"""A real HTTP server on 127.0.0.1 (never any other address) for the web and feed tests.

Each route is a `Route`: a status, headers and a body, optionally sent slowly, by byte range, or after
failing the first requests. The server runs in a thread for one test and records the requests it received
(path and headers).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before answering."""
    chunked: bool = False
    """Send the body in chunks with no Content-Length (the size is only known by reading it)."""
    ranges: bool = False
    """Answer a `Range: bytes=A-B` request with 206 and those bytes, as archive hosts do."""
    fail_first: int = 0
    """Answer the first this many requests for the route with 503 Service Unavailable."""
    cut_first: int = 0
    """Send only the first half of the body of the first this many requests, then hang up."""


@dataclass
class Server:
    base: str
    routes: dict[str, Route]
    requests: list[tuple[str, dict[str, str]]]

    def url(self, path: str) -> str:
        return self.base + path


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append((self.path, dict(self.headers.items())))
        route = self.server.routes.get(self.path, Route(status=404, body=b"<html><p>Not here</p></html>"))
        seen = self.server.seen[self.path] = self.server.seen.get(self.path, 0) + 1
        if route.delay:
            time.sleep(route.delay)
        if seen <= route.fail_first:
            self.send_error(503)
            return
        status, body, extra = route.status, route.body, dict(route.headers)
        wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
        if route.ranges and wanted:
            first, last = int(wanted[1]), int(wanted[2] or len(body) - 1)
            extra["Content-Range"] = f"bytes {first}-{min(last, len(body) - 1)}/{len(body)}"
            status, body = 206, body[first : last + 1]
        self.send_response(status)
        if route.content_type is not None:
            self.send_header("Content-Type", route.content_type)
        for name, value in extra.items():
            self.send_header(name, value)
        if route.chunked:
            self._send_chunked(body)
        else:
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[: len(body) // 2] if seen <= route.cut_first else body)

    def _send_chunked(self, body: bytes) -> None:
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        for start in range(0, len(body), 4096):
            piece = body[start : start + 4096]
            self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests read `requests` instead
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, routes: dict[str, Route]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes = routes
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.seen: dict[str, int] = {}

    def handle_error(self, request: Any, client_address: Any) -> None:  # a client that hung up early
        pass


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[Server]:
    """Serve `routes` on 127.0.0.1 on a free port for the duration of the `with` block."""
    server = _Server(routes)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    host, port = server.server_address[:2]
    try:
        yield Server(base=f"http://{host}:{port}", routes=routes, requests=server.requests)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
