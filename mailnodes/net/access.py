"""IP access control for a service: off, allow only the listed clients, or deny the listed ones
(patterns as in ``provisioning.settings.ip_patterns``)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from provisioning.settings.ip_patterns import IpPattern, matches_any, parse_patterns


@dataclass(frozen=True, slots=True)
class AccessControl:
    mode: str  # "off" | "allow_only" | "deny"
    patterns: tuple[IpPattern, ...] = ()

    @classmethod
    def of(cls, mode: str, items: Iterable[str]) -> AccessControl:
        if mode not in ("off", "allow_only", "deny"):
            raise ValueError(f"unknown access mode {mode!r}")
        return cls(mode, parse_patterns(items))

    def allows(self, address: str) -> bool:
        if self.mode == "off":
            return True
        listed = matches_any(self.patterns, address)
        return listed if self.mode == "allow_only" else not listed
