"""Exclusive access to a mailbox for one session of a service, across processes and nodes.

A lease is a row lock with an expiry: the holder renews it while its session lives and releases it
at the end; a node that dies leaves a lease that simply runs out. Acquiring also enforces a minimum
time between logins (POP3 LOGIN-DELAY, RFC 2449) and records the login time.
"""
from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from mailnodes.auth.models import MailboxLease
from provisioning.db import Database, utcnow


class LeaseOutcome(enum.Enum):
    GRANTED = "granted"
    IN_USE = "in use"        # another live session holds the mailbox
    TOO_SOON = "too soon"    # the previous login was less than the login delay ago


def acquire_lease(
    db: Database,
    mailbox_id: int,
    service: str,
    holder: str,
    *,
    exclusive: bool,
    ttl: dt.timedelta,
    login_delay: dt.timedelta = dt.timedelta(0),
    now: dt.datetime | None = None,
) -> LeaseOutcome:
    """Record a login of ``holder``; with ``exclusive`` also take the mailbox for it until
    ``now + ttl`` (unless a live lease of another holder exists)."""
    now = now or utcnow()
    try:
        with db.transaction() as session:
            row = session.get(MailboxLease, (mailbox_id, service), with_for_update=True)
            if row is None:
                row = MailboxLease(mailbox_id=mailbox_id, service=service)
                session.add(row)
            if exclusive and row.holder is not None and row.expires_at is not None and row.expires_at > now:
                return LeaseOutcome.IN_USE
            if login_delay and row.last_login_at is not None and now - row.last_login_at < login_delay:
                return LeaseOutcome.TOO_SOON
            row.last_login_at = now
            if exclusive:
                row.holder, row.expires_at = holder, now + ttl
    except IntegrityError:
        # Another session inserted the first row at the same moment: it logged in just now.
        return LeaseOutcome.IN_USE if exclusive else acquire_lease(
            db, mailbox_id, service, holder, exclusive=False, ttl=ttl, login_delay=login_delay, now=now)
    return LeaseOutcome.GRANTED


def renew_lease(db: Database, mailbox_id: int, service: str, holder: str, ttl: dt.timedelta,
                *, now: dt.datetime | None = None) -> bool:
    """Extend a held lease; False when ``holder`` no longer holds it (it ran out and was taken)."""
    now = now or utcnow()
    with db.transaction() as session:
        result = session.execute(
            update(MailboxLease)
            .where(MailboxLease.mailbox_id == mailbox_id, MailboxLease.service == service,
                   MailboxLease.holder == holder)
            .values(expires_at=now + ttl)
        )
        return bool(result.rowcount)


def release_lease(db: Database, mailbox_id: int, service: str, holder: str) -> None:
    """Give the mailbox back (a no-op when ``holder`` does not hold it)."""
    with db.transaction() as session:
        session.execute(
            update(MailboxLease)
            .where(MailboxLease.mailbox_id == mailbox_id, MailboxLease.service == service,
                   MailboxLease.holder == holder)
            .values(holder=None, expires_at=None)
        )
