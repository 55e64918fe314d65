"""Tables of ``mailnodes.auth``: mailbox leases and POP-before-SMTP logins."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from provisioning.db import Base, Timestamp, UTCDateTime


class MailboxLease(Base):
    """One row per (mailbox, service) once the service was used. ``holder`` is the session that
    has exclusive access until ``expires_at`` (renewed while it lives, so a crashed node's lease
    runs out); ``last_login_at`` serves the LOGIN-DELAY rule."""

    __tablename__ = "mailbox_leases"

    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(String(16), primary_key=True)
    holder: Mapped[str | None] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())


class RelayLogin(Base):
    """The latest successful POP3 login from a client IP (POP-before-SMTP)."""

    __tablename__ = "relay_logins"

    ip: Mapped[str] = mapped_column(String(45), primary_key=True)
    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True)
    logged_in_at: Mapped[Timestamp] = mapped_column(index=True)
