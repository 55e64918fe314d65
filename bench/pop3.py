"""POP3 benchmark: one session that logs in, then STAT, LIST, UIDL and RETR of every message of a
1,000-message maildrop, then QUIT (nothing deleted, so runs repeat). Measured on Mailhive (a fresh
data directory, SQLite unless --db is given, served by `mailhive serve`) and, when the team's peer
is running (../shared/bench-peers/setup_peers.sh start), on Dovecot's POP3 in the same run; prints
the median of each step and Mailhive's time as a ratio of Dovecot's (below 1 is faster).

    .venv/bin/python bench/pop3.py [--messages 1000] [--runs 5] [--db URL] [--no-peer]

Messages come from the team's deterministic generator (shared/bench-peers/benchmsg.py, 1–8 KB).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import poplib
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mailhive.config import Config  # noqa: E402
from mailhive.runtime import open_runtime  # noqa: E402
from mailnodes.store import NewMessage, SpecialUse  # noqa: E402
from provisioning.models import Mailbox  # noqa: E402

PEERS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench-peers"
MAILHIVE = [sys.executable, "-m", "mailhive"]
PEER = {"host": "127.0.0.1", "port": 11110, "imap_port": 11143, "user": "user3@example.test", "password": "pw"}
STEPS = ("login", "stat", "list", "uidl", "retr_all", "quit")


def _load(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, PEERS / f"{name}.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {PEERS / name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def one_session(host: str, port: int, user: str, password: str) -> tuple[dict[str, float], int, int]:
    """Times of each step; the message count and the octets retrieved."""
    times: dict[str, float] = {}

    def timed(step: str, call: Callable[[], object]) -> object:
        start = time.perf_counter()
        result = call()
        times[step] = time.perf_counter() - start
        return result

    client = poplib.POP3(host, port, timeout=120)
    timed("login", lambda: (client.user(user), client.pass_(password)))
    count, _size = timed("stat", client.stat)  # type: ignore[misc]
    timed("list", client.list)
    timed("uidl", client.uidl)
    octets = 0

    def retrieve_all() -> None:
        nonlocal octets
        for n in range(1, count + 1):
            octets += client.retr(n)[2]

    timed("retr_all", retrieve_all)
    timed("quit", client.quit)
    return times, count, octets


def measure(label: str, host: str, port: int, user: str, password: str, runs: int) -> dict[str, float]:
    samples = []
    count = octets = 0
    for _ in range(runs):
        times, count, octets = one_session(host, port, user, password)
        samples.append(times)
    median = {step: statistics.median(s[step] for s in samples) for step in STEPS}
    print(f"{label:9} {count} messages, {octets / 1e6:.1f} MB: " + "  ".join(
        f"{step} {median[step] * 1000:.1f} ms" for step in STEPS)
        + f"  → RETR {count / median['retr_all']:,.0f} msg/s")
    return median


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing answers on port {port}")


def prepare_mailhive(data: Path, db_url: str | None, messages: int) -> dict[str, str]:
    env = {**os.environ, "MAILHIVE_DATA": str(data)}
    if db_url:
        env["MAILHIVE_DB_URL"] = db_url
    cli = [*MAILHIVE]
    for args in (["init"], ["postoffice", "create", "bench", "--password", "Bench-postmaster-1"],
                 ["mailbox", "create", "bench", "reader", "--password", "Bench-reader-1"],
                 ["settings", "set", "pop3.max_bad_commands", "20"]):
        subprocess.run([*cli, *args], env=env, check=True, capture_output=True)
    make_message = _load("benchmsg").make_message  # type: ignore[attr-defined]
    runtime = open_runtime(Config.from_sources(data=str(data), db=db_url))
    with runtime.db.sessions() as session:
        mailbox_id = session.query(Mailbox.id).filter(Mailbox.name == "reader").scalar()
    inbox = runtime.store.special_folder(mailbox_id, SpecialUse.INBOX)
    runtime.store.delete_messages(mailbox_id, inbox.id, [ref.uid for ref in runtime.store.refs(mailbox_id, inbox.id)])
    for start in range(0, messages, 500):
        batch = [NewMessage(make_message(i, "reader@bench")) for i in range(start, min(messages, start + 500))]
        runtime.store.append_many(mailbox_id, inbox.id, batch)
    runtime.close()
    return env


def prepare_peer(messages: int) -> bool:
    try:
        socket.create_connection((PEER["host"], PEER["port"]), timeout=1).close()
    except OSError:
        print("Dovecot peer: not running (../shared/bench-peers/setup_peers.sh all), no ratio")
        return False
    subprocess.run([sys.executable, str(PEERS / "bench_imap.py"), "populate", "--host", PEER["host"],
                    "--port", str(PEER["imap_port"]), "--user", PEER["user"], "--password", PEER["password"],
                    "--count", str(messages)], check=True, capture_output=True, timeout=600)
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="database URL for Mailhive (default: SQLite in a temporary directory)")
    parser.add_argument("--no-peer", action="store_true", help="do not measure Dovecot")
    args = parser.parse_args()
    print(f"# bench/pop3.py {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} messages={args.messages}"
          f" runs={args.runs} (medians)")
    with tempfile.TemporaryDirectory(prefix="mailhive-bench-pop3-") as tmp:
        env = prepare_mailhive(Path(tmp), args.db, args.messages)
        port = _free_port()
        server = subprocess.Popen([*MAILHIVE, "serve", "--ports", f"pop3={port}"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            _wait_for(port)
            ours = measure("Mailhive", "127.0.0.1", port, "reader@bench", "Bench-reader-1", args.runs)
        finally:
            server.terminate()
            server.wait(20)
    if args.no_peer or not prepare_peer(args.messages):
        return
    theirs = measure("Dovecot", PEER["host"], PEER["port"], PEER["user"], PEER["password"], args.runs)
    print("ratio     " + "  ".join(f"{step} {ours[step] / theirs[step]:.2f}" for step in STEPS)
          + "   (Mailhive time / Dovecot time; below 1 is faster)")


if __name__ == "__main__":
    main()
