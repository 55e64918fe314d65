"""The ``mailhive`` command line: parses arguments, builds the ``Config`` once (arguments, then
``MAILHIVE_DATA`` / ``MAILHIVE_DB_URL``, then defaults), runs one command as the system principal
and turns every user error into one line on stderr and a non-zero exit.

Exit codes: 0 success · 1 the request was refused (a MailhiveError, a data directory that is not
initialised, a database that does not answer) · 2 the command line itself is wrong.
"""
from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, TextIO

from sqlalchemy.exc import OperationalError

from mailhive.commands import directory, groups_lists, settings_cmd, store_cmd, system, users
from mailhive.commands.base import Invocation
from mailhive.config import DEFAULT_DATA_DIR, ENV_DATA, ENV_DB_URL, Config, ConfigError
from mailhive.runtime import NotInitialised
from provisioning.errors import MailhiveError


class Parser(argparse.ArgumentParser):
    """Argument errors as one line (no usage dump); ``-h`` still prints the full help."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser() -> Parser:
    parser = Parser(prog="mailhive", description="Mailhive: multi-tenant mail server suite.")
    parser.add_argument("--data", metavar="DIR",
                        help=f"data directory (default ${ENV_DATA} or {DEFAULT_DATA_DIR})")
    parser.add_argument("--db", metavar="URL",
                        help=f"database URL (default ${ENV_DB_URL} or sqlite:///<data>/mailhive.db)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (system, directory, groups_lists, users, settings_cmd, store_cmd):
        module.register(sub)
    return parser


def _fail(err: TextIO, message: str, code: int = 1) -> int:
    print(f"mailhive: error: {message}", file=err)
    return code


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    args = build_parser().parse_args(argv)
    try:
        config = Config.from_sources(data=args.data, db=args.db, environ=os.environ)
    except ConfigError as exc:
        return _fail(err, str(exc))
    invocation = Invocation(config, out, err)
    try:
        return int(args.handler(args, invocation) or 0)
    except MailhiveError as exc:
        return _fail(err, exc.message)
    except NotInitialised as exc:
        return _fail(err, str(exc))
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else "no answer"
        return _fail(err, f"database {config.describe_db()}: {reason}")
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:
        where = f" {exc.filename}" if exc.filename else ""
        return _fail(err, f"{exc.strerror or exc}{where}")
    except KeyboardInterrupt:
        return 130
    finally:
        invocation.close()


if __name__ == "__main__":
    raise SystemExit(main())
