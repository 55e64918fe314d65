"""``mailhive store purge``: delete inbox messages older than N days, before a date, or all, for
the server, a post office or one mailbox."""
from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from mailhive.commands.base import Invocation, add_parser, group_parser
from provisioning.errors import InvalidInput
from provisioning.services.mailboxes import get_mailbox
from provisioning.services.postoffices import get_postoffice


def register(sub: Any) -> None:
    store = group_parser(sub, "store", "Maintain the message store.")
    purge = add_parser(store, "purge", store_purge,
                       "Delete inbox messages (of the server, a post office, or one mailbox).")
    which = purge.add_mutually_exclusive_group(required=True)
    which.add_argument("--older-than", type=int, metavar="DAYS", help="received more than DAYS days ago")
    which.add_argument("--before", metavar="DATE", help="received before DATE (ISO 8601; UTC unless a zone is given)")
    which.add_argument("--all", action="store_true", help="every inbox message")
    purge.add_argument("--postoffice", metavar="P")
    purge.add_argument("--mailbox", metavar="M", help="needs --postoffice")


def _date(text: str) -> dt.datetime:
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"--before: {text!r} is not an ISO 8601 date such as 2024-01-31", field="before") from None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def store_purge(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    if args.mailbox and not args.postoffice:
        raise InvalidInput("--mailbox needs --postoffice", field="postoffice")
    before = _date(args.before) if args.before else None
    postoffice_id = get_postoffice(rt.ctx, rt.actor, args.postoffice).id if args.postoffice else None
    mailbox_id = get_mailbox(rt.ctx, rt.actor, args.postoffice, args.mailbox).id if args.mailbox else None
    deleted = rt.store.purge_inbox(
        rt.actor, older_than_days=args.older_than, before=before, everything=args.all,
        postoffice_id=None if mailbox_id else postoffice_id, mailbox_id=mailbox_id,
    )
    inv.say(f"deleted {deleted} inbox message(s)")
    return 0
