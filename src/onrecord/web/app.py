"""The web application: `create_app(db_path)` serves the record as HTML pages and a JSON API.

Read-only unless `allow_ingest` (which needs a `token`). Only requests naming an allowed host (loopback
names and the address served, plus any given) are answered, so a web page elsewhere cannot read the API
through DNS rebinding. Every response carries a Content-Security-Policy that allows no inline script or
style and nothing from other origins; templates escape everything, show control characters as visible
escapes and isolate names in `<bdi>`.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

import anyio.to_thread
from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup
from starlette.datastructures import MutableHeaders
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onrecord import __version__
from onrecord.confidence import DEFAULT_MIN_CONFIDENCE
from onrecord.output import without_controls
from onrecord.store import StoreError, open_store
from onrecord.web import api, pages, stance
from onrecord.web.db import BUSY_TIMEOUT_MS, Database
from onrecord.web.errors import install_handlers
from onrecord.web.highlight import PALETTE, bdi, safe_url

MAX_UPLOAD = 5_000_000
"""The largest article body the ingest endpoint accepts, in bytes."""

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
STATIC = Path(__file__).parent / "static"
KEEP_ALIVE_SECONDS = 30
"""Idle keep-alive connections stay open this long (clients reusing a closed one see errors)."""
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
"""Host names always answered; others only when given (`--allowed-host`, or the address served)."""
THREADS = 8
"""Threads answering requests per server process (FastAPI's default is 40). Rendering holds the GIL, so
a process does one thing at a time whatever the count; a few threads keep it busy while SQLite reads
(without the GIL), and fewer requests are interleaved, each finishing sooner."""
SETTINGS_VARIABLE = "ONRECORD_SERVE_SETTINGS"
"""How `serve` hands its settings to worker processes (uvicorn starts them from an import string)."""


class SecurityHeaders:
    """ASGI middleware adding `SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS:
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """ASGI middleware answering HEAD like GET, without the body (status and headers the same)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def send_headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, send_headers_only)


def allowed_hosts(host: str | None = None, more: Iterable[str] = ()) -> list[str]:
    """The Host names to answer: loopback names, the address listened on (unless a wildcard), `more`."""
    names = [*LOOPBACK_HOSTS]
    if host and host not in ("0.0.0.0", "::"):
        names.append(f"[{host}]" if ":" in host and not host.startswith("[") else host)
    names.extend(name.strip().lower() for name in more if name.strip())
    return list(dict.fromkeys(names))


@contextlib.asynccontextmanager
async def _threads(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = THREADS
    yield


def create_app(
    db_path: str | os.PathLike[str],
    allow_ingest: bool = False,
    token: str | None = None,
    *,
    hosts: Iterable[str] = LOOPBACK_HOSTS,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    max_upload: int = MAX_UPLOAD,
) -> FastAPI:
    """The app serving the store at `db_path` (which may be missing: pages then say so), to requests
    whose Host is one of `hosts` (others get 400).

    `allow_ingest` enables POST /api/articles for clients sending `Authorization: Bearer <token>`; it
    needs a non-empty `token`, and creates the store if it does not exist yet.
    """
    if allow_ingest and not token:
        raise ValueError("allow_ingest needs a token.")
    app = FastAPI(
        title="onrecord",
        version=__version__,
        description="Who said what, when, about what: the record of statements in the news, as JSON.",
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,  # its redirect would echo the Host header; /people/ is simply not found
        lifespan=_threads,
    )
    app.state.db = Database(db_path, busy_timeout_ms)
    app.state.allow_ingest = allow_ingest
    app.state.token = token or ""
    app.state.max_upload = max_upload
    app.state.render = _renderer(_environment(allow_ingest))
    if allow_ingest:
        _create_store(os.fspath(db_path))
    install_handlers(app)
    app.include_router(api.router)
    app.include_router(stance.api_router)
    app.include_router(pages.router)
    app.include_router(stance.page_router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(HeadAsGet)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(hosts), www_redirect=False)
    app.add_middleware(SecurityHeaders)
    return app


def _environment(allow_ingest: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("onrecord.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_visible,
    )
    env.filters["safe_url"] = safe_url
    env.filters["bdi"] = bdi
    env.globals.update(
        version=__version__,
        palette=PALETTE,
        allow_ingest=allow_ingest,
        default_min_confidence=DEFAULT_MIN_CONFIDENCE,
    )
    return env


def _visible(value: Any) -> Any:
    """Every value a template writes, with control characters as visible escapes."""
    if isinstance(value, Markup):
        return Markup(without_controls(str(value)))
    return without_controls(value) if isinstance(value, str) else value


def _renderer(env: Environment) -> Any:
    def render(template: str, status: int, context: dict[str, Any]) -> HTMLResponse:
        return HTMLResponse(env.get_template(template).render(**context), status_code=status)

    return render


def _create_store(path: str) -> None:
    """With ingest on, an absent store is created up front (pages then show an empty record)."""
    if os.path.exists(path):
        return
    with contextlib.suppress(StoreError):  # the pages will say what is wrong with it
        open_store(path).close()


def serve(
    db_path: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    allow_ingest: bool = False,
    token: str | None = None,
    *,
    hosts: Iterable[str] = LOOPBACK_HOSTS,
    workers: int = 1,
) -> None:
    """Serve the store with uvicorn until interrupted, in `workers` processes (one with ingest on)."""
    import uvicorn

    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "log_level": "info",
        "access_log": False,  # a line per request costs more than a cached page; errors are still logged
        "server_header": False,
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
    }
    if workers <= 1 or allow_ingest:
        uvicorn.run(create_app(db_path, allow_ingest, token, hosts=hosts), **options)
        return
    os.environ[SETTINGS_VARIABLE] = json.dumps({"db_path": db_path, "hosts": list(hosts)})
    uvicorn.run(f"{__name__}:app_from_environment", factory=True, workers=workers, **options)


def app_from_environment() -> FastAPI:
    """A read-only app for one of `serve`'s worker processes, from the settings `serve` left for it."""
    settings = json.loads(os.environ[SETTINGS_VARIABLE])
    return create_app(settings["db_path"], hosts=settings["hosts"])
