"""TLS for the protocol servers: one server context from the node's certificate and key."""
from __future__ import annotations

import ssl
from pathlib import Path


def server_tls_context(cert_path: Path, key_path: Path) -> ssl.SSLContext:
    """TLS 1.2 or later with Python's secure defaults, for implicit TLS ports and STARTTLS/STLS."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    return context
