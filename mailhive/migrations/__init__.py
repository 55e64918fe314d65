"""Alembic migrations of the Mailhive schema (env.py, script.py.mako, versions/)."""
