"""The bootstrap configuration: arguments win over the environment, which wins over the defaults;
paths derive from the data directory; URLs that cannot work are refused before anything runs."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mailhive.config import Config, ConfigError
from tests.integration.cli.conftest import MAILHIVE


def test_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    config = Config.from_sources(environ={})
    assert config.data_dir == tmp_path / "var"
    assert config.db_url == f"sqlite:///{tmp_path / 'var' / 'mailhive.db'}"
    assert config.server_key_path == tmp_path / "var" / "server.key"
    assert config.blob_dir == tmp_path / "var" / "blobs"
    assert (config.tls_cert_path, config.tls_key_path) == (tmp_path / "var/tls/server.crt",
                                                           tmp_path / "var/tls/server.key")


def test_arguments_win_over_the_environment(tmp_path: Path) -> None:
    env = {"MAILHIVE_DATA": str(tmp_path / "env"), "MAILHIVE_DB_URL": "postgresql+psycopg://env@db/env"}
    from_env = Config.from_sources(environ=env)
    assert from_env.data_dir == tmp_path / "env" and from_env.db_url.endswith("@db/env")
    from_args = Config.from_sources(data=str(tmp_path / "arg"), db="sqlite:///x.db", environ=env)
    assert from_args.data_dir == tmp_path / "arg" and from_args.db_url == "sqlite:///x.db"


def test_a_database_password_is_hidden_in_messages() -> None:
    config = Config.from_sources(data="/tmp/x", db="postgresql+psycopg://u:s3cret@db/m", environ={})
    assert "s3cret" not in config.describe_db()


@pytest.mark.parametrize(("url", "reason"), [("bogus", "does not parse"), ("mysql://u@h/d", "SQLite or PostgreSQL")])
def test_unusable_database_urls_are_refused(url: str, reason: str) -> None:
    with pytest.raises(ConfigError, match=reason):
        Config.from_sources(data="/tmp/x", db=url, environ={})


def test_the_command_reads_the_environment(tmp_path: Path, spawn_env: dict[str, str]) -> None:
    env = {**spawn_env, "MAILHIVE_DATA": str(tmp_path / "from-env")}
    result = subprocess.run([*MAILHIVE, "init"], env=env, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "from-env" / "server.key").exists()
    bad = subprocess.run([*MAILHIVE, "--db", "bogus", "init"], env=env, capture_output=True, text=True,
                         check=False, timeout=120)
    assert bad.returncode == 1 and bad.stderr.strip().count("\n") == 0 and "does not parse" in bad.stderr
