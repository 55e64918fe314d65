"""``mailhive init``: prepare a data directory and database so a node can start, and optionally a
demo post office to try it with.

Each step looks before it acts, so running init again changes nothing: the directory and blob
directory are created if missing, the schema is upgraded only when it is behind, the server key
and the TLS certificate are created only when absent (an existing key is never replaced: it
decrypts the secrets already stored), and the demo is made only when no post office ``demo``
exists.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from sqlalchemy import select

from mailhive import migrate, tls
from mailhive.config import Config
from mailhive.runtime import NotInitialised, Runtime, build_runtime
from provisioning.auth import password_policy
from provisioning.models import PostOffice
from provisioning.services.domains import add_domain
from provisioning.services.mailboxes import create_mailbox
from provisioning.services.postoffices import create_postoffice
from provisioning.settings import read_setting, write_setting

DEMO_POSTOFFICE = "demo"
DEMO_DOMAIN = "demo.test"
DEMO_MAILBOX = "demo"


@dataclass(frozen=True, slots=True)
class Credential:
    login: str
    password: str
    note: str


@dataclass
class InitReport:
    done: list[str] = field(default_factory=list)
    credentials: list[Credential] = field(default_factory=list)


def _prepare_directory(config: Config, report: InitReport) -> None:
    if not config.data_dir.exists():
        report.done.append(f"created data directory {config.data_dir}")
    config.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    config.blob_dir.mkdir(parents=True, exist_ok=True)


def _migrate(config: Config, report: InitReport) -> None:
    head = migrate.head_revision()
    before = migrate.current_revision(config.db_url)
    if before is not None and before not in migrate.known_revisions():
        raise NotInitialised(f"the database {config.describe_db()} is at schema revision {before}, which this"
                             " version of Mailhive does not know; run the version that wrote it")
    if before != head:
        migrate.upgrade(config.db_url)
        report.done.append(f"database {config.describe_db()} upgraded from {before or 'empty'} to {head}")


def _demo(runtime: Runtime, report: InitReport) -> None:
    ctx, actor = runtime.ctx, runtime.actor
    with ctx.db.sessions() as session:
        if session.scalar(select(PostOffice.id).where(PostOffice.name_key == DEMO_POSTOFFICE)) is not None:
            return
        postmaster_password = password_policy(session, None).generate()
    create_postoffice(ctx, actor, DEMO_POSTOFFICE, postmaster_password, description="Demo post office")
    add_domain(ctx, actor, DEMO_POSTOFFICE, DEMO_DOMAIN)
    created = create_mailbox(ctx, actor, DEMO_POSTOFFICE, DEMO_MAILBOX, None, friendly_name="Demo User")
    with ctx.db.transaction() as session:
        if not read_setting(session, "server.default_postoffice"):
            write_setting(session, actor, "server.default_postoffice", DEMO_POSTOFFICE)
    report.done.append(f"created demo post office {DEMO_POSTOFFICE} with domain {DEMO_DOMAIN}")
    report.credentials.append(Credential(f"postmaster@{DEMO_POSTOFFICE}", postmaster_password,
                                         f"administers post office {DEMO_POSTOFFICE}"))
    report.credentials.append(Credential(f"{DEMO_MAILBOX}@{DEMO_POSTOFFICE}", created.generated_password or "",
                                         "mailbox; also " + ", ".join(created.addresses)))


def initialise(config: Config, *, demo: bool = False) -> InitReport:
    report = InitReport()
    _prepare_directory(config, report)
    _migrate(config, report)
    if not config.server_key_path.exists():
        report.done.append(f"created server key {config.server_key_path}")
    runtime = build_runtime(config)  # creates the server key (0600) when it is missing
    try:
        os.chmod(config.server_key_path, 0o600)
        with runtime.db.sessions() as session:
            hostname = read_setting(session, "server.hostname")
        if tls.ensure_certificate(config.tls_cert_path, config.tls_key_path, hostname):
            report.done.append(f"created a self-signed certificate for {hostname} in {config.tls_dir}")
        if demo:
            _demo(runtime, report)
    finally:
        runtime.close()
    return report
