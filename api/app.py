"""The Flask application factory.

``create_app(config)`` takes its configuration as a mapping built at the process edge (``mailhive
serve`` or a WSGI entry point) and reads nothing from the environment. Keys:

    MAILHIVE_DATABASE   a provisioning.db.Database the app shares with the rest of the node
    MAILHIVE_DB_URL     or a database URL, for which the app opens its own Database
    MAILHIVE_CONTEXT    the directory Context (services need it; optional until they are routed)
    MAILHIVE_STORE      the message store (optional until webmail is routed)

Every error leaves as JSON ``{"error": {"code", "message", "field"}}`` with its HTTP status:
MailhiveError subclasses carry their own; unknown routes and methods become 404 and 405.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, jsonify
from werkzeug.exceptions import HTTPException

from api.health import health
from provisioning.db import Database
from provisioning.errors import MailhiveError


def _error(status: int, code: str, message: str, field: str | None = None) -> tuple[Response, int]:
    return jsonify({"error": {"code": code, "message": message, "field": field}}), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(MailhiveError)
    def _mailhive(exc: MailhiveError) -> tuple[Response, int]:
        return _error(exc.status, exc.code, exc.message, exc.field)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> tuple[Response, int]:
        code = (exc.name or "error").lower().replace(" ", "_")
        response, status = _error(exc.code or 500, code, exc.description or exc.name or "error")
        valid = getattr(exc, "valid_methods", None)
        if valid:  # a 405 says which methods the resource allows
            response.headers["Allow"] = ", ".join(valid)
        return response, status

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> tuple[Response, int]:
        app.logger.exception("unhandled error")
        return _error(500, "internal_error", "the server failed to handle this request")


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.json.sort_keys = False  # type: ignore[attr-defined]
    app.config.from_mapping(config or {})
    if app.config.get("MAILHIVE_DATABASE") is None:
        url = app.config.get("MAILHIVE_DB_URL")
        if not url:
            raise ValueError("create_app needs MAILHIVE_DATABASE or MAILHIVE_DB_URL")
        app.config["MAILHIVE_DATABASE"] = Database(url)
    _register_errors(app)
    app.register_blueprint(health, url_prefix="/api/v1")
    return app
