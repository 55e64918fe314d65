"""The Flask app that ``serve`` runs, through Flask's test client on each database backend: the
health check reports the database, and errors leave as JSON in the API's error shape."""
from __future__ import annotations

from pathlib import Path

import pytest

from api import create_app
from provisioning.db import Database


def test_health_reports_ok_with_a_database_that_answers(db: Database) -> None:
    client = create_app({"MAILHIVE_DATABASE": db}).test_client()
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "version": response.get_json()["version"], "database": "ok"}


def test_health_is_503_when_the_database_does_not_answer(tmp_path: Path) -> None:
    app = create_app({"MAILHIVE_DB_URL": f"sqlite:///{tmp_path / 'missing-dir' / 'x.db'}"})
    response = app.test_client().get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unavailable"


def test_unknown_routes_and_methods_are_json_errors(sqlite_db: Database) -> None:
    client = create_app({"MAILHIVE_DATABASE": sqlite_db}).test_client()
    missing = client.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert set(missing.get_json()["error"]) == {"code", "message", "field"}
    assert missing.get_json()["error"]["code"] == "not_found"
    wrong = client.delete("/api/v1/health")
    assert wrong.status_code == 405 and wrong.get_json()["error"]["code"] == "method_not_allowed"
    assert "GET" in wrong.headers["Allow"]


def test_the_factory_needs_a_database() -> None:
    with pytest.raises(ValueError):
        create_app({})
