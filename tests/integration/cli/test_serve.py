"""``mailhive serve`` over real sockets: it prints where it listens, answers the health check,
skips services that are not built, refuses unknown ones, and stops cleanly on SIGTERM."""
from __future__ import annotations

import json
import poplib
import signal
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from mailhive.commands.system import DEFAULT_PORTS_TEXT
from mailhive.serve import DEFAULT_PORTS, SERVICES
from tests.integration.cli.conftest import MAILHIVE, Runner, free_port


def _start(data_dir: Path, env: dict[str, str], ports: str) -> subprocess.Popen[str]:
    return subprocess.Popen([*MAILHIVE, "--data", str(data_dir), "serve", "--bind", "127.0.0.1", "--ports", ports],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _listening_url(proc: subprocess.Popen[str], name: str) -> str:
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(f"{name}: listening on "):
            return line.split("listening on ", 1)[1].strip()
    raise AssertionError(f"serve exited ({proc.wait()}) without listening: {proc.stderr.read() if proc.stderr else ''}")


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.timeout(60)
def test_serve_answers_health_and_stops_on_sigterm(mailhive: Runner, data_dir: Path,
                                                   spawn_env: dict[str, str]) -> None:
    assert mailhive("init").code == 0
    http_port, smtp_port = free_port(), free_port()
    proc = _start(data_dir, spawn_env, f"http={http_port},smtp={smtp_port}")
    try:
        base = _listening_url(proc, "http")
        assert base == f"http://127.0.0.1:{http_port}/"
        status, body = _get(base + "api/v1/health")
        assert status == 200
        assert body["status"] == "ok" and body["database"] == "ok" and body["version"]
        status, body = _get(base + "api/v1/no-such-thing")
        assert status == 404 and body["error"]["code"] == "not_found"  # type: ignore[index]
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 0
    assert proc.stderr is not None and "smtp: not built yet, skipped" in proc.stderr.read()
    with pytest.raises(OSError):  # the port is released
        urllib.request.urlopen(f"http://127.0.0.1:{http_port}/api/v1/health", timeout=3)


@pytest.mark.timeout(60)
def test_serve_runs_pop3_and_pop3s_for_the_directory(mailhive: Runner, data_dir: Path,
                                                     spawn_env: dict[str, str]) -> None:
    assert mailhive("init").code == 0
    assert mailhive("postoffice", "create", "acme", "--password", "Postmaster-secret-1").code == 0
    assert mailhive("mailbox", "create", "acme", "alice", "--password", "Alice-secret-1").code == 0
    pop3_port, pop3s_port = free_port(), free_port()
    proc = _start(data_dir, spawn_env, f"pop3={pop3_port},pop3s={pop3s_port}")
    try:
        assert _listening_url(proc, "pop3") == f"127.0.0.1:{pop3_port}"
        assert _listening_url(proc, "pop3s") == f"127.0.0.1:{pop3s_port}"
        client = poplib.POP3("127.0.0.1", pop3_port, timeout=10)
        client.stls(ssl.create_default_context(cafile=str(data_dir / "tls" / "server.crt")))
        client.user("alice@acme")
        client.pass_("Alice-secret-1")
        assert client.stat()[0] == 1  # the welcome message
        client.quit()
        secure = poplib.POP3_SSL("127.0.0.1", pop3s_port, timeout=10,
                                 context=ssl.create_default_context(cafile=str(data_dir / "tls" / "server.crt")))
        secure.user("alice@acme")
        secure.pass_("Alice-secret-1")
        assert secure.retr(1)[0].startswith(b"+OK")
        secure.quit()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert list((data_dir / "logs").glob("pop3-activity-*.log"))


def test_serve_refuses_unknown_services_and_bad_ports(mailhive: Runner) -> None:
    assert mailhive("init").code == 0
    unknown = mailhive("serve", "--ports", "gopher=70")
    assert unknown.code == 1 and "unknown service 'gopher'" in unknown.err
    bad = mailhive("serve", "--ports", "http=99999")
    assert bad.code == 1 and "port must be a number" in bad.err
    nothing = mailhive("serve", "--ports", f"smtp={free_port()}")
    assert nothing.code == 1 and "smtp: not built yet, skipped" in nothing.err


def test_a_port_in_use_is_reported(mailhive: Runner) -> None:
    import socket

    assert mailhive("init").code == 0
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = mailhive("serve", "--bind", "127.0.0.1", "--ports", f"http={port}")
    assert result.code == 1 and f"http: cannot listen on 127.0.0.1:{port}" in result.err


def test_the_parser_default_ports_are_the_service_table() -> None:
    assert DEFAULT_PORTS_TEXT == ",".join(f"{n}={p}" for n, p in DEFAULT_PORTS.items())
    assert set(DEFAULT_PORTS) == set(SERVICES)
