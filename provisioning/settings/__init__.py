"""The settings registry: every server, post office and mailbox option as a typed, documented
setting, and the one way to read and write their values.

A ``Setting`` names its id, the scopes it may be set at, its type and allowed values, its default
and its purpose. Definitions live beside this module, one file per area (``catalog_*.py``), so the
registry is complete without importing any server. Values are rows of ``setting_values``; reading
resolves the narrowest scope that has a value (mailbox, then post office, then server), falling back
to the default. The CLI, the API and every service read settings only through here.
"""
from __future__ import annotations

from provisioning.settings.registry import (
    REGISTRY,
    Setting,
    SettingType,
    define,
    lookup,
    matching,
)
from provisioning.settings.store import (
    delete_scope_values,
    on_setting_written,
    read_setting,
    read_settings,
    unset_setting,
    write_setting,
)

__all__ = [
    "REGISTRY",
    "Setting",
    "SettingType",
    "define",
    "delete_scope_values",
    "lookup",
    "matching",
    "on_setting_written",
    "read_setting",
    "read_settings",
    "unset_setting",
    "write_setting",
]

# The catalogues, for their definitions; then the modules whose reactions to setting changes
# (on_setting_written) must be registered whenever settings can be written.
from provisioning import auth as _auth  # noqa: E402,F401
from provisioning.settings import catalog_directory as _catalog_directory  # noqa: E402,F401
from provisioning.settings import catalog_pop3 as _catalog_pop3  # noqa: E402,F401
