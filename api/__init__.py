"""The HTTP edge: Flask app factory, blueprints (/api/v1 admin, webmail, auth, autoconfig,
ActiveSync endpoint), Socket.IO namespaces and the OpenAPI document.

Thin by design: it parses requests, works out who is asking, calls services and shapes JSON.
"""
from __future__ import annotations

from api.app import create_app

__all__ = ["create_app"]
