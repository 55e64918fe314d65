"""``mailhive serve``: start the services of this node and run until SIGTERM or SIGINT.

The service table maps each name to a starter, ``async def start(runtime, bind, port) ->
Stoppable``, or to None while the service is not built. Protocol servers (SMTP, IMAP, POP3, XMPP)
are asyncio servers and plug in here: their starters open listeners on the running loop and
return an object whose ``stop()`` closes them. HTTP runs werkzeug's threaded server in a thread,
which is enough for development; production serves ``api`` with gunicorn (docs/operations.md).
"""
from __future__ import annotations

import asyncio
import signal
import socket
import ssl
import sys
import threading
from collections.abc import Awaitable, Callable
from typing import Protocol, TextIO

from werkzeug.serving import BaseWSGIServer, make_server

from api import create_app
from mailhive.runtime import Runtime
from mailnodes.net import server_tls_context
from mailnodes.pop3.server import serve_pop3
from provisioning.errors import InvalidInput

DEFAULT_PORTS: dict[str, int] = {
    "smtp": 2525,
    "submission": 2587,
    "smtps": 2465,
    "imap": 2143,
    "imaps": 2993,
    "pop3": 2110,
    "pop3s": 2995,
    "xmpp": 5222,
    "http": 8080,
}


class Stoppable(Protocol):
    where: str  # what the service listens on, as printed to the operator

    async def stop(self) -> None:
        """Stop accepting, finish or drop what is in flight, release the port."""


Starter = Callable[[Runtime, str, int], Awaitable[Stoppable]]


class HttpService:
    """The Flask app on werkzeug's threaded server, in a thread of its own."""

    def __init__(self, server: BaseWSGIServer) -> None:
        self._server = server
        host = server.host if ":" not in server.host else f"[{server.host}]"
        self.where = f"http://{host}:{server.port}/"
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                        name="http", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        await asyncio.to_thread(self._server.shutdown)
        await asyncio.to_thread(self._thread.join, 5)
        self._server.server_close()


async def start_http(runtime: Runtime, bind: str, port: int) -> Stoppable:
    app = create_app({
        "MAILHIVE_DATABASE": runtime.db,
        "MAILHIVE_CONTEXT": runtime.ctx,
        "MAILHIVE_STORE": runtime.store,
    })
    # Bind here rather than in werkzeug, which prints and exits the process when a port is taken.
    family = socket.AF_INET6 if ":" in bind else socket.AF_INET
    with socket.create_server((bind, port), family=family) as listener:
        bound_port = listener.getsockname()[1]
        server = make_server(bind, bound_port, app, threaded=True, fd=listener.fileno())  # dups the fd
    return HttpService(server)


def _tls_context(runtime: Runtime) -> ssl.SSLContext | None:
    """The node's certificate, or None when there is none (then no STLS/STARTTLS is offered)."""
    config = runtime.config
    if not (config.tls_cert_path.exists() and config.tls_key_path.exists()):
        return None
    return server_tls_context(config.tls_cert_path, config.tls_key_path)


async def _start_pop3(runtime: Runtime, bind: str, port: int, *, implicit_tls: bool) -> Stoppable:
    context = _tls_context(runtime)
    if implicit_tls and context is None:
        raise OSError(f"no TLS certificate in {runtime.config.tls_dir}; run `mailhive init`")
    return await serve_pop3(runtime.ctx, runtime.store, bind=bind, port=port, implicit_tls=implicit_tls,
                            tls_context=context, log_dir=runtime.config.log_dir)


async def start_pop3(runtime: Runtime, bind: str, port: int) -> Stoppable:
    return await _start_pop3(runtime, bind, port, implicit_tls=False)


async def start_pop3s(runtime: Runtime, bind: str, port: int) -> Stoppable:
    return await _start_pop3(runtime, bind, port, implicit_tls=True)


SERVICES: dict[str, Starter | None] = {
    "smtp": None,
    "submission": None,
    "smtps": None,
    "imap": None,
    "imaps": None,
    "pop3": start_pop3,
    "pop3s": start_pop3s,
    "xmpp": None,
    "http": start_http,
}


def parse_ports(text: str) -> dict[str, int]:
    """``smtp=2525,http=8080`` as a dict; an unknown service or a bad port is InvalidInput."""
    ports: dict[str, int] = {}
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        name, sep, value = item.partition("=")
        name = name.strip().lower()
        if name not in SERVICES:
            raise InvalidInput(f"unknown service {name!r} in --ports; known: {', '.join(SERVICES)}", field="ports")
        if not sep or not value.strip().isdigit() or not 0 <= int(value) <= 65535:
            raise InvalidInput(f"{name}: port must be a number from 0 to 65535, got {value.strip()!r}",
                               field="ports")
        ports[name] = int(value)
    if not ports:
        raise InvalidInput("--ports names no service", field="ports")
    return ports


async def run_services(
    runtime: Runtime, bind: str, ports: dict[str, int], stop: asyncio.Event, out: TextIO, err: TextIO
) -> int:
    """Start every service named in ``ports``, wait for ``stop``, then stop them in reverse order."""
    started: list[Stoppable] = []
    try:
        for name, port in ports.items():
            starter = SERVICES[name]
            if starter is None:
                print(f"{name}: not built yet, skipped", file=err, flush=True)
                continue
            try:
                service = await starter(runtime, bind, port)
            except OSError as exc:
                print(f"{name}: cannot listen on {bind}:{port}: {exc.strerror or exc}", file=err, flush=True)
                return 1
            started.append(service)
            print(f"{name}: listening on {service.where}", file=out, flush=True)
        if not started:
            print("no service to run", file=err, flush=True)
            return 1
        print("serving; stop with Ctrl-C or SIGTERM", file=out, flush=True)
        await stop.wait()
    finally:
        for service in reversed(started):
            await service.stop()
    print("stopped", file=out, flush=True)
    return 0


def serve(runtime: Runtime, bind: str, ports: dict[str, int], *, out: TextIO = sys.stdout,
          err: TextIO = sys.stderr) -> int:
    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        return await run_services(runtime, bind, ports, stop, out, err)

    return asyncio.run(main())
