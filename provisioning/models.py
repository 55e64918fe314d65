"""The directory's tables: post offices, domains, mailboxes, the address map, groups, lists,
redirections, autoresponders, delivery events, DKIM selectors, host headers, setting values and
login throttling.

Names are stored as given and looked up by a lower-cased ``*_key`` column, so "Sales" and "sales"
are one post office while the display keeps the case the administrator typed.
"""
from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from provisioning.db import Base, IntPK, Name, Timestamp, UTCDateTime, utcnow


def _enum(cls: type[enum.Enum]) -> Enum:
    # Store the value as a plain string (no native ENUM type): adding a member needs no migration.
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e],
                validate_strings=True)


class MailboxType(enum.Enum):
    USER = "USER"
    ADMIN = "ADMIN"
    SYSADMIN = "SYSADMIN"


class TargetKind(enum.Enum):
    MAILBOX = "MAILBOX"
    GROUP = "GROUP"
    LIST = "LIST"
    REMOTE = "REMOTE"


class SubscriptionMode(enum.Enum):
    OPEN = "open"
    CLOSED = "closed"
    CONFIRMED = "confirmed"


class PostingMode(enum.Enum):
    ANYONE = "anyone"
    SUBSCRIBERS = "subscribers"
    PASSWORD = "password"


class ReplyToMode(enum.Enum):
    LIST = "list"
    POSTER = "poster"
    MODERATOR = "moderator"


class SubjectPrefixMode(enum.Enum):
    NONE = "none"
    LIST_NAME = "list_name"
    CUSTOM = "custom"


class DeliveryEventTrigger(enum.Enum):
    PICKUP = "pickup"      # when the MTA picks a message up, before routing
    DELIVERY = "delivery"  # when a message is delivered into a mailbox


class PostOffice(Base):
    __tablename__ = "postoffices"

    id: Mapped[IntPK]
    name: Mapped[Name]
    name_key: Mapped[str] = mapped_column(String(255), unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    domains: Mapped[list[Domain]] = relationship(back_populates="postoffice", passive_deletes=True)
    mailboxes: Mapped[list[Mailbox]] = relationship(back_populates="postoffice", passive_deletes=True)


class Domain(Base):
    __tablename__ = "domains"

    id: Mapped[IntPK]
    postoffice_id: Mapped[int] = mapped_column(ForeignKey("postoffices.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(253), unique=True)  # lower-case, IDNA (A-label) form
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    abuse_target: Mapped[str | None] = mapped_column(String(320), default=None)
    postmaster_target: Mapped[str | None] = mapped_column(String(320), default=None)
    catchall_target: Mapped[str | None] = mapped_column(String(320), default=None)
    smarthost: Mapped[str | None] = mapped_column(String(262), default=None)  # host[:port]
    smarthost_authenticated_only: Mapped[bool] = mapped_column(Boolean, default=False)
    blacklisted_sender_domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    postoffice: Mapped[PostOffice] = relationship(back_populates="domains")


class Mailbox(Base):
    __tablename__ = "mailboxes"
    __table_args__ = (UniqueConstraint("postoffice_id", "name_key"),)

    id: Mapped[IntPK]
    postoffice_id: Mapped[int] = mapped_column(ForeignKey("postoffices.id", ondelete="CASCADE"), index=True)
    name: Mapped[Name]  # immutable once created
    name_key: Mapped[str] = mapped_column(String(255))
    type: Mapped[MailboxType] = mapped_column(_enum(MailboxType), default=MailboxType.USER)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Password-equivalent for CRAM-MD5/APOP, Fernet-encrypted with the server key; only kept while a
    # legacy mechanism is enabled.
    legacy_secret: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    quota_kb: Mapped[int] = mapped_column(BigInteger, default=0)  # 0 = unlimited
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    prevent_authentication: Mapped[bool] = mapped_column(Boolean, default=False)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    friendly_name: Mapped[str] = mapped_column(String(255), default="")
    reply_to: Mapped[str | None] = mapped_column(String(320), default=None)
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)
    password_changed_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    postoffice: Mapped[PostOffice] = relationship(back_populates="mailboxes")


class Group(Base):
    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("postoffice_id", "name_key"),)

    id: Mapped[IntPK]
    postoffice_id: Mapped[int] = mapped_column(ForeignKey("postoffices.id", ondelete="CASCADE"), index=True)
    name: Mapped[Name]
    name_key: Mapped[str] = mapped_column(String(255))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    description: Mapped[str] = mapped_column(Text, default="")

    members: Mapped[list[GroupMember]] = relationship(
        back_populates="group", cascade="all, delete-orphan", passive_deletes=True
    )


class GroupMember(Base):
    __tablename__ = "group_members"
    __table_args__ = (UniqueConstraint("group_id", "address"),)

    id: Mapped[IntPK]
    group_id: Mapped[int] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(320))  # local or remote, lower-cased domain
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)

    group: Mapped[Group] = relationship(back_populates="members")


