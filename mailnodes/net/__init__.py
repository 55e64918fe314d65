"""The shared asyncio runtime of the protocol servers: listeners with connection limits and
orderly shutdown (``listener``), TLS contexts (``tls``), and IP access control (``access``).
Protocol cores never import it; their asyncio adapters do."""
from __future__ import annotations

from mailnodes.net.access import AccessControl
from mailnodes.net.listener import Listener, listen, listen_addresses
from mailnodes.net.tls import server_tls_context

__all__ = ["AccessControl", "Listener", "listen", "listen_addresses", "server_tls_context"]
