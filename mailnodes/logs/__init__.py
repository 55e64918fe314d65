"""The node's logs: per-service activity logs (one tab-separated line per protocol exchange)."""
from __future__ import annotations

from mailnodes.logs.activity import ActivityLog

__all__ = ["ActivityLog"]
