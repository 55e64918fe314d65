"""Message store benchmark: append N messages of realistic sizes to one mailbox, then time the
operations clients do all day (list the 50 newest, fetch the flags of all, move 1,000, expunge
1,000), on SQLite and on PostgreSQL. Prints messages/second, median and p95 per operation, and
bytes per message in blobs and in the database.

    .venv/bin/python bench/store.py [--messages 100000] [--backend sqlite|postgresql|both]

Messages come from the team's deterministic generator (shared/bench-peers/benchmsg.py: 1–8 KB
text, some multipart), with every 20th carrying a 20–120 KB attachment and every 1,000th 1 MB.
"""
from __future__ import annotations

import argparse
import base64
import importlib.util
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import mailhive.schema  # noqa: E402,F401
from mailnodes.store import FilesystemBlobStore, MessageStore, NewMessage, SpecialUse  # noqa: E402
from provisioning.context import Context  # noqa: E402
from provisioning.db import Base, Database  # noqa: E402
from provisioning.keyring import Keyring  # noqa: E402
from provisioning.principal import Principal  # noqa: E402
from provisioning.services import mailboxes, postoffices  # noqa: E402

PEERS = Path(__file__).resolve().parent.parent.parent / "shared" / "bench-peers" / "benchmsg.py"
PG_ADMIN = os.environ.get("MAILHIVE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
BATCH = 500


def _load_generator() -> Callable[[int], bytes]:
    spec = importlib.util.spec_from_file_location("benchmsg", PEERS)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {PEERS}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return lambda i: module.make_message(i, "bench@bench.test")


def realistic(make: Callable[[int], bytes], i: int) -> bytes:
    message = make(i)
    extra = 0
    if i % 1000 == 999:
        extra = 1024 * 1024
    elif i % 20 == 19:
        extra = random.Random(i).randrange(20_000, 120_000)
    if not extra:
        return message
    payload = base64.encodebytes(random.Random(i).randbytes(extra * 3 // 4))
    return message + b"\r\n--attachment follows--\r\n" + payload.replace(b"\n", b"\r\n")


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def report(name: str, samples: list[float]) -> None:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    print(f"  {name:<28} median {statistics.median(samples) * 1000:9.2f} ms   p95 {p95 * 1000:9.2f} ms"
          f"   (n={len(samples)})")


def dir_bytes(root: Path) -> int:
    return sum(p.stat().st_size for p in root.rglob("*") if p.is_file())


def run(backend: str, url: str, data: Path, count: int, make: Callable[[int], bytes]) -> None:
    db = Database(url)
    Base.metadata.create_all(db.engine)
    store = MessageStore(db, FilesystemBlobStore(data / "blobs"))
    ctx = Context(db, Keyring(Keyring.generate_key()), store.lifecycle)
    system = Principal.system("bench")
    postoffices.create_postoffice(ctx, system, "bench", "bench-password-1")
    mailbox = mailboxes.create_mailbox(ctx, system, "bench", "bench", "bench-password-1").mailbox
    inbox = store.special_folder(mailbox.id, SpecialUse.INBOX).id
    trash = store.special_folder(mailbox.id, SpecialUse.TRASH).id

    print(f"\n{backend}: appending {count:,} messages in batches of {BATCH}")
    payload_bytes = 0
    elapsed = 0.0
    for start in range(0, count, BATCH):
        batch = [NewMessage(realistic(make, i)) for i in range(start, min(count, start + BATCH))]
        payload_bytes += sum(len(m.data) for m in batch)
        began = time.perf_counter()
        store.append_many(mailbox.id, inbox, batch)
        elapsed += time.perf_counter() - began
    print(f"  append                       {count / elapsed:9.0f} msg/s   ({elapsed:.1f} s,"
          f" {payload_bytes / count / 1024:.1f} KB average)")

    report("list 50 newest", timed(lambda: store.list_messages(mailbox.id, inbox, limit=50), 200))
    report("fetch flags of all", timed(lambda: store.flags(mailbox.id, inbox), 5))
    report("changes since modseq 1", timed(lambda: store.changes_since(mailbox.id, inbox, 1), 3))
    reps = max(1, min(5, count // 2000))
    uids = iter(range(2, count + 2))  # UID 1 is the welcome message
    move_batches = [[next(uids) for _ in range(1000)] for _ in range(reps)]
    report("move 1,000", [timed(lambda b=b: store.move(mailbox.id, inbox, b, trash), 1)[0] for b in move_batches])
    expunge_batches = [[next(uids) for _ in range(1000)] for _ in range(reps)]

    def expunge(batch: list[int]) -> None:
        store.store_flags(mailbox.id, inbox, batch, "add", ["\\Deleted"])
        store.expunge(mailbox.id, inbox, batch)

    report("flag + expunge 1,000", [timed(lambda b=b: expunge(b), 1)[0] for b in expunge_batches])

    blob_bytes = dir_bytes(data / "blobs")
    if backend == "sqlite":
        db_bytes = sum(p.stat().st_size for p in data.glob("store.db*"))
    else:
        with db.engine.connect() as conn:
            db_bytes = conn.execute(text("SELECT pg_database_size(current_database())")).scalar_one()
    print(f"  blob bytes per message       {blob_bytes / count:9.0f}   (payload {payload_bytes / count:.0f})")
    print(f"  database bytes per message   {db_bytes / count:9.0f}")
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    make = _load_generator()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory(prefix="mailhive-bench-") as tmp:
            run("sqlite", f"sqlite:///{tmp}/store.db", Path(tmp), args.messages, make)
    if args.backend in ("postgresql", "both"):
        name = f"mailhive_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            with tempfile.TemporaryDirectory(prefix="mailhive-bench-") as tmp:
                run("postgresql", PG_ADMIN.rsplit("/", 1)[0] + "/" + name, Path(tmp), args.messages, make)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
