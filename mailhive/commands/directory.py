"""``mailhive postoffice``, ``domain`` and ``mailbox``: the directory's core objects."""
from __future__ import annotations

import argparse
from typing import Any

from mailhive.commands.base import Invocation, add_parser, boolean, every_page, group_parser, table
from provisioning.auth import password_policy
from provisioning.models import Mailbox
from provisioning.services import domains as domain_svc
from provisioning.services import mailboxes as mailbox_svc
from provisioning.services import postoffices as po_svc

MAILBOX_TYPES = ("USER", "ADMIN", "SYSADMIN")


def register(sub: Any) -> None:
    _register_postoffice(group_parser(sub, "postoffice", "Create, list and delete post offices."))
    _register_domain(group_parser(sub, "domain", "Add, list and remove domains of post offices."))
    _register_mailbox(group_parser(sub, "mailbox", "Create, list, change and delete mailboxes."))


# --- post offices ------------------------------------------------------------------------------

def _register_postoffice(sub: Any) -> None:
    create = add_parser(sub, "create", po_create, "Create a post office and its postmaster mailbox.")
    create.add_argument("name")
    create.add_argument("--password", help="the postmaster's password (generated and printed if omitted)")
    create.add_argument("--description", default="")
    add_parser(sub, "list", po_list, "List post offices.")
    delete = add_parser(sub, "delete", po_delete, "Delete a post office and everything it owns.")
    delete.add_argument("name")


