"""Scripted IMAP dialogues (tests/transcripts/imap/*.txt, format in its README.md) replayed against
the core with an in-memory session."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from mailnodes.imap import ImapConnection, ImapOptions, State
from tests.unit.imap.helpers import ScriptedSession

TRANSCRIPTS = Path(__file__).resolve().parents[2] / "transcripts" / "imap"


@dataclass
class Step:
    client: list[str] = field(default_factory=list)
    server: list[str] = field(default_factory=list)
    tls: bool = False


@dataclass
class Transcript:
    options: dict[str, Any] = field(default_factory=lambda: {"allow_plaintext_auth": True,
                                                             "extensions": frozenset({"ENABLE"})})
    greeting: list[str] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    closed: bool = False


def _option(key: str, value: str) -> Any:
    if value in ("true", "false"):
        return value == "true"
    if value.isdigit():
        return int(value)
    if key == "extensions":
        return frozenset(value.split(",")) if value else frozenset()
    return tuple(value.split(","))


def parse(path: Path) -> Transcript:
    script = Transcript()
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() and not raw.startswith(("C:", "S:")) or raw.startswith("#"):
            continue
        if raw.startswith("options:"):
            for item in raw.removeprefix("options:").split():
                key, _, value = item.partition("=")
                script.options[key] = _option(key, value)
        elif raw.startswith(("C:", "S:")):
            text = raw[2:].removeprefix(" ")
            if raw.startswith("S:") and not script.steps:
                script.greeting.append(text)
            elif raw.startswith("C:"):
                if not script.steps or script.steps[-1].server:
                    script.steps.append(Step())
                script.steps[-1].client.append(text)
            else:
                script.steps[-1].server.append(text)
        elif raw.strip() == "tls":
            script.steps[-1].tls = True
        elif raw.strip() == "closed":
            script.closed = True
        else:
            raise ValueError(f"{path.name}: cannot read {raw!r}")
    return script


def wire(lines: list[str]) -> bytes:
    return b"".join(line.encode("utf-8") + b"\r\n" for line in lines)


@pytest.mark.parametrize("path", sorted(TRANSCRIPTS.glob("*.txt")), ids=lambda p: p.stem)
def test_transcript(path: Path) -> None:
    script = parse(path)
    conn = ImapConnection(ImapOptions(**script.options), now=0.0)
    session = ScriptedSession()
    assert conn.greeting() == wire(script.greeting)
    for number, step in enumerate(script.steps, 1):
        conn.receive_data(wire(step.client), float(number))
        got = session.run(conn)
        assert got.decode("utf-8").split("\r\n") == wire(step.server).decode("utf-8").split("\r\n"), (
            f"{path.name}, after {step.client}")
        if step.tls:
            assert conn.tls_active
    assert (conn.state is State.LOGOUT) == script.closed


def test_there_are_transcripts() -> None:
    assert len(list(TRANSCRIPTS.glob("*.txt"))) >= 6
