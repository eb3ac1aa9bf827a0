"""The web application: `create_app(db_path)` serves the record as HTML pages and a JSON API.

Read-only unless `allow_ingest` (which needs a `token`). Every response carries a Content-Security-Policy
that allows no inline script or style and nothing from other origins; templates escape everything.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, PackageLoader, StrictUndefined
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onrecord import __version__
from onrecord.store import StoreError, open_store
from onrecord.web import api, pages, stance
from onrecord.web.db import BUSY_TIMEOUT_MS, Database
from onrecord.web.errors import install_handlers
from onrecord.web.highlight import PALETTE, safe_url

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


def create_app(
    db_path: str | os.PathLike[str],
    allow_ingest: bool = False,
    token: str | None = None,
    *,
    busy_timeout_ms: int = BUSY_TIMEOUT_MS,
    max_upload: int = MAX_UPLOAD,
) -> FastAPI:
    """The app serving the store at `db_path` (which may be missing: pages then say so).

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
    app.add_middleware(SecurityHeaders)
    return app


def _environment(allow_ingest: bool) -> Environment:
    env = Environment(
        loader=PackageLoader("onrecord.web", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["safe_url"] = safe_url
    env.globals.update(version=__version__, palette=PALETTE, allow_ingest=allow_ingest)
    return env


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
) -> None:
    """Serve the store with uvicorn until interrupted."""
    import uvicorn

    app = create_app(db_path, allow_ingest, token)
    uvicorn.run(
        app,
        host=host,
        port=port,
        log_level="info",
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
