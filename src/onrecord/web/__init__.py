"""The newsroom view: the record served as HTML pages and a JSON API (`onrecord serve`)."""

from onrecord.web.app import create_app, serve

__all__ = ["create_app", "serve"]
