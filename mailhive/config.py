"""The bootstrap configuration of one Mailhive process: where its data directory is and which
database it uses, with the paths derived from them.

Built once, at the process edge (the command line), from arguments and the environment
(``MAILHIVE_DATA``, ``MAILHIVE_DB_URL``; arguments win) and passed down. Everything else a server
needs to know is a setting in the database (``provisioning.settings``), so this stays small.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

DEFAULT_DATA_DIR = "./var"
ENV_DATA = "MAILHIVE_DATA"
ENV_DB_URL = "MAILHIVE_DB_URL"
BACKENDS = ("sqlite", "postgresql")


class ConfigError(Exception):
    """The bootstrap configuration cannot work (a database URL that does not parse ...)."""


@dataclass(frozen=True, slots=True)
class Config:
    data_dir: Path
    db_url: str

    @classmethod
    def from_sources(
        cls, *, data: str | None = None, db: str | None = None, environ: Mapping[str, str] | None = None
    ) -> Config:
        """Arguments first, then the environment, then the defaults (SQLite in the data dir)."""
        env = environ or {}
        data_dir = Path(data or env.get(ENV_DATA) or DEFAULT_DATA_DIR).expanduser().resolve()
        db_url = db or env.get(ENV_DB_URL) or f"sqlite:///{data_dir / 'mailhive.db'}"
        try:
            backend = make_url(db_url).get_backend_name()
        except ArgumentError:
            raise ConfigError("the database URL does not parse (expected e.g. postgresql+psycopg://user@host/db)") from None
        if backend not in BACKENDS:
            raise ConfigError(f"Mailhive runs on SQLite or PostgreSQL, not {backend}")
        return cls(data_dir=data_dir, db_url=db_url)

    @property
    def blob_dir(self) -> Path:
        return self.data_dir / "blobs"

    @property
    def server_key_path(self) -> Path:
        return self.data_dir / "server.key"

    @property
    def tls_dir(self) -> Path:
        return self.data_dir / "tls"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    @property
    def tls_cert_path(self) -> Path:
        return self.tls_dir / "server.crt"

    @property
    def tls_key_path(self) -> Path:
        return self.tls_dir / "server.key"

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def describe_db(self) -> str:
        """The database URL without its password, for messages."""
        return make_url(self.db_url).render_as_string(hide_password=True)
