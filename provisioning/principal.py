"""Who is acting: the principal every service call takes, and the checks services make with it.

A principal is a SYSADMIN (everything), a post office ADMIN (its own post office), a mailbox USER
(its own mailbox), or an API key scoped to the whole server or to a set of post offices, read-only
or read-write. Services check the principal themselves (DESIGN principle 7), so a route that
forgets a check still cannot cross tenants.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from provisioning.errors import NotFound, PermissionDenied


class Role(enum.Enum):
    SYSADMIN = "SYSADMIN"
    ADMIN = "ADMIN"
    USER = "USER"
    APIKEY = "APIKEY"


@dataclass(frozen=True, slots=True)
class Principal:
    """The acting party. ``postoffice_ids`` is None for server-wide API keys and SYSADMINs."""

    role: Role
    name: str
    mailbox_id: int | None = None
    postoffice_ids: frozenset[int] | None = None
    read_only: bool = False

    @classmethod
    def system(cls, name: str = "system") -> Principal:
        """The server itself (CLI, maintenance jobs): may do everything."""
        return cls(Role.SYSADMIN, name)

    @property
    def is_server_wide(self) -> bool:
        return self.role is Role.SYSADMIN or (
            self.role is Role.APIKEY and self.postoffice_ids is None
        )

    def may_see_postoffice(self, postoffice_id: int) -> bool:
        if self.is_server_wide:
            return True
        return self.postoffice_ids is not None and postoffice_id in self.postoffice_ids

    def require_server_admin(self) -> None:
        """Server-wide changes: SYSADMIN or a server-wide read-write API key."""
        if not self.is_server_wide:
            raise PermissionDenied("this needs a server administrator")
        self.require_writable()

    def require_writable(self) -> None:
        if self.read_only:
            raise PermissionDenied("this key is read-only")

    def require_postoffice(self, postoffice_id: int, *, write: bool = False) -> None:
        """Administer one post office. Foreign post offices look absent, not forbidden, so ids
        cannot be probed across tenants."""
        if self.role is Role.USER or not self.may_see_postoffice(postoffice_id):
            raise NotFound("no such post office")
        if write:
            self.require_writable()

    def require_mailbox(self, postoffice_id: int, mailbox_id: int, *, write: bool = False) -> None:
        """Act on one mailbox: its own user, or an administrator of its post office."""
        if self.role is Role.USER:
            if self.mailbox_id != mailbox_id:
                raise NotFound("no such mailbox")
            return
        self.require_postoffice(postoffice_id, write=write)
