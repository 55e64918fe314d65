"""The core stays sans-IO: no module of the IMAP core imports I/O, the store, the directory or
Flask (DESIGN.md: protocol cores import no asyncio, socket, ssl, SQLAlchemy or Flask)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mailnodes.imap

CORE = sorted(p.stem for p in Path(mailnodes.imap.__file__).parent.glob("*.py"))
FORBIDDEN = ("asyncio", "socket", "ssl", "selectors", "threading", "time", "sqlalchemy", "flask",
             "provisioning", "mailnodes.store", "mailnodes.net", "zlib")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_the_core_modules_are_all_checked() -> None:
    assert {"__init__", "commands", "connection", "errors", "events", "mutf7", "options", "parser", "responses",
            "state"} <= set(CORE)


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_io(module: str) -> None:
    path = Path(mailnodes.imap.__file__).parent / f"{module}.py"
    for name in imported(path):
        assert not any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN), f"{module} imports {name}"


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    leak = tmp_path / "leak.py"
    leak.write_text("import asyncio\nfrom sqlalchemy import select\n")
    assert {"asyncio", "sqlalchemy"} <= imported(leak)
