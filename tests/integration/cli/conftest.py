"""Fixtures for tests that run the real ``mailhive`` command: a fresh data directory, a runner
that invokes the installed command in a subprocess, free ports, and empty PostgreSQL databases
(created per test, dropped after) for migrations and ``--db`` round trips."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import ON_CI, PG_ADMIN_URL, _pg_available

MAILHIVE = [sys.executable, "-m", "mailhive"]


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Runner = Callable[..., Result]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILHIVE_")}
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "var"


@pytest.fixture
def mailhive(data_dir: Path) -> Runner:
    """Run ``mailhive --data <tmp> ARGS...``; ``db=`` adds ``--db``, ``stdin=`` feeds input."""

    def run(*args: str, db: str | None = None, stdin: str | None = None, timeout: float = 120) -> Result:
        argv = [*MAILHIVE, "--data", str(data_dir)]
        if db:
            argv += ["--db", db]
        proc = subprocess.run(argv + list(args), check=False, input=stdin, capture_output=True, text=True,
                              timeout=timeout, env=_env())
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run


@pytest.fixture
def spawn_env() -> dict[str, str]:
    return _env()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def empty_pg_url() -> Iterator[str]:
    """An empty PostgreSQL database for this test alone; dropped after."""
    if not _pg_available():
        if ON_CI:
            pytest.fail(f"PostgreSQL is required on CI and does not answer at {PG_ADMIN_URL}")
        pytest.skip("PostgreSQL not reachable (required on CI)")
    name = f"mailhive_cli_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
