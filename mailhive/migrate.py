"""Schema migrations: upgrade a database to the newest revision (what ``mailhive init`` does),
tell whether a database is current, and, for developers, generate a revision from the models.

    python -m mailhive.migrate revision --db sqlite:////tmp/empty.db -m "initial" --rev-id 0001

compares the models with that database and writes ``mailhive/migrations/versions/<rev>_<slug>.py``.
"""
from __future__ import annotations

import argparse
import ast
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import create_engine, inspect, pool, text

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"


# Alembic is imported only where a migration runs: importing it costs a fifth of a second, and
# every command checks the schema revision.


def alembic_config(db_url: str) -> AlembicConfig:
    """An Alembic configuration for ``db_url`` with no ini file (the URL is passed as an
    attribute, so characters such as ``%`` in a password need no escaping)."""
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["db_url"] = db_url
    return cfg


def _revision_ids(path: Path) -> tuple[str | None, tuple[str, ...]]:
    """(revision, down revisions) as a version file assigns them at module level."""
    found: dict[str, object] = {}
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision") and node.value is not None:
            found[target.id] = ast.literal_eval(node.value)
    down = found.get("down_revision")
    downs = tuple(down) if isinstance(down, (list, tuple)) else ((down,) if isinstance(down, str) else ())
    revision = found.get("revision")
    return (revision if isinstance(revision, str) else None), downs


def _graph() -> tuple[set[str], set[str]]:
    """(every revision, every revision that another follows), from the version files."""
    revisions: set[str] = set()
    followed: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        if path.name.startswith("__"):
            continue
        revision, downs = _revision_ids(path)
        if revision:
            revisions.add(revision)
            followed.update(downs)
    return revisions, followed


def known_revisions() -> set[str]:
    return _graph()[0]


def head_revision() -> str | None:
    """The newest revision: the one no other revision follows (read from the files without
    importing Alembic; tests check it against Alembic's own answer)."""
    revisions, followed = _graph()
    heads = sorted(revisions - followed)
    if len(heads) > 1:
        raise RuntimeError(f"migrations have several heads: {', '.join(heads)}")
    return heads[0] if heads else None


def current_revision(db_url: str) -> str | None:
    """The revision a database is at, or None for an empty database."""
    engine = create_engine(db_url, poolclass=pool.NullPool)
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table(VERSION_TABLE):
                return None
            return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()
    finally:
        engine.dispose()


def is_current(db_url: str) -> bool:
    return current_revision(db_url) == head_revision()


def upgrade(db_url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(db_url), revision)


def downgrade(db_url: str, revision: str = "base") -> None:
    from alembic import command

    command.downgrade(alembic_config(db_url), revision)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m mailhive.migrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="action", required=True)
    rev = sub.add_parser("revision", help="autogenerate a revision against --db")
    rev.add_argument("--db", required=True, help="a database at the previous head (empty for the first)")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--rev-id", default=None)
    for name in ("upgrade", "downgrade"):
        p = sub.add_parser(name)
        p.add_argument("--db", required=True)
        p.add_argument("revision", nargs="?", default="head" if name == "upgrade" else "base")
    args = parser.parse_args(argv)
    if args.action == "revision":
        from alembic import command

        command.revision(alembic_config(args.db), message=args.message, autogenerate=True, rev_id=args.rev_id)
    elif args.action == "upgrade":
        upgrade(args.db, args.revision)
    else:
        downgrade(args.db, args.revision)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
