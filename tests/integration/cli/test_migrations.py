"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and
undo it completely."""
from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, pool

from mailhive import migrate
from mailhive.schema import metadata


def _differences(url: str) -> list[object]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))
    finally:
        engine.dispose()


def _tables(url: str) -> set[str]:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'empty.db'}"
    return request.getfixturevalue("empty_pg_url")


def test_upgrade_to_head_matches_the_models_and_downgrade_removes_everything(empty_url: str) -> None:
    assert migrate.current_revision(empty_url) is None
    migrate.upgrade(empty_url)
    assert migrate.current_revision(empty_url) == migrate.head_revision()
    assert migrate.is_current(empty_url)
    assert _tables(empty_url) >= set(metadata.tables)
    assert _differences(empty_url) == []

    migrate.downgrade(empty_url, "base")
    assert migrate.current_revision(empty_url) is None
    assert _tables(empty_url) - {"alembic_version"} == set()


def test_the_models_differ_from_an_empty_database(tmp_path: Path) -> None:
    # The comparison itself must be able to fail: against an empty database it finds every table.
    url = f"sqlite:///{tmp_path / 'blank.db'}"
    added = {diff[1].name for diff in _differences(url) if diff[0] == "add_table"}
    assert added == set(metadata.tables)


def test_head_revision_read_from_the_files_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(migrate.alembic_config(""))
    assert migrate.head_revision() == script.get_current_head()
