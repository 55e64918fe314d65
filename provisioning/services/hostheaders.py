"""Host headers: a web host name (optionally with the IP and port it arrives on) mapped to a
default post office, skin and language for webmail logins. The most specific match wins."""
from __future__ import annotations

import ipaddress
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from provisioning import names
from provisioning.context import Context
from provisioning.errors import Conflict, InvalidInput, NotFound
from provisioning.models import HostHeader
from provisioning.principal import Principal
from provisioning.services._common import check_text, find_postoffice, reject_unknown

_FIELDS = {"host", "ip", "port", "postoffice", "skin", "language"}


def _apply(session: Session, actor: Principal, row: HostHeader, fields: dict[str, Any]) -> None:
    reject_unknown(fields, _FIELDS)
    if "host" in fields:
        row.host = names.domain_name(fields["host"], field="host")
    if "ip" in fields:
        ip = fields["ip"] or ""
        if ip:
            try:
                ip = str(ipaddress.ip_address(ip))
            except ValueError:
                raise InvalidInput(f"invalid IP address {ip!r}", field="ip") from None
        row.ip = ip
    if "port" in fields:
        port = fields["port"] or 0
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise InvalidInput("port must be from 0 (any) to 65535", field="port")
        row.port = port
    if "postoffice" in fields:
        po = fields["postoffice"]
        row.postoffice_id = None if po in (None, "") else find_postoffice(session, actor, po).id
    if "skin" in fields:
        row.skin = check_text(fields["skin"], "skin", max_length=64)
    if "language" in fields:
        row.language = check_text(fields["language"], "language", max_length=16)


def _unique(session: Session, row: HostHeader) -> None:
    clash = session.scalar(select(HostHeader.id).where(
        HostHeader.host == row.host, HostHeader.ip == row.ip, HostHeader.port == row.port, HostHeader.id != row.id
    ))
    if clash is not None:
        raise Conflict(f"a host header for {row.host} on that address and port exists", field="host")


def create_host_header(ctx: Context, actor: Principal, host: str, **fields: Any) -> HostHeader:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        row = HostHeader(ip="", port=0, skin="", language="")
        _apply(session, actor, row, {"host": host, **fields})
        _unique(session, row)
        session.add(row)
        session.flush()
        return row


def update_host_header(ctx: Context, actor: Principal, header_id: int, **fields: Any) -> HostHeader:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        row = session.get(HostHeader, header_id)
        if row is None:
            raise NotFound(f"no host header {header_id}", field="id")
        _apply(session, actor, row, fields)
        session.flush()
        _unique(session, row)
        return row


def delete_host_header(ctx: Context, actor: Principal, header_id: int) -> None:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        row = session.get(HostHeader, header_id)
        if row is None:
            raise NotFound(f"no host header {header_id}", field="id")
        session.delete(row)


def list_host_headers(ctx: Context, actor: Principal) -> list[HostHeader]:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        return list(session.scalars(select(HostHeader).order_by(HostHeader.host, HostHeader.ip, HostHeader.port)))


def resolve_host(session: Session, host: str, ip: str = "", port: int = 0) -> HostHeader | None:
    """The host header for a request: exact host, preferring a matching IP, then a matching port."""
    name = host.split(":")[0].strip().rstrip(".").lower()
    candidates = session.scalars(select(HostHeader).where(HostHeader.host == name)).all()
    matching = [c for c in candidates if c.ip in ("", ip) and c.port in (0, port)]
    if not matching:
        return None
    return max(matching, key=lambda c: (c.ip != "", c.port != 0))
