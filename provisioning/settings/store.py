"""Reading and writing setting values at their scopes.

Resolution is narrowest first: a mailbox's value, its post office's, the server's, then the
default. Writes check that the setting may be set at that scope and that the principal may
administer it; a refused write changes nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from provisioning.errors import InvalidInput
from provisioning.models import SettingScope, SettingValue
from provisioning.principal import Principal
from provisioning.settings.registry import Setting, lookup

WriteHook = Callable[[Session, Any], None]
_WRITE_HOOKS: dict[str, list[WriteHook]] = {}


def on_setting_written(setting_id: str) -> Callable[[WriteHook], WriteHook]:
    """Register ``hook(session, new_server_value)`` to run, in the writer's transaction, after a
    server-scope value of that setting is set or unset (e.g. erasing secrets a setting governs)."""

    # Keyed by the id as given (a canonical id, not an alias): the catalogue defining it may be
    # imported after the module registering the hook.
    def register(hook: WriteHook) -> WriteHook:
        _WRITE_HOOKS.setdefault(setting_id, []).append(hook)
        return hook

    return register


def _run_hooks(session: Session, setting: Setting, scope: SettingScope) -> None:
    if scope is SettingScope.SERVER:
        for hook in _WRITE_HOOKS.get(setting.id, []):
            hook(session, read_setting(session, setting.id))


def _scope_of(postoffice_id: int | None, mailbox_id: int | None) -> tuple[SettingScope, int]:
    if mailbox_id is not None:
        return SettingScope.MAILBOX, mailbox_id
    if postoffice_id is not None:
        return SettingScope.POSTOFFICE, postoffice_id
    return SettingScope.SERVER, 0


def _chain(postoffice_id: int | None, mailbox_id: int | None) -> list[tuple[SettingScope, int]]:
    chain = []
    if mailbox_id is not None:
        chain.append((SettingScope.MAILBOX, mailbox_id))
    if postoffice_id is not None:
        chain.append((SettingScope.POSTOFFICE, postoffice_id))
    chain.append((SettingScope.SERVER, 0))
    return chain


def read_setting(
    session: Session, setting_id: str, *, postoffice_id: int | None = None, mailbox_id: int | None = None
) -> Any:
    """The effective value of one setting for that scope."""
    return read_settings(session, [setting_id], postoffice_id=postoffice_id, mailbox_id=mailbox_id)[
        lookup(setting_id).id
    ]


def read_settings(
    session: Session,
    setting_ids: list[str],
    *,
    postoffice_id: int | None = None,
    mailbox_id: int | None = None,
) -> dict[str, Any]:
    """Effective values of several settings in one query, keyed by canonical id."""
    settings = [lookup(s) for s in setting_ids]
    ids = [s.id for s in settings]
    chain = _chain(postoffice_id, mailbox_id)
    rows = session.execute(
        select(SettingValue.setting_id, SettingValue.scope, SettingValue.scope_id, SettingValue.value).where(
            SettingValue.setting_id.in_(ids)
        )
    ).all()
    found = {(r.setting_id, r.scope, r.scope_id): r.value for r in rows}
    result: dict[str, Any] = {}
    for setting in settings:
        result[setting.id] = setting.default
        for scope, scope_id in chain:
            if scope in setting.scopes and (setting.id, scope, scope_id) in found:
                result[setting.id] = found[(setting.id, scope, scope_id)]
                break
    return result


def _check_writable(actor: Principal, setting: Setting, scope: SettingScope, postoffice_id: int | None) -> None:
    if scope not in setting.scopes:
        allowed = ", ".join(sorted(s.value for s in setting.scopes))
        raise InvalidInput(f"{setting.id} cannot be set per {scope.value}; it is set per {allowed}", field="scope")
    if scope is SettingScope.SERVER:
        actor.require_server_admin()
    elif postoffice_id is None:
        raise InvalidInput("a mailbox setting needs the mailbox's post office", field="postoffice")
    else:
        actor.require_postoffice(postoffice_id, write=True)


def write_setting(
    session: Session,
    actor: Principal,
    setting_id: str,
    value: Any,
    *,
    postoffice_id: int | None = None,
    mailbox_id: int | None = None,
) -> Any:
    """Set a value at the scope given (server if neither id is given); returns the stored value.

    ``postoffice_id`` must accompany ``mailbox_id`` so the principal's right to it can be checked.
    """
    setting = lookup(setting_id)
    scope, scope_id = _scope_of(postoffice_id, mailbox_id)
    _check_writable(actor, setting, scope, postoffice_id)
    canonical = setting.coerce(value)
    row = session.scalar(
        select(SettingValue).where(
            SettingValue.setting_id == setting.id, SettingValue.scope == scope, SettingValue.scope_id == scope_id
        )
    )
    if row is None:
        session.add(SettingValue(setting_id=setting.id, scope=scope, scope_id=scope_id, value=canonical))
    else:
        row.value = canonical
    session.flush()
    _run_hooks(session, setting, scope)
    return canonical


def unset_setting(
    session: Session,
    actor: Principal,
    setting_id: str,
    *,
    postoffice_id: int | None = None,
    mailbox_id: int | None = None,
) -> None:
    """Remove the value at that scope, so the next wider scope (or the default) applies."""
    setting = lookup(setting_id)
    scope, scope_id = _scope_of(postoffice_id, mailbox_id)
    _check_writable(actor, setting, scope, postoffice_id)
    session.execute(
        delete(SettingValue).where(
            SettingValue.setting_id == setting.id, SettingValue.scope == scope, SettingValue.scope_id == scope_id
        )
    )
    _run_hooks(session, setting, scope)


def delete_scope_values(session: Session, scope: SettingScope, scope_id: int) -> None:
    """Forget every value set for a post office or mailbox that is being deleted."""
    session.execute(delete(SettingValue).where(SettingValue.scope == scope, SettingValue.scope_id == scope_id))
