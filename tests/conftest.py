"""Fixtures shared by the whole suite.

``db`` runs a test against each backend: SQLite (a fresh file per test) and PostgreSQL (one
database per test run, created here and dropped at the end; tables emptied after each test).
PostgreSQL tests skip when no server answers, except on CI (``CI=true``), where that is a failure.
Tests that only need one backend use ``sqlite_db`` or ``pg_db``.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import mailhive.schema  # noqa: F401  (registers every model on Base.metadata)
from mailnodes.store import FilesystemBlobStore, MessageStore
from provisioning.context import Context
from provisioning.db import Base, Database
from provisioning.keyring import Keyring

PG_ADMIN_URL = os.environ.get("MAILHIVE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
ON_CI = os.environ.get("CI", "").lower() == "true"


def _pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test run, with the schema created; dropped after."""
    if not _pg_available():
        if ON_CI:
            pytest.fail(f"PostgreSQL is required on CI and does not answer at {PG_ADMIN_URL}")
        pytest.skip("PostgreSQL not reachable (required on CI)")
    name = f"mailhive_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    db = Database(url)
    Base.metadata.create_all(db.engine)
    db.dispose()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _truncate_all(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[Database]:
    db = Database(f"sqlite:///{tmp_path / 'mailhive.db'}")
    Base.metadata.create_all(db.engine)
    yield db
    db.dispose()


@pytest.fixture
def pg_db(pg_database_url: str) -> Iterator[Database]:
    db = Database(pg_database_url)
    try:
        yield db
    finally:
        db.dispose()
        _truncate_all(Database(pg_database_url))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest) -> Database:
    """The same test on each backend."""
    return request.getfixturevalue("sqlite_db" if request.param == "sqlite" else "pg_db")


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    return Keyring(Keyring.generate_key())


@pytest.fixture
def store(db: Database, tmp_path: Path) -> MessageStore:
    """The message store on each backend, with filesystem blobs under the test's directory."""
    return MessageStore(db, FilesystemBlobStore(tmp_path / "blobs"))


@pytest.fixture
def ctx(db: Database, keyring: Keyring, store: MessageStore) -> Context:
    """A directory context with the message store attached, on each backend."""
    return Context(db=db, keyring=keyring, lifecycle=store.lifecycle)
