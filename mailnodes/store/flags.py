"""Message flags: the IMAP system flags as a bitmask, keywords as a list of atoms.

``\\Recent`` is not stored: it is a property of an IMAP session, not of a message.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Iterable

from provisioning.errors import InvalidInput


class Flag(enum.IntFlag):
    SEEN = 1
    ANSWERED = 2
    FLAGGED = 4
    DELETED = 8
    DRAFT = 16


SYSTEM_FLAGS = {
    "\\seen": Flag.SEEN,
    "\\answered": Flag.ANSWERED,
    "\\flagged": Flag.FLAGGED,
    "\\deleted": Flag.DELETED,
    "\\draft": Flag.DRAFT,
}
_NAMES = {Flag.SEEN: "\\Seen", Flag.ANSWERED: "\\Answered", Flag.FLAGGED: "\\Flagged",
          Flag.DELETED: "\\Deleted", Flag.DRAFT: "\\Draft"}
# An IMAP atom, minus the characters that are not allowed in a flag keyword.
_KEYWORD = re.compile(r"^[!#$&'+\-.0-9:;<=>?@A-Z^_`a-z|~\x80-\U0010ffff]{1,128}$")


def parse_flags(names: Iterable[str]) -> tuple[int, list[str]]:
    """(system flag bits, keywords) from flag names; unknown backslash flags are refused."""
    bits = 0
    keywords: list[str] = []
    for name in names:
        system = SYSTEM_FLAGS.get(name.lower())
        if system is not None:
            bits |= system
        elif name.startswith("\\"):
            raise InvalidInput(f"unknown system flag {name}", field="flags")
        elif not _KEYWORD.match(name):
            raise InvalidInput(f"invalid keyword {name!r}", field="flags")
        elif name.lower() not in (k.lower() for k in keywords):
            keywords.append(name)
    return bits, keywords


# Every combination of system flags, precomputed: listing a 100,000-message folder asks this
# once per message.
_COMBINATIONS = [tuple(_NAMES[f] for f in Flag if bits & f) for bits in range(32)]


def flag_names(bits: int, keywords: Iterable[str] = ()) -> list[str]:
    names = list(_COMBINATIONS[bits & 31])
    if keywords:
        names.extend(keywords)
    return names


def flag_tuple(bits: int, keywords: list[str] | None) -> tuple[str, ...]:
    """The same as a tuple, without copying when there are no keywords (the common case)."""
    system = _COMBINATIONS[bits & 31]
    return system + tuple(keywords) if keywords else system