def po_create(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    password = args.password
    if password is None:
        with rt.db.sessions() as session:
            password = password_policy(session, None).generate()
    po = po_svc.create_postoffice(rt.ctx, rt.actor, args.name, password, description=args.description)
    inv.say(f"created post office {po.name} with mailbox postmaster")
    if args.password is None:
        inv.say(f"postmaster@{po.name} password: {password}")
    return 0


def po_list(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    rows = [(po.name, "disabled" if po.disabled else "enabled", po.description.splitlines()[0] if po.description else "")
            for po in every_page(lambda o, n: po_svc.list_postoffices(rt.ctx, rt.actor, offset=o, limit=n))]
    for line in table(rows):
        inv.say(line)
    return 0


def po_delete(args: argparse.Namespace, inv: Invocation) -> int:
    po_svc.delete_postoffice(inv.runtime.ctx, inv.runtime.actor, args.name)
    inv.say(f"deleted post office {args.name}")
    return 0


# --- domains -----------------------------------------------------------------------------------

def _register_domain(sub: Any) -> None:
    add = add_parser(sub, "add", domain_add, "Add a domain to a post office.")
    add.add_argument("postoffice")
    add.add_argument("domain")
    lst = add_parser(sub, "list", domain_list, "List domains (of one post office, or all).")
    lst.add_argument("postoffice", nargs="?")
    remove = add_parser(sub, "remove", domain_remove, "Remove a domain and its addresses.")
    remove.add_argument("domain")


def domain_add(args: argparse.Namespace, inv: Invocation) -> int:
    domain = domain_svc.add_domain(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.domain)
    inv.say(f"added domain {domain.name} to post office {args.postoffice}")
    return 0


def domain_list(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    names = {po.id: po.name for po in every_page(lambda o, n: po_svc.list_postoffices(rt.ctx, rt.actor, offset=o, limit=n))}
    domains = every_page(lambda o, n: domain_svc.list_domains(rt.ctx, rt.actor, args.postoffice, offset=o, limit=n))
    rows = [(d.name, names.get(d.postoffice_id, "?"), "disabled" if d.disabled else "") for d in domains]
    for line in table(rows):
        inv.say(line)
    return 0


def domain_remove(args: argparse.Namespace, inv: Invocation) -> int:
    domain_svc.remove_domain(inv.runtime.ctx, inv.runtime.actor, args.domain)
    inv.say(f"removed domain {args.domain}")
    return 0


# --- mailboxes ---------------------------------------------------------------------------------

def _mailbox_options(parser: argparse.ArgumentParser, *, creating: bool) -> None:
    parser.add_argument("--password", help="(generated and printed if omitted)" if creating else None)
    parser.add_argument("--quota", type=int, metavar="KB", help="quota in KB (0 = unlimited)")
    parser.add_argument("--type", type=str.upper, choices=MAILBOX_TYPES)
    parser.add_argument("--name" if creating else "--friendly-name", dest="friendly_name",
                        metavar="FRIENDLY", help="display name")
    if not creating:
        parser.add_argument("--disabled", type=boolean, metavar="true|false")
        parser.add_argument("--must-change-password", type=boolean, metavar="true|false")
        parser.add_argument("--prevent-auth", type=boolean, metavar="true|false",
                            help="refuse every login to this mailbox")
        parser.add_argument("--reply-to", metavar="ADDRESS", help="reply-to address ('' to clear)")


def _register_mailbox(sub: Any) -> None:
    create = add_parser(sub, "create", mb_create, "Create a mailbox (an address on each domain).")
    create.add_argument("postoffice")
    create.add_argument("name")
    _mailbox_options(create, creating=True)
    lst = add_parser(sub, "list", mb_list, "List the mailboxes of a post office.")
    lst.add_argument("postoffice")
    change = add_parser(sub, "set", mb_set, "Change a mailbox.")
    change.add_argument("postoffice")
    change.add_argument("name")
    _mailbox_options(change, creating=False)
    delete = add_parser(sub, "delete", mb_delete, "Delete a mailbox and its messages.")
    delete.add_argument("postoffice")
    delete.add_argument("name")


def mb_create(args: argparse.Namespace, inv: Invocation) -> int:
    options: dict[str, Any] = {}
    if args.quota is not None:
        options["quota_kb"] = args.quota
    if args.type is not None:
        options["type"] = args.type
    if args.friendly_name is not None:
        options["friendly_name"] = args.friendly_name
    created = mailbox_svc.create_mailbox(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name,
                                         args.password, **options)
    addresses = ", ".join(created.addresses) or "no address yet (the post office has no domain)"
    inv.say(f"created mailbox {created.mailbox.name}@{args.postoffice}: {addresses}")
    if created.generated_password:
        inv.say(f"password: {created.generated_password}")
    return 0


def _flags(mailbox: Mailbox) -> str:
    flags = [name for name, on in (("disabled", mailbox.disabled), ("no-auth", mailbox.prevent_authentication),
                                   ("must-change-password", mailbox.must_change_password)) if on]
    return ",".join(flags) or "-"


def mb_list(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    rows: list[tuple[object, ...]] = [("NAME", "TYPE", "QUOTA", "ADDRESSES", "FLAGS")]
    for mb in every_page(lambda o, n: mailbox_svc.list_mailboxes(rt.ctx, rt.actor, args.postoffice, offset=o, limit=n)):
        addresses = mailbox_svc.mailbox_addresses(rt.ctx, rt.actor, args.postoffice, mb.name)
        quota = f"{mb.quota_kb} KB" if mb.quota_kb else "unlimited"
        rows.append((mb.name, mb.type.value, quota, ",".join(addresses) or "-", _flags(mb)))
    for line in table(rows):
        inv.say(line)
    return 0


_SET_FIELDS = {
    "password": "password", "quota": "quota_kb", "type": "type", "friendly_name": "friendly_name",
    "disabled": "disabled", "must_change_password": "must_change_password",
    "prevent_auth": "prevent_authentication", "reply_to": "reply_to",
}


def mb_set(args: argparse.Namespace, inv: Invocation) -> int:
    changes = {field: getattr(args, arg) for arg, field in _SET_FIELDS.items() if getattr(args, arg) is not None}
    if not changes:
        inv.warn("mailhive: error: nothing to change; give at least one option (see --help)")
        return 2
    mailbox_svc.update_mailbox(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name, **changes)
    inv.say(f"updated mailbox {args.name}@{args.postoffice}: {', '.join(sorted(changes))}")
    return 0


def mb_delete(args: argparse.Namespace, inv: Invocation) -> int:
    mailbox_svc.delete_mailbox(inv.runtime.ctx, inv.runtime.actor, args.postoffice, args.name)
    inv.say(f"deleted mailbox {args.name}@{args.postoffice}")
    return 0
