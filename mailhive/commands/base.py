"""What every subcommand handler gets (the ``Invocation``: config, output streams and the runtime,
opened on first use) and small helpers for parsing and printing."""
from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from mailhive.config import Config
from mailhive.runtime import Runtime, open_runtime

Handler = Callable[[argparse.Namespace, "Invocation"], int]
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


@dataclass
class Invocation:
    config: Config
    out: TextIO
    err: TextIO
    _runtime: Runtime | None = field(default=None, repr=False)

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = open_runtime(self.config)
        return self._runtime

    def say(self, *parts: Any) -> None:
        print(*parts, file=self.out)

    def warn(self, *parts: Any) -> None:
        print(*parts, file=self.err)

    def close(self) -> None:
        if self._runtime is not None:
            self._runtime.close()
            self._runtime = None


def boolean(text: str) -> bool:
    """An argparse type for true/false (yes/no, on/off, 1/0)."""
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"expected true or false, got {text!r}")


def comma_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def table(rows: Sequence[Sequence[object]]) -> list[str]:
    """Rows as left-aligned columns separated by two spaces (the last column unpadded)."""
    if not rows:
        return []
    cells = [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells if i < len(row)) for i in range(max(map(len, cells)))]
    return ["  ".join(c.ljust(widths[i]) if i < len(row) - 1 else c for i, c in enumerate(row)).rstrip()
            for row in cells]


def every_page(fetch: Callable[[int, int], Any], limit: int = 1000) -> Iterable[Any]:
    """All items of a paginated service call ``fetch(offset, limit)``."""
    offset = 0
    while True:
        page = fetch(offset, limit)
        yield from page.items
        offset += len(page.items)
        if not page.items or offset >= page.total:
            return


def add_parser(sub: Any, name: str, handler: Handler, help_text: str, **kwargs: Any) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text, **kwargs)
    parser.set_defaults(handler=handler)
    return parser


def group_parser(sub: Any, name: str, help_text: str) -> Any:
    """A command with subcommands of its own (``mailhive mailbox create ...``)."""
    parser = sub.add_parser(name, help=help_text, description=help_text)
    return parser.add_subparsers(dest=f"{name}_command", metavar="ACTION", required=True)
