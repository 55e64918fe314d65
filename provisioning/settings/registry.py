"""Setting definitions and value coercion: the typed half of the settings registry.

``coerce`` accepts a value as it arrives from JSON (already typed) or from a command line (a
string), and either returns the canonical value or raises ``InvalidInput`` that names the setting
and its allowed range, so every interface refuses a bad value the same way.
"""
from __future__ import annotations

import enum
import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from provisioning.errors import InvalidInput, NotFound
from provisioning.models import SettingScope

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


class SettingType(enum.Enum):
    BOOL = "bool"
    INT = "int"
    STR = "str"
    CHOICE = "choice"
    LIST = "list"  # a list of strings; from a command line, comma-separated


@dataclass(frozen=True, slots=True)
class Setting:
    id: str
    type: SettingType
    default: Any
    purpose: str
    scopes: frozenset[SettingScope] = frozenset({SettingScope.SERVER})
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | None = None
    max_length: int = 4096
    aliases: tuple[str, ...] = field(default=())
    secret: bool = False  # never printed back
    check: Callable[[Any], str | None] | None = None  # beyond the type: the reason a value is refused

    @property
    def allowed(self) -> str:
        """The allowed values, as a reader would want them described."""
        if self.type is SettingType.BOOL:
            return "true or false"
        if self.type is SettingType.CHOICE:
            return "one of " + ", ".join(self.choices)
        if self.type is SettingType.INT:
            low = "" if self.minimum is None else str(self.minimum)
            high = "" if self.maximum is None else str(self.maximum)
            if low and high:
                return f"an integer from {low} to {high}"
            if low:
                return f"an integer of at least {low}"
            if high:
                return f"an integer of at most {high}"
            return "an integer"
        if self.type is SettingType.LIST:
            return "a list of strings (comma-separated on the command line)"
        return f"text of at most {self.max_length} characters"

    def _refuse(self, value: Any) -> InvalidInput:
        return InvalidInput(f"{self.id}: {value!r} is not allowed; expected {self.allowed}", field=self.id)

    def _coerce_type(self, value: Any) -> Any:
        kind = self.type
        if kind is SettingType.BOOL:
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            raise self._refuse(value)
        if kind is SettingType.INT:
            if isinstance(value, bool):
                raise self._refuse(value)
            if isinstance(value, str):
                try:
                    value = int(value.strip(), 10)
                except ValueError:
                    raise self._refuse(value) from None
            if not isinstance(value, int):
                raise self._refuse(value)
            if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum
            ):
                raise self._refuse(value)
            return value
        if kind is SettingType.CHOICE:
            if isinstance(value, str) and value.strip().lower() in self.choices:
                return value.strip().lower()
            raise self._refuse(value)
        if kind is SettingType.LIST:
            if isinstance(value, str):
                value = [part.strip() for part in value.split(",") if part.strip()]
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise self._refuse(value)
            if sum(len(v) for v in value) > self.max_length:
                raise self._refuse(value)
            return list(value)
        if not isinstance(value, str) or len(value) > self.max_length or "\0" in value:
            raise self._refuse(value)
        return value

    def coerce(self, value: Any) -> Any:
        """The canonical value for ``value``, or InvalidInput naming the allowed range."""
        canonical = self._coerce_type(value)
        reason = self.check(canonical) if self.check is not None else None
        if reason:
            raise InvalidInput(f"{self.id}: {reason}", field=self.id)
        return canonical

    def render(self, value: Any) -> str:
        """A value as the command line shows it (and accepts it back)."""
        if self.secret and value:
            return "********"
        if self.type is SettingType.BOOL:
            return "true" if value else "false"
        if self.type is SettingType.LIST:
            return ",".join(value)
        return str(value)


REGISTRY: dict[str, Setting] = {}
_ALIASES: dict[str, str] = {}


def define(
    id: str,
    type: SettingType,
    default: Any,
    purpose: str,
    *,
    scopes: tuple[SettingScope, ...] = (SettingScope.SERVER,),
    **options: Any,
) -> Setting:
    """Add a setting to the registry (at import of its catalogue). Ids are ``area.name``."""
    if id in REGISTRY or id in _ALIASES:
        raise ValueError(f"setting {id} defined twice")
    setting = Setting(id=id, type=type, default=default, purpose=purpose, scopes=frozenset(scopes), **options)
    if default is not None:
        setting.coerce(default)  # a default outside its own range is a programming error
    REGISTRY[id] = setting
    for alias in setting.aliases:
        _ALIASES[alias] = id
    return setting


def lookup(id_or_alias: str) -> Setting:
    """The setting with that id or alias, or NotFound."""
    key = id_or_alias.strip().lower()
    setting = REGISTRY.get(key) or REGISTRY.get(_ALIASES.get(key, ""))
    if setting is None:
        raise NotFound(f"no setting {id_or_alias!r}; `mailhive settings help` lists them", field="setting")
    return setting


def matching(pattern: str | None) -> list[Setting]:
    """Settings whose id, alias or purpose matches ``pattern`` (a glob or a plain word), sorted."""
    if not pattern:
        return sorted(REGISTRY.values(), key=lambda s: s.id)
    needle = pattern.lower()
    glob = needle if any(ch in needle for ch in "*?[") else f"*{needle}*"
    return sorted(
        (
            s
            for s in REGISTRY.values()
            if fnmatch.fnmatch(s.id, glob)
            or any(fnmatch.fnmatch(a, glob) for a in s.aliases)
            or needle in s.purpose.lower()
        ),
        key=lambda s: s.id,
    )
