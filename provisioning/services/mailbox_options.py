"""What a mailbox does with its mail besides keeping it: redirection (to other addresses, with or
without a copy kept), the autoresponder (subject, body, reply-to, active window), and delivery
events (commands run by the MTA at pickup or on delivery).

Delivery events run commands on the server, so only server administrators may define them, even
for a single post office or mailbox.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, TypeVar

from sqlalchemy import select

from provisioning import names
from provisioning.context import Context
from provisioning.errors import InvalidInput, NotFound
from provisioning.models import Autoresponder, DeliveryEvent, DeliveryEventTrigger, Redirection
from provisioning.principal import Principal
from provisioning.services._common import (
    check_bool,
    check_text,
    find_mailbox_in,
    find_postoffice,
    reject_unknown,
)

MAX_REDIRECT_TARGETS = 100


# --- redirection -------------------------------------------------------------------------------

def set_redirection(
    ctx: Context, actor: Principal, postoffice: str | int, mailbox: str, targets: list[str], *,
    keep_copy: bool = False, enabled: bool = True,
) -> Redirection:
    if not isinstance(targets, list) or not targets:
        raise InvalidInput("a redirection needs at least one target address", field="targets")
    if len(targets) > MAX_REDIRECT_TARGETS:
        raise InvalidInput(f"at most {MAX_REDIRECT_TARGETS} targets", field="targets")
    cleaned = list(dict.fromkeys(names.address(t, field="targets") for t in targets))
    with ctx.db.transaction() as session:
        owner = find_mailbox_in(session, actor, postoffice, mailbox, write=True)
        row = session.get(Redirection, owner.id) or Redirection(mailbox_id=owner.id)
        row.targets, row.keep_copy, row.enabled = cleaned, check_bool(keep_copy, "keep_copy"), check_bool(enabled, "enabled")
        session.add(row)
        session.flush()
        return row


def get_redirection(ctx: Context, actor: Principal, postoffice: str | int, mailbox: str) -> Redirection | None:
    return _get_option(ctx, actor, postoffice, mailbox, Redirection)


def clear_redirection(ctx: Context, actor: Principal, postoffice: str | int, mailbox: str) -> None:
    _clear_option(ctx, actor, postoffice, mailbox, Redirection)


OptionRow = TypeVar("OptionRow", Redirection, Autoresponder)


def _get_option(
    ctx: Context, actor: Principal, postoffice: str | int, mailbox: str, model: type[OptionRow]
) -> OptionRow | None:
    with ctx.db.transaction() as session:
        return session.get(model, find_mailbox_in(session, actor, postoffice, mailbox).id)


def _clear_option(ctx: Context, actor: Principal, postoffice: str | int, mailbox: str, model: type[OptionRow]) -> None:
    with ctx.db.transaction() as session:
        row = session.get(model, find_mailbox_in(session, actor, postoffice, mailbox, write=True).id)
        if row is not None:
            session.delete(row)


# --- autoresponder -----------------------------------------------------------------------------

def _aware(value: Any, field: str) -> dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            raise InvalidInput(f"{field} must be an ISO 8601 date and time", field=field) from None
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise InvalidInput(f"{field} must be a date and time with a time zone", field=field)
    return value


def set_autoresponder(
    ctx: Context, actor: Principal, postoffice: str | int, mailbox: str, *, subject: str, body: str,
    reply_to: str | None = None, starts_at: Any = None, ends_at: Any = None, enabled: bool = True,
) -> Autoresponder:
    start, end = _aware(starts_at, "starts_at"), _aware(ends_at, "ends_at")
    if start and end and start >= end:
        raise InvalidInput("the autoresponder must start before it ends", field="ends_at")
    with ctx.db.transaction() as session:
        owner = find_mailbox_in(session, actor, postoffice, mailbox, write=True)
        row = session.get(Autoresponder, owner.id) or Autoresponder(mailbox_id=owner.id)
        row.subject = check_text(subject, "subject", max_length=998)
        row.body = check_text(body, "body", max_length=65536, single_line=False)
        row.reply_to = None if reply_to in (None, "") else names.address(reply_to, field="reply_to")
        row.starts_at, row.ends_at, row.enabled = start, end, check_bool(enabled, "enabled")
        session.add(row)
        session.flush()
        return row


def get_autoresponder(ctx: Context, actor: Principal, postoffice: str | int, mailbox: str) -> Autoresponder | None:
    return _get_option(ctx, actor, postoffice, mailbox, Autoresponder)


def clear_autoresponder(ctx: Context, actor: Principal, postoffice: str | int, mailbox: str) -> None:
    _clear_option(ctx, actor, postoffice, mailbox, Autoresponder)


# --- delivery events ---------------------------------------------------------------------------

_EVENT_FIELDS = {"name", "trigger", "command", "arguments", "enabled", "position"}


def _apply_event(row: DeliveryEvent, fields: dict[str, Any]) -> None:
    reject_unknown(fields, _EVENT_FIELDS)
    if "name" in fields:
        row.name = check_text(fields["name"], "name")
    if "trigger" in fields:
        try:
            row.trigger = DeliveryEventTrigger(str(fields["trigger"]).lower())
        except ValueError:
            raise InvalidInput("trigger must be pickup or delivery", field="trigger") from None
    if "command" in fields:
        command = check_text(fields["command"], "command", max_length=4096)
        if not command.strip():
            raise InvalidInput("a delivery event needs a command", field="command")
        row.command = command
    if "arguments" in fields:
        args = fields["arguments"]
        if not isinstance(args, list) or not all(isinstance(a, str) and "\0" not in a for a in args):
            raise InvalidInput("arguments must be a list of strings", field="arguments")
        row.arguments = list(args)
    if "enabled" in fields:
        row.enabled = check_bool(fields["enabled"], "enabled")
    if "position" in fields:
        if isinstance(fields["position"], bool) or not isinstance(fields["position"], int):
            raise InvalidInput("position must be an integer", field="position")
        row.position = fields["position"]


def add_delivery_event(
    ctx: Context, actor: Principal, *, postoffice: str | int | None = None, mailbox: str | None = None,
    **fields: Any,
) -> DeliveryEvent:
    """A command for the server (no post office), a post office, or one of its mailboxes."""
    actor.require_server_admin()
    for required in ("name", "trigger", "command"):
        if required not in fields:
            raise InvalidInput(f"{required} is required", field=required)
    with ctx.db.transaction() as session:
        row = DeliveryEvent(arguments=[], enabled=True, position=0)
        if postoffice is not None:
            po = find_postoffice(session, actor, postoffice, write=True)
            row.postoffice_id = po.id
            if mailbox is not None:
                row.mailbox_id = find_mailbox_in(session, actor, po.id, mailbox, write=True).id
        elif mailbox is not None:
            raise InvalidInput("a mailbox event needs its post office", field="postoffice")
        _apply_event(row, fields)
        session.add(row)
        session.flush()
        return row


def update_delivery_event(ctx: Context, actor: Principal, event_id: int, **fields: Any) -> DeliveryEvent:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        row = session.get(DeliveryEvent, event_id)
        if row is None:
            raise NotFound(f"no delivery event {event_id}", field="id")
        _apply_event(row, fields)
        session.flush()
        return row


def delete_delivery_event(ctx: Context, actor: Principal, event_id: int) -> None:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        row = session.get(DeliveryEvent, event_id)
        if row is None:
            raise NotFound(f"no delivery event {event_id}", field="id")
        session.delete(row)


def list_delivery_events(ctx: Context, actor: Principal, *, postoffice: str | int | None = None) -> list[DeliveryEvent]:
    actor.require_server_admin()
    with ctx.db.transaction() as session:
        query = select(DeliveryEvent).order_by(DeliveryEvent.position, DeliveryEvent.id)
        if postoffice is not None:
            query = query.where(DeliveryEvent.postoffice_id == find_postoffice(session, actor, postoffice).id)
        return list(session.scalars(query))
