"""One error shape for the whole API, `{"error": {"code", "message", "field"}}`, and the same errors as
HTML pages for the browser: every failure a user can cause ends in one of these, never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from onrecord.web.db import StoreUnavailable
from onrecord.web.lookups import NotFound

log = logging.getLogger("onrecord.web")

API_PREFIX = "/api/"


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None = None


class ErrorBody(BaseModel):
    """Every API error: a machine-readable `code`, one sentence, and the offending parameter if any."""

    error: ErrorDetail


class WebError(Exception):
    """An error to answer with `status`: code, message, the parameter at fault, extra headers."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})


_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    503: "unavailable",
}
_TITLES = {404: "Not found", 422: "Not a valid request", 503: "The record is unavailable"}

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such item"},
    422: {"model": ErrorBody, "description": "A parameter is not valid (`field` names it)"},
    503: {"model": ErrorBody, "description": "The database is missing, locked or unusable"},
}

PageRenderer = Callable[[str, int, dict[str, Any]], HTMLResponse]


def error_response(request: Request, error: WebError) -> Response:
    """The error as JSON under /api/, else as an HTML page."""
    headers = error.headers
    if request.url.path.startswith(API_PREFIX) or request.url.path == API_PREFIX.rstrip("/"):
        body = ErrorBody(error=ErrorDetail(code=error.code, message=error.message, field=error.field))
        return JSONResponse(body.model_dump(), status_code=error.status, headers=headers)
    render: PageRenderer = request.app.state.render
    title = _TITLES.get(error.status, "Something went wrong")
    context = {"title": title, "message": error.message, "status": error.status, "field": error.field}
    response = render("error.html", error.status, context)
    response.headers.update(headers)
    return response


def install_handlers(app: FastAPI) -> None:
    """Route every kind of failure to `error_response`."""

    async def on_web_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, WebError)
        return error_response(request, exc)

    async def on_validation(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return error_response(request, validation_error(exc.errors()))

    async def on_http(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        code = _CODES.get(exc.status_code, "error")
        message = _http_message(exc)
        return error_response(request, WebError(exc.status_code, code, message, headers=exc.headers))

    async def on_unavailable(request: Request, exc: Exception) -> Response:
        code = "database_locked" if getattr(exc, "locked", False) else "database_unavailable"
        log.warning("%s: %s", request.app.state.db.path, exc)  # the file is named in the log only
        return error_response(request, WebError(503, code, str(exc), headers={"Retry-After": "5"}))

    async def on_not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, WebError(404, "not_found", _sentence(str(exc))))

    async def on_crash(request: Request, exc: Exception) -> Response:
        log.exception("error while answering %s", request.url.path, exc_info=exc)
        return error_response(request, WebError(500, "internal_error", "Something went wrong on the server."))

    app.add_exception_handler(WebError, on_web_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(StoreUnavailable, on_unavailable)
    app.add_exception_handler(NotFound, on_not_found)
    app.add_exception_handler(Exception, on_crash)


def validation_error(errors: Any) -> WebError:
    """FastAPI's validation errors as one WebError naming the first parameter at fault."""
    first = errors[0] if errors else {}
    location = [str(part) for part in first.get("loc", ())]
    field = location[-1] if location and location[0] in ("query", "path", "header") else None
    if location and location[0] == "body":
        field = "body"
    message = str(first.get("msg", "not valid")).rstrip(".")
    where = f"{field}: " if field else ""
    return WebError(422, "invalid", f"{where}{message}.", field=field)


def _http_message(exc: StarletteHTTPException) -> str:
    if exc.status_code == 404:
        return "There is no page at this address."
    if exc.status_code == 405:
        return "This method is not allowed here."
    return _sentence(str(exc.detail))


def _sentence(text: str) -> str:
    text = text.strip()
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?", "!")) else text + "."
