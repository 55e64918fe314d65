"""The shape of the code base: the dependency contracts of DESIGN.md (import-linter, configured in
pyproject.toml) hold, the check itself catches a forbidden import, and every package and every
module of the directory and the mail node says what it owns in a module docstring."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOP_LEVEL = ("api", "webmail", "provisioning", "mailnodes", "chat", "mailhive")
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")


def _lint_imports(cwd: Path, config: Path) -> subprocess.CompletedProcess[str]:
    if LINT_IMPORTS is None:
        pytest.fail("lint-imports is not installed (pip install -e '.[test]')")
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([LINT_IMPORTS, "--config", str(config), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False, timeout=300)


def test_import_contracts_are_kept() -> None:
    result = _lint_imports(ROOT, ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_a_forbidden_import_breaks_the_contracts(tmp_path: Path) -> None:
    # The same contracts over a miniature tree in which the directory imports the process edge
    # and chat imports the message store: the check must fail and name both.
    for package in (*TOP_LEVEL, "mailnodes/store"):
        (tmp_path / package).mkdir(parents=True)
        (tmp_path / package / "__init__.py").write_text('"""stand-in."""\n')
    (tmp_path / "provisioning" / "leak.py").write_text('"""bad."""\nimport mailhive\n')
    (tmp_path / "chat" / "leak.py").write_text('"""bad."""\nimport mailnodes.store\n')
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    result = _lint_imports(tmp_path, tmp_path / "pyproject.toml")
    assert result.returncode != 0
    assert "provisioning.leak -> mailhive" in result.stdout
    assert "chat.leak -> mailnodes.store" in result.stdout


def _modules() -> list[Path]:
    found = [ROOT / package / "__init__.py" for package in TOP_LEVEL]
    for package in ("provisioning", "mailnodes"):
        found += sorted((ROOT / package).rglob("*.py"))
    return sorted(set(found))


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_module_has_a_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and docstring.strip(), f"{path.relative_to(ROOT)} needs a module docstring saying what it owns"
