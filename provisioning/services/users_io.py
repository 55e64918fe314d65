"""Users import and export.

Import reads CSV rows ``emailaddress,password,quota,friendly name`` (password, quota and name
optional; a header row is recognised and skipped). The mailbox is named after the local part; a
domain not yet in the directory is added to the post office (by a server administrator; a post
office administrator may only use its own domains). Every bad row is reported with its line number
and reason. With ``all_or_nothing`` one bad row imports nothing; otherwise every valid row is
imported. Passwords generated for rows without one are returned, so they can be exported once.

Export writes CSV or TSV with the chosen fields.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioning import names
from provisioning.context import Context
from provisioning.errors import InvalidInput, MailhiveError
from provisioning.models import Address, Domain, Mailbox, PostOffice, TargetKind
from provisioning.principal import Principal
from provisioning.services._common import find_postoffice
from provisioning.services.domains import add_domain_in
from provisioning.services.mailboxes import create_mailbox_in

MAX_ROWS = 100_000
EXPORT_FIELDS = ("emailaddress", "mailbox", "postoffice", "friendly_name", "quota_kb", "type", "disabled", "password")
DEFAULT_EXPORT = ("emailaddress", "friendly_name", "quota_kb")


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass(frozen=True, slots=True)
class ImportedUser:
    line: int
    address: str
    mailbox: str
    generated_password: str | None


@dataclass
class ImportReport:
    imported: list[ImportedUser] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def passwords(self) -> dict[str, str]:
        return {u.address: u.generated_password for u in self.imported if u.generated_password}


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    address: str
    local: str
    domain: str
    password: str | None
    quota_kb: int | None
    friendly_name: str


def _parse(text: str) -> tuple[list[_Row], list[RowError]]:
    rows: list[_Row] = []
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(text))
    seen: dict[str, int] = {}
    for record in reader:
        line = reader.line_num
        if line > MAX_ROWS:
            errors.append(RowError(line, f"more than {MAX_ROWS} rows"))
            break
        if not record or all(not cell.strip() for cell in record):
            continue
        if line == 1 and record[0].strip().lower() in ("emailaddress", "email", "email address"):
            continue
        if len(record) > 4:
            errors.append(RowError(line, f"expected at most 4 fields, found {len(record)}"))
            continue
        address, password, quota, friendly = (record + ["", "", "", ""])[:4]
        try:
            local, domain = names.split_address(address.strip())
            names.local_name(address.strip().rpartition("@")[0], what="mailbox", field="emailaddress")
            quota_kb = None
            if quota.strip():
                if not quota.strip().isdigit():
                    raise InvalidInput(f"quota {quota!r} is not a whole number of KB", field="quota")
                quota_kb = int(quota.strip())
        except MailhiveError as exc:
            errors.append(RowError(line, exc.message))
            continue
        normalised = f"{local}@{domain}"
        if normalised in seen:
            errors.append(RowError(line, f"{normalised} already appears on line {seen[normalised]}"))
            continue
        seen[normalised] = line
        rows.append(_Row(line, normalised, address.strip().rpartition("@")[0], domain,
                         password if password != "" else None, quota_kb, friendly.strip()))
    return rows, errors


def _import_row(session: Session, ctx: Context, actor: Principal, po: PostOffice, row: _Row) -> ImportedUser:
    domain = session.scalar(select(Domain).where(Domain.name == row.domain))
    if domain is None:
        if not actor.is_server_wide:
            raise InvalidInput(f"{row.domain} is not a domain of post office {po.name}", field="emailaddress")
        domain = add_domain_in(session, po.id, row.domain)
    elif domain.postoffice_id != po.id:
        raise InvalidInput(f"{row.domain} belongs to another post office", field="emailaddress")
    created = create_mailbox_in(session, ctx, po, row.local, row.password, quota_kb=row.quota_kb,
                                friendly_name=row.friendly_name)
    if row.address not in created.addresses:
        # With one address per mailbox (setting off), make sure the imported address exists.
        session.add(Address(address=row.address, postoffice_id=po.id, domain_id=domain.id,
                            target_kind=TargetKind.MAILBOX, mailbox_id=created.mailbox.id))
        session.flush()
    return ImportedUser(row.line, row.address, created.mailbox.name, created.generated_password)


def import_users(
    ctx: Context, actor: Principal, postoffice: str | int, text: str, *, all_or_nothing: bool = True
) -> ImportReport:
    rows, errors = _parse(text)
    report = ImportReport(errors=errors)
    if errors and all_or_nothing:
        return report
    try:
        with ctx.db.transaction() as session:
            po = find_postoffice(session, actor, postoffice, write=True)
            for row in rows:
                try:
                    with session.begin_nested():
                        report.imported.append(_import_row(session, ctx, actor, po, row))
                except MailhiveError as exc:
                    report.errors.append(RowError(row.line, exc.message))
            report.errors.sort(key=lambda e: e.line)
            if report.errors and all_or_nothing:
                raise _RollBack
    except _RollBack:
        report.imported.clear()
    return report


class _RollBack(Exception):
    """Leaves the import's transaction without committing anything."""


def export_users(
    ctx: Context, actor: Principal, postoffice: str | int, *, fmt: str = "csv",
    fields: Sequence[str] = DEFAULT_EXPORT, passwords: dict[str, str] | None = None,
) -> str:
    """One row per mailbox address (header first). ``password`` is filled only from ``passwords``
    (an import's generated passwords): stored passwords are hashes and cannot be exported."""
    if fmt not in ("csv", "tsv"):
        raise InvalidInput("format must be csv or tsv", field="format")
    unknown = [f for f in fields if f not in EXPORT_FIELDS]
    if unknown or not fields:
        raise InvalidInput(f"fields must be among {', '.join(EXPORT_FIELDS)}", field="fields")
    out = io.StringIO()
    writer = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    writer.writerow(fields)
    with ctx.db.transaction() as session:
        po = find_postoffice(session, actor, postoffice)
        rows = session.execute(
            select(Mailbox, Address.address)
            .outerjoin(Address, (Address.mailbox_id == Mailbox.id) & (Address.target_kind == TargetKind.MAILBOX))
            .where(Mailbox.postoffice_id == po.id)
            .order_by(Mailbox.name_key, Address.address)
        ).all()
        for mailbox, address in rows:
            values = {
                "emailaddress": address or "", "mailbox": mailbox.name, "postoffice": po.name,
                "friendly_name": mailbox.friendly_name, "quota_kb": mailbox.quota_kb, "type": mailbox.type.value,
                "disabled": "true" if mailbox.disabled else "false",
                "password": (passwords or {}).get(address or "", ""),
            }
            writer.writerow([values[f] for f in fields])
    return out.getvalue()
