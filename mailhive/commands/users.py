"""``mailhive users import|export``: mailboxes to and from CSV."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mailhive.commands.base import Invocation, add_parser, comma_list, group_parser
from provisioning.errors import InvalidInput
from provisioning.services import users_io


def register(sub: Any) -> None:
    users = group_parser(sub, "users", "Import mailboxes from CSV, export them as CSV or TSV.")
    imp = add_parser(users, "import", users_import,
                     "Import rows 'emailaddress,password,quota,friendly name' (password, quota and name optional).")
    imp.add_argument("postoffice")
    imp.add_argument("file", help="CSV file, or - for standard input")
    imp.add_argument("--all-or-nothing", action="store_true", help="import nothing if any row is bad")
    exp = add_parser(users, "export", users_export, "Export the mailboxes of a post office.")
    exp.add_argument("postoffice")
    exp.add_argument("--format", choices=("csv", "tsv"), default="csv")
    exp.add_argument("--fields", type=comma_list, default=list(users_io.DEFAULT_EXPORT),
                     help=f"comma-separated, among {','.join(users_io.EXPORT_FIELDS)}"
                          f" (default {','.join(users_io.DEFAULT_EXPORT)})")
    exp.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text", field="file") from None


def users_import(args: argparse.Namespace, inv: Invocation) -> int:
    text = _read(args.file)
    rt = inv.runtime
    report = users_io.import_users(rt.ctx, rt.actor, args.postoffice, text, all_or_nothing=args.all_or_nothing)
    for error in report.errors:
        inv.warn(str(error))
    inv.say(f"imported {len(report.imported)} mailbox(es)"
            + (f", {len(report.errors)} row(s) refused" if report.errors else ""))
    for user in report.imported:
        if user.generated_password:
            inv.say(f"  {user.address}  password: {user.generated_password}")
    if report.errors and args.all_or_nothing:
        inv.warn("nothing was imported (--all-or-nothing)")
    return 1 if report.errors else 0


def users_export(args: argparse.Namespace, inv: Invocation) -> int:
    rt = inv.runtime
    text = users_io.export_users(rt.ctx, rt.actor, args.postoffice, fmt=args.format, fields=args.fields)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
    else:
        inv.out.write(text)
    return 0
