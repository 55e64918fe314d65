"""Real mail collectors against the POP3 service: fetchmail and getmail6, in keep mode (only new
mail on the next run, told apart by UIDL) and in delete mode, checked against the store."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.integration.pop3.conftest import Account, Pop3Harness, message

ON_CI = os.environ.get("CI", "").lower() == "true"


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        if ON_CI:
            pytest.fail(f"{tool} is required on CI (.ci/run installs it)")
        pytest.skip(f"{tool} is not installed (apt-get install {tool})")
    return path


def fetchmail(harness: Pop3Harness, port: int, account: Account, out: Path, *, keep: bool) -> int:
    binary = _require("fetchmail")
    home = harness.tmp_path / "fetchmail-home"
    home.mkdir(exist_ok=True)
    out.mkdir(exist_ok=True)
    rc = home / "fetchmailrc"
    rc.write_text(
        f'poll 127.0.0.1 with proto POP3 port {port} uidl\n'
        f'  user "{account.login}" there with password "{account.password}" is "tester" here\n'
        f'  options {"keep" if keep else "nokeep"} sslproto ""\n'
        f'  mda "/bin/sh -c \'cat > {out}/msg.$$\'"\n')
    rc.chmod(0o600)
    env = {**os.environ, "HOME": str(home), "FETCHMAILHOME": str(home)}
    result = subprocess.run(
        [binary, "-f", str(rc), "-i", str(home / "fetchids"), "--nosyslog", "--nodetach", "-v"],
        env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode in (0, 1), result.stdout + result.stderr  # 1: no new mail
    return result.returncode


def getmail(harness: Pop3Harness, port: int, account: Account, out: Path, *, keep: bool) -> None:
    binary = _require("getmail")
    home = harness.tmp_path / "getmail-home"
    home.mkdir(exist_ok=True)
    out.mkdir(exist_ok=True)
    # An external MDA rather than a Maildir: getmail refuses Maildir delivery as root (CI runs as root).
    rc = home / "getmailrc"
    rc.write_text(
        "[retriever]\ntype = SimplePOP3Retriever\nserver = 127.0.0.1\n"
        f"port = {port}\nusername = {account.login}\npassword = {account.password}\n"
        "[destination]\ntype = MDA_external\npath = /bin/sh\n"
        f"arguments = (\"-c\", \"cat > {out}/msg.$$\")\nallow_root_commands = true\n"
        f"[options]\ndelete = {'false' if keep else 'true'}\nread_all = false\nverbose = 0\n")
    result = subprocess.run([binary, "--getmaildir", str(home), "--rcfile", str(rc)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def _bodies(directory: Path) -> set[bytes]:
    """What a collector wrote, without the headers collectors add (Received, Delivered-To ...)."""
    found = set()
    for path in directory.rglob("*"):
        if path.is_file():
            data = path.read_bytes().replace(b"\r\n", b"\n")
            found.add(data[data.index(b"Subject:"):])
    return found


def _expected(harness: Pop3Harness, account: Account) -> set[bytes]:
    return {data.replace(b"\r\n", b"\n")[data.replace(b"\r\n", b"\n").index(b"Subject:"):]
            for data in harness.inbox(account).values()}


def test_fetchmail_keep_then_delete(harness: Pop3Harness) -> None:
    alice = harness.account()
    for n in (1, 2):
        harness.deliver(alice, message(n, b".leading dot line\r\nsecond\r\n"))
    port = harness.start(tls=False)
    first = harness.tmp_path / "fetch1"
    assert fetchmail(harness, port, alice, first, keep=True) == 0
    assert _bodies(first) == _expected(harness, alice) and len(harness.inbox(alice)) == 2

    harness.deliver(alice, message(3))
    second = harness.tmp_path / "fetch2"
    assert fetchmail(harness, port, alice, second, keep=True) == 0
    assert len(_bodies(second)) == 1 and b"Subject: message 3" in next(iter(_bodies(second)))
    assert len(harness.inbox(alice)) == 3  # keep: nothing removed

    everything = _expected(harness, alice)
    third = harness.tmp_path / "fetch3"
    (harness.tmp_path / "fetchmail-home" / "fetchids").unlink()  # forget what was seen
    assert fetchmail(harness, port, alice, third, keep=False) == 0
    assert _bodies(third) == everything
    assert harness.inbox(alice) == {}


def test_getmail_keep_then_delete(harness: Pop3Harness) -> None:
    alice = harness.account()
    for n in (1, 2):
        harness.deliver(alice, message(n))
    port = harness.start(tls=False)
    kept = harness.tmp_path / "getmail-keep"
    getmail(harness, port, alice, kept, keep=True)
    assert _bodies(kept) == _expected(harness, alice) and len(harness.inbox(alice)) == 2
    harness.deliver(alice, message(3))
    getmail(harness, port, alice, kept, keep=True)  # only the new one is added
    assert _bodies(kept) == _expected(harness, alice)
    assert len(list(kept.iterdir())) == 3

    everything = _expected(harness, alice)
    for oldmail in (harness.tmp_path / "getmail-home").glob("oldmail-*"):
        oldmail.unlink()
    taken = harness.tmp_path / "getmail-delete"
    getmail(harness, port, alice, taken, keep=False)
    assert _bodies(taken) == everything
    assert harness.inbox(alice) == {}
