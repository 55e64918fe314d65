"""Alembic's entry point for Mailhive's schema: migrations compare against
``mailhive.schema.metadata`` (every table of the directory and the store).

The database URL comes from the Alembic config (``mailhive.migrate`` sets it); nothing is read
from the environment. On SQLite, migrations run in batch mode (SQLite alters tables by copying
them) with foreign keys off, so recreating a parent table cannot cascade deletes into its
children, and inside one transaction, so a failed migration leaves the file as it was.
"""
from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Engine, create_engine, event, pool
from sqlalchemy.types import TypeDecorator

from mailhive.schema import metadata

config = context.config


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Render our column types (TypeDecorators) as the plain SQL type they store, so a migration
    never imports application code that may later change."""
    if type_ == "type" and isinstance(obj, TypeDecorator):
        impl = obj.impl if not isinstance(obj.impl, type) else obj.impl()
        return f"sa.{impl!r}"
    return False


def _engine(url: str) -> Engine:
    engine = create_engine(url, poolclass=pool.NullPool)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we issue BEGIN ourselves: transactional DDL
            dbapi_connection.execute("PRAGMA foreign_keys=OFF")

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

    return engine


def _configure(**options: Any) -> None:
    context.configure(
        target_metadata=metadata,
        render_item=render_item,
        compare_type=True,
        **options,
    )


def run_offline() -> None:
    url = config.get_main_option("sqlalchemy.url")
    _configure(url=url, literal_binds=True, dialect_opts={"paramstyle": "named"},
               render_as_batch=bool(url and url.startswith("sqlite")))
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    engine = _engine(config.attributes.get("db_url") or config.get_main_option("sqlalchemy.url"))
    try:
        with engine.connect() as connection:
            _configure(connection=connection, render_as_batch=engine.dialect.name == "sqlite")
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
