"""The state machine's transition table and the maildrop snapshot (mailnodes.pop3.state)."""
from __future__ import annotations

import itertools

import pytest

from mailnodes.pop3.errors import LocalProtocolError, RemoteProtocolError
from mailnodes.pop3.state import COMMAND_STATES, TRANSITIONS, Maildrop, MaildropState, State, StateMachine

LEGAL = {
    (State.AUTHORIZATION, State.AUTH_IN_PROGRESS), (State.AUTHORIZATION, State.TRANSACTION),
    (State.AUTHORIZATION, State.CLOSED), (State.AUTH_IN_PROGRESS, State.AUTHORIZATION),
    (State.AUTH_IN_PROGRESS, State.TRANSACTION), (State.AUTH_IN_PROGRESS, State.CLOSED),
    (State.TRANSACTION, State.UPDATE), (State.TRANSACTION, State.CLOSED), (State.UPDATE, State.CLOSED),
}


@pytest.mark.parametrize("source, target", list(itertools.product(State, State)))
def test_every_transition_is_legal_or_raises(source: State, target: State) -> None:
    machine = StateMachine()
    machine.state = source
    if (source, target) in LEGAL:
        machine.go(target)
        assert machine.state is target
    else:
        with pytest.raises(LocalProtocolError, match="illegal POP3 state transition"):
            machine.go(target)
        assert machine.state is source


def test_the_table_covers_every_state() -> None:
    assert set(TRANSITIONS) == set(State)
    assert TRANSITIONS[State.CLOSED] == frozenset()


def test_no_command_is_read_during_sasl_or_update() -> None:
    for states in COMMAND_STATES.values():
        assert State.AUTH_IN_PROGRESS not in states and State.UPDATE not in states


def test_maildrop_validation() -> None:
    assert len(Maildrop.of([(10, "a"), (20, "b")])) == 2
    with pytest.raises(LocalProtocolError):
        Maildrop((1, 2), ("a",))
    with pytest.raises(LocalProtocolError):
        Maildrop((-1,), ("a",))
    for uid in ("", "a b", "x" * 71, "é", "a\x7f"):
        with pytest.raises(LocalProtocolError):
            Maildrop((1,), (uid,))
    with pytest.raises(LocalProtocolError):
        Maildrop((1, 2), ("a", "a"))
    assert Maildrop((1,), ("!" + "~" * 69,)).uids[0].startswith("!")


def test_deletion_marks() -> None:
    drop = MaildropState(Maildrop.of([(10, "a"), (20, "b"), (30, "c")]))
    assert drop.stat() == (3, 60)
    drop.delete(2)
    assert drop.stat() == (2, 40)
    assert drop.visible() == [1, 3]
    assert drop.deleted == (2,)
    with pytest.raises(RemoteProtocolError, match="message 2 already deleted"):
        drop.delete(2)
    with pytest.raises(RemoteProtocolError, match="message 2 already deleted"):
        drop.size(2)
    with pytest.raises(RemoteProtocolError, match="no such message, only 3 messages in maildrop"):
        drop.check(4)
    assert drop.uid(3) == "c"
    drop.reset()
    assert drop.stat() == (3, 60)
    assert drop.deleted == ()
