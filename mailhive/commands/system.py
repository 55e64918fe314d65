"""``mailhive init`` and ``mailhive serve``."""
from __future__ import annotations

import argparse
from typing import Any

from mailhive.commands.base import Invocation, add_parser

# The same table as mailhive.serve.DEFAULT_PORTS (a test keeps them equal); repeated so that other
# commands do not import Flask and Alembic just to build the parser.
DEFAULT_PORTS_TEXT = "smtp=2525,submission=2587,smtps=2465,imap=2143,imaps=2993,pop3=2110,pop3s=2995,xmpp=5222,http=8080"


def register(sub: Any) -> None:
    init = add_parser(sub, "init", cmd_init,
                      "Prepare the data directory and database (safe to run again).")
    init.add_argument("--demo", action="store_true",
                      help="also create post office 'demo' (domain demo.test, mailbox demo) if missing")
    srv = add_parser(sub, "serve", cmd_serve, "Run this node's services until SIGTERM or Ctrl-C.")
    srv.add_argument("--bind", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    srv.add_argument("--ports", default=DEFAULT_PORTS_TEXT, metavar="NAME=PORT,...",
                     help=f"services and ports (default {DEFAULT_PORTS_TEXT})")


def cmd_init(args: argparse.Namespace, inv: Invocation) -> int:
    from mailhive.initialise import initialise

    report = initialise(inv.config, demo=args.demo)
    for line in report.done:
        inv.say(line)
    if not report.done:
        inv.say(f"{inv.config.data_dir} is initialised; nothing to do")
    if report.credentials:
        inv.say("Demo credentials (shown once; change them with `mailhive mailbox set`):")
        for cred in report.credentials:
            inv.say(f"  {cred.login}  password: {cred.password}  ({cred.note})")
    return 0


def cmd_serve(args: argparse.Namespace, inv: Invocation) -> int:
    from mailhive.serve import parse_ports, serve

    ports = parse_ports(args.ports)
    return serve(inv.runtime, args.bind, ports, out=inv.out, err=inv.err)
