"""The newsroom view: the record served as HTML pages and a JSON API (`onrecord serve`)."""

from onrecord.web.app import allowed_hosts, create_app, serve

__all__ = ["allowed_hosts", "create_app", "serve"]
