"""``mailhive group`` and ``mailhive list``: groups (one address fanning out to many) and
subscription lists."""
from __future__ import annotations

import argparse
from typing import Any

from mailhive.commands.base import Invocation, add_parser, boolean, every_page, group_parser, table
from provisioning.services import groups as group_svc
from provisioning.services import lists as list_svc


def register(sub: Any) -> None:
    _register_group(group_parser(sub, "group", "Create, list and delete groups; add and remove members."))
    _register_list(group_parser(sub, "list", "Create, change, list and delete lists; (un)subscribe members."))


def _po_name(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("postoffice")
    parser.add_argument("name")


# --- groups ------------------------------------------------------------------------------------

def _register_group(sub: Any) -> None:
    create = add_parser(sub, "create", group_create, "Create a group (an address on each domain).")
    _po_name(create)
    create.add_argument("--member", action="append", default=[], metavar="ADDRESS", help="repeatable")
    create.add_argument("--description", default="")
    _po_name(add_parser(sub, "delete", group_delete, "Delete a group."))
    add_parser(sub, "list", group_list, "List the groups of a post office with their members.").add_argument(
        "postoffice")
    for action, handler, text in (("add-member", group_add, "Add a member address to a group."),
                                  ("remove-member", group_remove, "Remove a member address from a group.")):
        parser = add_parser(sub, action, handler, text)
        _po_name(parser)
        parser.add_argument("address")


def group_create(args: argparse.Namespace, inv: Invocation) -> int:
    group = group_svc.create_group(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name,
                                   members=args.member, description=args.description)
    inv.say(f"created group {group.name} in post office {args.postoffice}")
    return 0


def group_delete(args: argparse.Namespace, inv: Invocation) -> int:
    group_svc.delete_group(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name)
    inv.say(f"deleted group {args.name}")
    return 0


def group_list(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    rows = []
    for group in every_page(lambda o, n: group_svc.list_groups(rt.ctx, rt.actor, args.postoffice, offset=o, limit=n)):
        members = group_svc.group_members(rt.ctx, rt.actor, args.postoffice, group.name)
        shown = ",".join(m.address + (" (disabled)" if m.disabled else "") for m in members) or "-"
        rows.append((group.name, "disabled" if group.disabled else "enabled", shown))
    for line in table(rows):
        inv.say(line)
    return 0


def group_add(args: argparse.Namespace, inv: Invocation) -> int:
    member = group_svc.add_group_member(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name, args.address)
    inv.say(f"added {member.address} to group {args.name}")
    return 0


def group_remove(args: argparse.Namespace, inv: Invocation) -> int:
    group_svc.remove_group_member(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name, args.address)
    inv.say(f"removed {args.address} from group {args.name}")
    return 0


# --- lists -------------------------------------------------------------------------------------

_LIST_OPTIONS: list[tuple[str, dict[str, Any]]] = [
    ("description", {}),
    ("subscription_mode", {"choices": ("open", "closed", "confirmed")}),
    ("posting_mode", {"choices": ("anyone", "subscribers", "password")}),
    ("posting_password", {}),
    ("moderated", {"type": boolean, "metavar": "true|false"}),
    ("moderator", {"metavar": "ADDRESS"}),
    ("reply_to_mode", {"choices": ("list", "poster", "moderator")}),
    ("subject_prefix_mode", {"choices": ("none", "list_name", "custom")}),
    ("subject_prefix", {}),
    ("header_text", {}),
    ("footer_text", {}),
    ("header_html", {}),
    ("footer_html", {}),
    ("help_enabled", {"type": boolean, "metavar": "true|false"}),
    ("disabled", {"type": boolean, "metavar": "true|false"}),
]


def _list_options(parser: argparse.ArgumentParser) -> None:
    for name, kwargs in _LIST_OPTIONS:
        parser.add_argument("--" + name.replace("_", "-"), dest=name, **kwargs)


def _chosen(args: argparse.Namespace) -> dict[str, Any]:
    return {name: getattr(args, name) for name, _ in _LIST_OPTIONS if getattr(args, name) is not None}


def _register_list(sub: Any) -> None:
    create = add_parser(sub, "create", list_create, "Create a list (an address on each domain).")
    _po_name(create)
    _list_options(create)
    change = add_parser(sub, "set", list_set, "Change a list's options.")
    _po_name(change)
    _list_options(change)
    _po_name(add_parser(sub, "delete", list_delete, "Delete a list and its members."))
    add_parser(sub, "list", list_list, "List the lists of a post office.").add_argument("postoffice")
    _po_name(add_parser(sub, "members", list_members, "List the members of a list."))
    subscribe = add_parser(sub, "subscribe", list_subscribe, "Subscribe an address to a list.")
    _po_name(subscribe)
    subscribe.add_argument("address")
    subscribe.add_argument("--display-name", default="")
    subscribe.add_argument("--unconfirmed", action="store_true",
                           help="the member must confirm (the list server mails a token)")
    unsubscribe = add_parser(sub, "unsubscribe", list_unsubscribe, "Remove an address from a list.")
    _po_name(unsubscribe)
    unsubscribe.add_argument("address")


def list_create(args: argparse.Namespace, inv: Invocation) -> int:
    row = list_svc.create_list(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name, **_chosen(args))
    inv.say(f"created list {row.name} in post office {args.postoffice}")
    return 0


def list_set(args: argparse.Namespace, inv: Invocation) -> int:
    options = _chosen(args)
    if not options:
        inv.warn("mailhive: error: nothing to change; give at least one option (see --help)")
        return 2
    list_svc.update_list(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name, **options)
    inv.say(f"updated list {args.name}: {', '.join(sorted(options))}")
    return 0


def list_delete(args: argparse.Namespace, inv: Invocation) -> int:
    list_svc.delete_list(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name)
    inv.say(f"deleted list {args.name}")
    return 0


def list_list(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    rows = []
    for row in every_page(lambda o, n: list_svc.list_lists(rt.ctx, rt.actor, args.postoffice, offset=o, limit=n)):
        members = list_svc.list_members(rt.ctx, rt.actor, args.postoffice, row.name, limit=1).total
        rows.append((row.name, f"subscription={row.subscription_mode.value}", f"posting={row.posting_mode.value}",
                     f"members={members}", "disabled" if row.disabled else ""))
    for line in table(rows):
        inv.say(line)
    return 0


def list_members(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    members = every_page(lambda o, n: list_svc.list_members(rt.ctx, rt.actor, args.postoffice, args.name,
                                                            offset=o, limit=n))
    for line in table([(m.address, m.name or "-", "confirmed" if m.confirmed else "unconfirmed") for m in members]):
        inv.say(line)
    return 0


def list_subscribe(args: argparse.Namespace, inv: Invocation) -> int:
    member = list_svc.subscribe(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name, args.address,
                                display_name=args.display_name, confirmed=not args.unconfirmed)
    inv.say(f"subscribed {member.address} to list {args.name}")
    return 0


def list_unsubscribe(args: argparse.Namespace, inv: Invocation) -> int:
    list_svc.unsubscribe(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name, args.address)
    inv.say(f"unsubscribed {args.address} from list {args.name}")
    return 0
