"""Properties over generated and mutated messages: parsing never raises, every part and every
section lies within the message, and the values derived from a tree never raise either."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailnodes.mime import (
    body_structure,
    decoded_part,
    envelope,
    iter_parts,
    parse_structure,
    section_bytes,
    text_of,
)
from mailnodes.mime.decode import UnknownTransferEncoding
from mailnodes.mime.sections import section_range
from tests.unit.mime.corpus import CORPUS

SEEDS = [v for k, v in sorted(CORPUS.items()) if not k.startswith("deep")]
TOKENS = [b"--", b"\r\n", b"\n", b"\r\n\r\n", b"--b", b"--b--", b"--outer", b"--outer--", b"--alt\r\n", b":", b";",
          b"Content-Type: multipart/mixed; boundary=b\r\n", b"Content-Type: message/rfc822\r\n",
          b"Content-Type: multipart/digest; boundary=\"outer\"\r\n", b"=?utf-8?b?", b"\"", b"(", b"<", b"\xff", b"\x00",
          b"Content-Transfer-Encoding: base64\r\n", b"name*0*=utf-8''%E2", b" ", b"\t"]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(0, 8))):
        action = draw(st.integers(0, 3))
        at = draw(st.integers(0, len(data)))
        if action == 0:
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif action == 1:
            del data[at:at + draw(st.integers(1, 40))]
        elif action == 2:
            data[at:at] = draw(st.binary(max_size=12))
        else:
            data = data[:at]  # truncation
    return bytes(data)


messages = st.one_of(mutated(), st.binary(max_size=400),
                     st.lists(st.sampled_from(TOKENS), max_size=40).map(b"".join))


def check_tree(data: bytes) -> None:
    root = parse_structure(data)
    assert (root.start, root.end) == (0, len(data))
    body_structure(root, True)
    body_structure(root, False)
    envelope(root.headers)
    for number, part in iter_parts(root):
        assert 0 <= part.start <= part.body_start <= part.end <= len(data)
        for spec in (number, f"{number}.MIME", f"{number}.HEADER", f"{number}.TEXT",
                     f"{number}.HEADER.FIELDS (From Content-Type)", f"{number}.HEADER.FIELDS.NOT (Subject)"):
            chunk = section_bytes(data, root, spec)
            if "FIELDS" not in spec:
                span = section_range(root, spec)
                if span is None:
                    assert chunk == b""
                else:
                    assert 0 <= span[0] <= span[1] <= len(data)
                    assert chunk == data[span[0]:span[1]]
        try:
            decoded_part(data, part)
        except UnknownTransferEncoding:
            pass
        assert isinstance(text_of(part), str)
        if part.message is not None:
            envelope(part.message.headers)
    assert section_bytes(data, root, "") == data


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages)
def test_random_and_mutated_messages_never_break(data: bytes) -> None:
    check_tree(data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"--b", b"--b--", b"--c", b"--c--", b"\r\n", b"x", b"\r\n\r\n",
                                 b"Content-Type: multipart/mixed; boundary=c\r\n",
                                 b"Content-Type: multipart/mixed; boundary=b\r\n",
                                 b"Content-Type: message/rfc822\r\n"]), max_size=60))
def test_boundary_soup_keeps_children_ordered_and_inside_parents(pieces: list[bytes]) -> None:
    data = b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + b"".join(pieces)
    root = parse_structure(data)
    stack = [root]
    while stack:
        part = stack.pop()
        end = part.body_start
        for child in part.children:
            assert end <= child.start <= child.end <= part.end
            end = child.end
        stack.extend(part.children)
        if part.message is not None:
            stack.append(part.message)
    check_tree(data)
