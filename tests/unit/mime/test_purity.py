"""The MIME library stays pure: no I/O, no database, no asyncio (DESIGN.md, protocol cores)."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

import mailnodes.mime

PACKAGE = Path(mailnodes.mime.__file__).parent
FORBIDDEN = ("asyncio", "socket", "ssl", "selectors", "threading", "time", "sqlalchemy", "flask", "os",
             "io", "pathlib", "provisioning", "mailnodes.store", "mailnodes.net", "mailnodes.imap", "email")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda p: p.name)
def test_module_imports_no_io(path: Path) -> None:
    for name in imported(path):
        assert not any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN), f"{path.name} imports {name}"


def test_the_check_catches_a_forbidden_import(tmp_path: Path) -> None:
    leak = tmp_path / "leak.py"
    leak.write_text("import os\nfrom email import message_from_bytes\n")
    assert {"os", "email"} <= imported(leak)
