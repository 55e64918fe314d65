"""Listening sockets for an asyncio protocol server: several addresses on one port, a limit on
simultaneous connections, and a ``stop()`` that closes the listeners and then the connections.

A connection handler is ``async def handle(reader, writer)``; the listener owns the task it runs
in and closes the transport when it returns. Over the limit, ``refuse(writer)`` is awaited instead
(the protocol's "too busy" line) and the connection closed.
"""
from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import ssl
from collections.abc import Awaitable, Callable, Iterable

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]
Refuser = Callable[[asyncio.StreamWriter], Awaitable[None]]
log = logging.getLogger(__name__)

_IPV6_TWIN = {"127.0.0.1": "::1", "0.0.0.0": "::"}


def listen_addresses(configured: Iterable[str], default: str, *, ipv6: bool) -> list[str]:
    """The addresses to bind: the configured ones (or ``default``), plus the IPv6 twin of a
    loopback or wildcard IPv4 address when ``ipv6`` is on."""
    addresses = list(dict.fromkeys(configured)) or [default]
    if ipv6:
        addresses += [_IPV6_TWIN[a] for a in addresses if a in _IPV6_TWIN and _IPV6_TWIN[a] not in addresses]
    return addresses


def _shown(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


class Listener:
    """Bound sockets and the connections they accepted."""

    def __init__(self, name: str, handler: Handler, *, max_connections: int, refuse: Refuser | None,
                 ssl_context: ssl.SSLContext | None) -> None:
        self.name = name
        self.where = ""
        self._handler = handler
        self._max = max_connections
        self._refuse = refuse
        self._ssl = ssl_context
        self._servers: list[asyncio.Server] = []
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def connections(self) -> int:
        return len(self._tasks)

    async def _bind(self, addresses: list[str], port: int) -> None:
        for host in addresses:
            ipaddress.ip_address(host)  # a host name here would bind whatever it resolves to
            server = await asyncio.start_server(self._accept, host, port, ssl=self._ssl,
                                                ssl_handshake_timeout=30 if self._ssl else None)
            self._servers.append(server)
            port = port or server.sockets[0].getsockname()[1]  # port 0: the others share the first's
        self.where = ", ".join(_shown(s.sockets[0].getsockname()[0], s.sockets[0].getsockname()[1])
                               for s in self._servers)

    @property
    def port(self) -> int:
        return int(self._servers[0].sockets[0].getsockname()[1])

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            if self._max and len(self._tasks) > self._max:
                if self._refuse is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(self._refuse(writer), 5)
                return
            await self._handler(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, ssl.SSLError, TimeoutError):
            pass  # the client went away or broke TLS: nothing of ours to report
        except Exception:
            log.exception("%s: connection handler failed", self.name)
        finally:
            self._tasks.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=5)
        for server in self._servers:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(server.wait_closed(), 2)


async def listen(name: str, handler: Handler, addresses: list[str], port: int, *,
                 ssl_context: ssl.SSLContext | None = None, max_connections: int = 0,
                 refuse: Refuser | None = None) -> Listener:
    """Bind ``port`` on every address (port 0: a free port, the same on all of them)."""
    listener = Listener(name, handler, max_connections=max_connections, refuse=refuse, ssl_context=ssl_context)
    try:
        await listener._bind(addresses, port)
    except BaseException:
        await listener.stop()
        raise
    return listener