class MailingList(Base):
    __tablename__ = "lists"
    __table_args__ = (UniqueConstraint("postoffice_id", "name_key"),)

    id: Mapped[IntPK]
    postoffice_id: Mapped[int] = mapped_column(ForeignKey("postoffices.id", ondelete="CASCADE"), index=True)
    name: Mapped[Name]
    name_key: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    subscription_mode: Mapped[SubscriptionMode] = mapped_column(
        _enum(SubscriptionMode), default=SubscriptionMode.CONFIRMED
    )
    posting_mode: Mapped[PostingMode] = mapped_column(_enum(PostingMode), default=PostingMode.SUBSCRIBERS)
    posting_password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    moderated: Mapped[bool] = mapped_column(Boolean, default=False)
    moderator: Mapped[str | None] = mapped_column(String(320), default=None)
    reply_to_mode: Mapped[ReplyToMode] = mapped_column(_enum(ReplyToMode), default=ReplyToMode.LIST)
    subject_prefix_mode: Mapped[SubjectPrefixMode] = mapped_column(
        _enum(SubjectPrefixMode), default=SubjectPrefixMode.LIST_NAME
    )
    subject_prefix: Mapped[str] = mapped_column(String(255), default="")
    header_text: Mapped[str] = mapped_column(Text, default="")
    footer_text: Mapped[str] = mapped_column(Text, default="")
    header_html: Mapped[str] = mapped_column(Text, default="")
    footer_html: Mapped[str] = mapped_column(Text, default="")
    help_enabled: Mapped[bool] = mapped_column(Boolean, default=True)

    members: Mapped[list[ListMember]] = relationship(
        back_populates="mailing_list", cascade="all, delete-orphan", passive_deletes=True
    )


class ListMember(Base):
    __tablename__ = "list_members"
    __table_args__ = (UniqueConstraint("list_id", "address"),)

    id: Mapped[IntPK]
    list_id: Mapped[int] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"), index=True)
    address: Mapped[str] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(255), default="")
    confirmed: Mapped[bool] = mapped_column(Boolean, default=True)
    confirmation_token: Mapped[str | None] = mapped_column(String(64), default=None)
    subscribed_at: Mapped[Timestamp] = mapped_column(default=utcnow)

    mailing_list: Mapped[MailingList] = relationship(back_populates="members")


class Address(Base):
    """The address map: one row per address, pointing at exactly one target."""

    __tablename__ = "addresses"
    __table_args__ = (
        CheckConstraint(
            "(target_kind = 'MAILBOX' AND mailbox_id IS NOT NULL AND group_id IS NULL AND list_id IS NULL)"
            " OR (target_kind = 'GROUP' AND group_id IS NOT NULL AND mailbox_id IS NULL AND list_id IS NULL)"
            " OR (target_kind = 'LIST' AND list_id IS NOT NULL AND mailbox_id IS NULL AND group_id IS NULL)"
            " OR (target_kind = 'REMOTE' AND remote_address IS NOT NULL"
            " AND mailbox_id IS NULL AND group_id IS NULL AND list_id IS NULL)",
            name="one_target",
        ),
    )

    id: Mapped[IntPK]
    address: Mapped[str] = mapped_column(String(320), unique=True)  # local part as given, domain lower
    postoffice_id: Mapped[int] = mapped_column(ForeignKey("postoffices.id", ondelete="CASCADE"), index=True)
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[TargetKind] = mapped_column(_enum(TargetKind))
    mailbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True, default=None
    )
    group_id: Mapped[int | None] = mapped_column(ForeignKey("groups.id", ondelete="CASCADE"), index=True, default=None)
    list_id: Mapped[int | None] = mapped_column(ForeignKey("lists.id", ondelete="CASCADE"), index=True, default=None)
    remote_address: Mapped[str | None] = mapped_column(String(320), default=None)


class Redirection(Base):
    __tablename__ = "redirections"

    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    keep_copy: Mapped[bool] = mapped_column(Boolean, default=False)


