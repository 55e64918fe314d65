"""``mailhive settings``: the reference (``help``) and values at server, post office and mailbox
scope (``get``, ``set``, ``unset``, ``list``). Ids and aliases are both accepted."""
from __future__ import annotations

import argparse
import textwrap
from itertools import groupby
from typing import Any

from mailhive.commands.base import Invocation, add_parser, group_parser
from provisioning.errors import InvalidInput, NotFound
from provisioning.models import SettingScope
from provisioning.services.mailboxes import get_mailbox
from provisioning.services.postoffices import get_postoffice
from provisioning.settings import (
    REGISTRY,
    Setting,
    lookup,
    matching,
    read_setting,
    read_settings,
    unset_setting,
    write_setting,
)

AREAS = {
    "server": "Server identity",
    "directory": "Directory: post offices, domains, mailboxes",
    "password": "Passwords",
    "auth": "Authentication",
    "store": "Message store",
    "smtp": "SMTP",
    "imap": "IMAP",
    "pop3": "POP3",
    "queue": "Queues and delivery",
    "webmail": "Webmail",
    "xmpp": "XMPP chat",
    "eas": "ActiveSync",
}
_SCOPE_ORDER = (SettingScope.SERVER, SettingScope.POSTOFFICE, SettingScope.MAILBOX)


def register(sub: Any) -> None:
    settings = group_parser(sub, "settings", "Read the settings reference; get and set values.")
    hlp = add_parser(settings, "help", settings_help, "Describe settings (all, or those matching PATTERN).")
    hlp.add_argument("pattern", nargs="?", help="a word or glob matched against ids, aliases and purposes")
    get = add_parser(settings, "get", settings_get, "Print the effective value of a setting.")
    get.add_argument("id")
    change = add_parser(settings, "set", settings_set, "Set a value at server (default), post office or mailbox scope.")
    change.add_argument("id")
    change.add_argument("value")
    unset = add_parser(settings, "unset", settings_unset, "Remove a value so the wider scope or default applies.")
    unset.add_argument("id")
    lst = add_parser(settings, "list", settings_list, "Print the settings whose value differs from the default.")
    for parser in (get, change, unset, lst):
        parser.add_argument("--postoffice", metavar="P")
        parser.add_argument("--mailbox", metavar="M", help="needs --postoffice")


def _scopes(setting: Setting) -> str:
    return ", ".join(s.value for s in _SCOPE_ORDER if s in setting.scopes)


def _shown(setting: Setting, value: Any) -> str:
    text = setting.render(value)
    return text if text else '""'


def describe(setting: Setting) -> list[str]:
    """A reference entry: id, then type, scopes, allowed values and default, then the purpose."""
    head = f"  {setting.id}" + (f"  (alias {', '.join(setting.aliases)})" if setting.aliases else "")
    default = _shown(setting, setting.default).replace("\n", "\\n")
    if len(default) > 60:
        default = default[:57] + "..."
    facts = f"{setting.type.value}; {setting.allowed}; default {default}; set per {_scopes(setting)}"
    body = textwrap.wrap(facts, 96, initial_indent="      ", subsequent_indent="      ")
    body += textwrap.wrap(setting.purpose, 96, initial_indent="      ", subsequent_indent="      ")
    return [head, *body]


def settings_help(args: argparse.Namespace, inv: Invocation) -> int:
    found = matching(args.pattern)
    if not found:
        raise NotFound(f"no setting matches {args.pattern!r}; `mailhive settings help` lists all {len(REGISTRY)}",
                       field="pattern")
    for area, settings in groupby(found, key=lambda s: s.id.split(".", 1)[0]):
        inv.say(f"{AREAS.get(area, area.capitalize())} ({area}.*)")
        for setting in settings:
            for line in describe(setting):
                inv.say(line)
        inv.say("")
    return 0


def _scope_ids(args: argparse.Namespace, inv: Invocation) -> tuple[int | None, int | None]:
    rt = inv.runtime
    if args.mailbox and not args.postoffice:
        raise InvalidInput("--mailbox needs --postoffice", field="postoffice")
    postoffice_id = get_postoffice(rt.ctx, rt.actor, args.postoffice).id if args.postoffice else None
    mailbox_id = get_mailbox(rt.ctx, rt.actor, args.postoffice, args.mailbox).id if args.mailbox else None
    return postoffice_id, mailbox_id


def _where(args: argparse.Namespace) -> str:
    if args.mailbox:
        return f"mailbox {args.mailbox}@{args.postoffice}"
    if args.postoffice:
        return f"post office {args.postoffice}"
    return "server"


def settings_get(args: argparse.Namespace, inv: Invocation) -> int:
    setting = lookup(args.id)
    postoffice_id, mailbox_id = _scope_ids(args, inv)
    with inv.runtime.db.sessions() as session:
        value = read_setting(session, setting.id, postoffice_id=postoffice_id, mailbox_id=mailbox_id)
    inv.say(setting.render(value))
    return 0


def settings_set(args: argparse.Namespace, inv: Invocation) -> int:
    setting = lookup(args.id)
    postoffice_id, mailbox_id = _scope_ids(args, inv)
    with inv.runtime.db.transaction() as session:
        stored = write_setting(session, inv.runtime.actor, setting.id, args.value,
                               postoffice_id=postoffice_id, mailbox_id=mailbox_id)
    inv.say(f"{setting.id} = {_shown(setting, stored)} ({_where(args)})")
    return 0


def settings_unset(args: argparse.Namespace, inv: Invocation) -> int:
    setting = lookup(args.id)
    postoffice_id, mailbox_id = _scope_ids(args, inv)
    with inv.runtime.db.transaction() as session:
        unset_setting(session, inv.runtime.actor, setting.id, postoffice_id=postoffice_id, mailbox_id=mailbox_id)
        value = read_setting(session, setting.id, postoffice_id=postoffice_id, mailbox_id=mailbox_id)
    inv.say(f"{setting.id} unset at {_where(args)}; now {_shown(setting, value)}")
    return 0


def settings_list(args: argparse.Namespace, inv: Invocation) -> int:
    postoffice_id, mailbox_id = _scope_ids(args, inv)
    with inv.runtime.db.sessions() as session:
        values = read_settings(session, sorted(REGISTRY), postoffice_id=postoffice_id, mailbox_id=mailbox_id)
    changed = [(REGISTRY[i], v) for i, v in sorted(values.items()) if v != REGISTRY[i].default]
    for setting, value in changed:
        inv.say(f"{setting.id} = {_shown(setting, value)}")
    if not changed:
        inv.say(f"every setting has its default value ({_where(args)})")
    return 0
