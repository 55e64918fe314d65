"""The objects a Mailhive process works with, built from its ``Config``: the database, the server
key, the blob store the ``store.blob_backend`` setting chooses, the message store, and the
directory context wired to the store's mailbox lifecycle.

``open_runtime`` is for an initialised data directory (server key present, schema current);
``mailhive init`` prepares one.
"""
from __future__ import annotations

from dataclasses import dataclass

from mailhive import migrate
from mailhive.config import Config
from mailnodes.store import BlobStore, DatabaseBlobStore, FilesystemBlobStore, MessageStore
from provisioning.context import Context
from provisioning.db import Database
from provisioning.keyring import Keyring
from provisioning.principal import Principal
from provisioning.settings import read_setting


class NotInitialised(Exception):
    """The data directory or the database has not been prepared by ``mailhive init``."""


@dataclass(frozen=True)
class Runtime:
    config: Config
    db: Database
    keyring: Keyring
    store: MessageStore
    ctx: Context
    actor: Principal

    def close(self) -> None:
        self.db.dispose()


def blob_store(config: Config, db: Database) -> BlobStore:
    """Files under the data directory, or database rows (files written earlier stay readable)."""
    with db.sessions() as session:
        backend = read_setting(session, "store.blob_backend")
    if backend == "database":
        return DatabaseBlobStore(legacy_root=config.blob_dir)
    return FilesystemBlobStore(config.blob_dir)


def check_initialised(config: Config) -> None:
    if not config.server_key_path.exists():
        raise NotInitialised(f"{config.data_dir} has no server key; run `mailhive init` first")
    if not migrate.is_current(config.db_url):
        raise NotInitialised(
            f"the database {config.describe_db()} is not at the current schema; run `mailhive init`"
        )


def build_runtime(config: Config, *, actor: Principal | None = None) -> Runtime:
    """Wire the objects without checking the data directory (``init`` calls it after preparing)."""
    db = Database(config.db_url)
    keyring = Keyring.load_or_create(config.server_key_path)
    store = MessageStore(db, blob_store(config, db))
    ctx = Context(db=db, keyring=keyring, lifecycle=store.lifecycle)
    return Runtime(config, db, keyring, store, ctx, actor or Principal.system("cli"))


def open_runtime(config: Config, *, actor: Principal | None = None) -> Runtime:
    check_initialised(config)
    return build_runtime(config, actor=actor)