class Autoresponder(Base):
    __tablename__ = "autoresponders"

    mailbox_id: Mapped[int] = mapped_column(ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    subject: Mapped[str] = mapped_column(String(998), default="")
    body: Mapped[str] = mapped_column(Text, default="")
    reply_to: Mapped[str | None] = mapped_column(String(320), default=None)
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)


class DeliveryEvent(Base):
    """A command run by the MTA at pickup or on delivery, for the server, a post office or a
    mailbox (the narrowest scope that is set applies)."""

    __tablename__ = "delivery_events"

    id: Mapped[IntPK]
    postoffice_id: Mapped[int | None] = mapped_column(
        ForeignKey("postoffices.id", ondelete="CASCADE"), index=True, default=None
    )
    mailbox_id: Mapped[int | None] = mapped_column(
        ForeignKey("mailboxes.id", ondelete="CASCADE"), index=True, default=None
    )
    name: Mapped[Name]
    trigger: Mapped[DeliveryEventTrigger] = mapped_column(_enum(DeliveryEventTrigger))
    command: Mapped[str] = mapped_column(Text)
    arguments: Mapped[list[str]] = mapped_column(JSON, default=list)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class DkimSelector(Base):
    __tablename__ = "dkim_selectors"
    __table_args__ = (UniqueConstraint("domain_id", "selector"),)

    id: Mapped[IntPK]
    domain_id: Mapped[int] = mapped_column(ForeignKey("domains.id", ondelete="CASCADE"), index=True)
    selector: Mapped[str] = mapped_column(String(63))
    key_size: Mapped[int] = mapped_column(Integer, default=2048)
    private_key_encrypted: Mapped[bytes] = mapped_column(LargeBinary)  # PEM under the server key
    public_key: Mapped[str] = mapped_column(Text)  # base64 DER SubjectPublicKeyInfo, for the DNS TXT
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    test_mode: Mapped[bool] = mapped_column(Boolean, default=False)  # t=y
    granularity: Mapped[str] = mapped_column(String(64), default="")  # g= (legacy DKIM tag)
    notes: Mapped[str] = mapped_column(Text, default="")
    canonicalization_header: Mapped[str] = mapped_column(String(16), default="relaxed")
    canonicalization_body: Mapped[str] = mapped_column(String(16), default="relaxed")
    body_length_limit: Mapped[bool] = mapped_column(Boolean, default=False)  # l= tag
    include_identity: Mapped[bool] = mapped_column(Boolean, default=False)  # i= tag
    created_at: Mapped[Timestamp] = mapped_column(default=utcnow)


class HostHeader(Base):
    __tablename__ = "host_headers"
    __table_args__ = (UniqueConstraint("host", "ip", "port"),)

    id: Mapped[IntPK]
    host: Mapped[str] = mapped_column(String(253))  # lower-case
    ip: Mapped[str] = mapped_column(String(45), default="")  # "" = any address
    port: Mapped[int] = mapped_column(Integer, default=0)  # 0 = any port
    postoffice_id: Mapped[int | None] = mapped_column(
        ForeignKey("postoffices.id", ondelete="SET NULL"), index=True, default=None
    )
    skin: Mapped[str] = mapped_column(String(64), default="")
    language: Mapped[str] = mapped_column(String(16), default="")


class SettingScope(enum.Enum):
    SERVER = "server"
    POSTOFFICE = "postoffice"
    MAILBOX = "mailbox"


class SettingValue(Base):
    """A value set for a registry setting at one scope (``scope_id`` 0 for the server)."""

    __tablename__ = "setting_values"
    __table_args__ = (UniqueConstraint("setting_id", "scope", "scope_id"),)

    id: Mapped[IntPK]
    setting_id: Mapped[str] = mapped_column(String(128))
    scope: Mapped[SettingScope] = mapped_column(_enum(SettingScope))
    scope_id: Mapped[int] = mapped_column(BigInteger, default=0)
    value: Mapped[Any] = mapped_column(JSON)
    updated_at: Mapped[Timestamp] = mapped_column(default=utcnow, onupdate=utcnow)


Index("ix_setting_values_scope", SettingValue.scope, SettingValue.scope_id)


class LoginThrottle(Base):
    """Failed-login bookkeeping, shared by every node: one row per client IP and per username."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)  # "ip:1.2.3.4" / "user:name"
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[Timestamp] = mapped_column(default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), default=None)
