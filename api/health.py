"""``GET /api/v1/health``: is this node up, which version is it, and does its database answer.
For load balancers and monitoring; needs no authentication and reveals nothing else."""
from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from provisioning.db import Database

health = Blueprint("health", __name__)


def _version() -> str:
    try:
        return version("mailhive")
    except PackageNotFoundError:
        return "unknown"


@health.get("/health")
def get_health() -> tuple[Response, int]:
    db: Database = current_app.config["MAILHIVE_DATABASE"]
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database, status = "ok", 200
    except SQLAlchemyError:
        current_app.logger.warning("health check: database does not answer", exc_info=True)
        database, status = "unavailable", 503
    body = {"status": "ok" if status == 200 else "degraded", "version": _version(), "database": database}
    return jsonify(body), status
