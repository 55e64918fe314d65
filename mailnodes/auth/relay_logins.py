"""POP-before-SMTP: every successful POP3 login records its client IP; the SMTP relay policy asks
whether an IP logged in recently enough (its window is an SMTP setting)."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from mailnodes.auth.models import RelayLogin
from provisioning.db import Database, utcnow
from provisioning.settings.ip_patterns import client_address

KEEP = dt.timedelta(days=1)  # rows older than this are pruned: no relay window is that long


def record_relay_login(db: Database, ip: str, mailbox_id: int, *, now: dt.datetime | None = None) -> None:
    address = client_address(ip)
    if address is None:
        return
    now = now or utcnow()
    key = str(address)
    for _attempt in range(2):
        try:
            with db.transaction() as session:
                row = session.get(RelayLogin, key, with_for_update=True)
                if row is None:
                    session.add(RelayLogin(ip=key, mailbox_id=mailbox_id, logged_in_at=now))
                else:
                    row.mailbox_id, row.logged_in_at = mailbox_id, now
                session.execute(delete(RelayLogin).where(RelayLogin.logged_in_at < now - KEEP))
            return
        except IntegrityError:
            continue  # a concurrent first login from the same IP inserted the row: update it


def relay_login_since(db: Database, ip: str, since: dt.datetime) -> int | None:
    """The mailbox that logged in over POP3 from ``ip`` at or after ``since``, if any."""
    address = client_address(ip)
    if address is None:
        return None
    with db.sessions() as session:
        return session.scalar(
            select(RelayLogin.mailbox_id).where(RelayLogin.ip == str(address), RelayLogin.logged_in_at >= since)
        )
