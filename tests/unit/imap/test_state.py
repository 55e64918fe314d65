"""The state machine: legal transitions, refused ones, and which commands each state allows."""
from __future__ import annotations

import pytest

from mailnodes.imap import LocalProtocolError, State
from mailnodes.imap.parser import _PARSERS
from mailnodes.imap.state import COMMAND_STATES, TRANSITIONS, StateMachine, allowed_in


def test_every_state_has_its_transitions() -> None:
    assert set(TRANSITIONS) == set(State)
    assert TRANSITIONS[State.LOGOUT] == frozenset()


@pytest.mark.parametrize("source", list(State))
@pytest.mark.parametrize("target", list(State))
def test_transitions(source: State, target: State) -> None:
    machine = StateMachine(source)
    if target in TRANSITIONS[source]:
        machine.go(target)
        assert machine.state is target
    else:
        with pytest.raises(LocalProtocolError):
            machine.go(target)
        assert machine.state is source


def test_every_parsed_command_has_states() -> None:
    assert set(_PARSERS) | {"UID"} == set(COMMAND_STATES)


def test_command_states() -> None:
    assert allowed_in("CAPABILITY", State.NOT_AUTHENTICATED) and allowed_in("NOOP", State.SELECTED)
    assert allowed_in("LOGIN", State.NOT_AUTHENTICATED) and not allowed_in("LOGIN", State.AUTHENTICATED)
    assert allowed_in("SELECT", State.SELECTED) and not allowed_in("SELECT", State.NOT_AUTHENTICATED)
    assert allowed_in("FETCH", State.SELECTED) and not allowed_in("FETCH", State.AUTHENTICATED)
    assert allowed_in("ENABLE", State.AUTHENTICATED) and not allowed_in("ENABLE", State.SELECTED)
    assert not any(allowed_in(name, State.LOGOUT) for name in COMMAND_STATES)
    assert not allowed_in("FOO", State.SELECTED)
