"""Rendering server output (mailnodes.pop3.responses): status lines, dot-stuffing, CRLF
normalisation, TOP cutting, listings."""
from __future__ import annotations

import pytest

from mailnodes.pop3.errors import LocalProtocolError, ResponseCode
from mailnodes.pop3.responses import (
    capa_response,
    continuation_line,
    err_line,
    message_response,
    multiline,
    ok_line,
    pop3_size,
    scan_listing,
    split_lines,
    stuff_lines,
    top_lines,
    uidl_listing,
)


def test_status_lines() -> None:
    assert ok_line() == b"+OK\r\n"
    assert ok_line("ready") == b"+OK ready\r\n"
    assert err_line("no such message") == b"-ERR no such message\r\n"
    assert err_line("locked", ResponseCode.IN_USE) == b"-ERR [IN-USE] locked\r\n"
    assert err_line("", ResponseCode.SYS_TEMP) == b"-ERR [SYS/TEMP]\r\n"


@pytest.mark.parametrize("code, wire", [
    (ResponseCode.IN_USE, b"[IN-USE]"), (ResponseCode.LOGIN_DELAY, b"[LOGIN-DELAY]"),
    (ResponseCode.SYS_TEMP, b"[SYS/TEMP]"), (ResponseCode.SYS_PERM, b"[SYS/PERM]"),
    (ResponseCode.AUTH, b"[AUTH]"),
])
def test_every_response_code(code: ResponseCode, wire: bytes) -> None:
    assert err_line("x", code) == b"-ERR " + wire + b" x\r\n"


@pytest.mark.parametrize("text", ["two\r\nlines", "bare\nLF", "bare\rCR", "nul\x00", "x" * 600])
def test_status_text_must_be_one_bounded_line(text: str) -> None:
    with pytest.raises(LocalProtocolError):
        ok_line(text)
    with pytest.raises(LocalProtocolError):
        err_line(text)


def test_a_code_must_be_a_response_code() -> None:
    with pytest.raises(LocalProtocolError):
        err_line("x", "AUTH")  # type: ignore[arg-type]


def test_response_lines_stop_at_512_octets() -> None:
    assert len(ok_line("x" * 506)) == 512
    with pytest.raises(LocalProtocolError):
        ok_line("x" * 507)


def test_continuation_lines() -> None:
    assert continuation_line(b"") == b"+ \r\n"
    assert continuation_line(b"VXNlcm5hbWU6") == b"+ VXNlcm5hbWU6\r\n"


@pytest.mark.parametrize("data, lines", [
    (b"", []),
    (b"a", [b"a"]),
    (b"a\r\n", [b"a"]),
    (b"a\nb\n", [b"a", b"b"]),
    (b"a\rb", [b"a", b"b"]),
    (b"a\r\r\nb", [b"a", b"", b"b"]),
    (b"\n", [b""]),
    (b"\r\n\r\n", [b"", b""]),
    (b"a\n\rb", [b"a", b"", b"b"]),
])
def test_split_lines_treats_crlf_lf_and_cr_as_line_ends(data: bytes, lines: list[bytes]) -> None:
    assert split_lines(data) == lines


def test_pop3_size_counts_crlf_line_ends() -> None:
    assert pop3_size(b"") == 0
    assert pop3_size(b"ab\r\ncd\r\n") == 8
    assert pop3_size(b"ab\ncd\n") == 8
    assert pop3_size(b"ab\ncd") == 8  # the missing final line end is added on the wire
    assert pop3_size(b".x\r\n") == 4  # dot-stuffing is not counted


def test_dot_stuffing() -> None:
    assert stuff_lines([b".", b"..", b".x", b"x.", b""]) == b"..\r\n...\r\n..x\r\nx.\r\n\r\n.\r\n"
    assert stuff_lines([]) == b".\r\n"


def test_retr_normalises_every_line_end_and_stuffs_dots() -> None:
    data = b"Subject: x\n\r\n.\nbare\rcr\r\nend"
    assert message_response(data) == (
        b"+OK 32 octets\r\nSubject: x\r\n\r\n..\r\nbare\r\ncr\r\nend\r\n.\r\n")
    assert pop3_size(data) == 32  # 12 + 2 + 3 + 6 + 4 + 5


def test_retr_of_a_message_ending_in_crlf_adds_no_blank_line() -> None:
    assert message_response(b"a\r\n") == b"+OK 3 octets\r\na\r\n.\r\n"


def test_retr_of_an_empty_message() -> None:
    assert message_response(b"") == b"+OK 0 octets\r\n.\r\n"


def test_retr_of_a_message_that_holds_the_terminator_sequence() -> None:
    assert message_response(b"a\r\n.\r\nb\r\n") == b"+OK 9 octets\r\na\r\n..\r\nb\r\n.\r\n"


def test_retr_text_can_be_chosen() -> None:
    assert message_response(b"a", text="message follows") == b"+OK message follows\r\na\r\n.\r\n"


MESSAGE = b"From: a\r\nSubject: s\r\n\r\nb1\r\nb2\r\n.b3\r\n"


@pytest.mark.parametrize("n, lines", [
    (0, [b"From: a", b"Subject: s", b""]),
    (1, [b"From: a", b"Subject: s", b"", b"b1"]),
    (3, [b"From: a", b"Subject: s", b"", b"b1", b"b2", b".b3"]),
    (100, [b"From: a", b"Subject: s", b"", b"b1", b"b2", b".b3"]),
])
def test_top_cuts_after_n_body_lines(n: int, lines: list[bytes]) -> None:
    assert top_lines(MESSAGE, n) == lines


def test_top_of_a_message_without_a_body_separator_is_the_whole_message() -> None:
    assert top_lines(b"From: a\nSubject: s", 0) == [b"From: a", b"Subject: s"]


def test_top_response_is_stuffed_and_terminated() -> None:
    assert message_response(MESSAGE, top=3) == (
        b"+OK top of message follows\r\nFrom: a\r\nSubject: s\r\n\r\nb1\r\nb2\r\n..b3\r\n.\r\n")
    assert message_response(MESSAGE, top=0) == (
        b"+OK top of message follows\r\nFrom: a\r\nSubject: s\r\n\r\n.\r\n")
    with pytest.raises(LocalProtocolError):
        message_response(MESSAGE, top=-1)


def test_listings() -> None:
    assert scan_listing([(1, 120), (3, 200)], "2 messages (320 octets)") == (
        b"+OK 2 messages (320 octets)\r\n1 120\r\n3 200\r\n.\r\n")
    assert scan_listing([], "0 messages (0 octets)") == b"+OK 0 messages (0 octets)\r\n.\r\n"
    assert uidl_listing([(1, "whqtswO00WBw418f9t5JxYwZ")]) == b"+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n.\r\n"
    assert capa_response(["TOP", "USER"]) == b"+OK Capability list follows\r\nTOP\r\nUSER\r\n.\r\n"


def test_multiline_refuses_line_breaks_and_stuffs_dots() -> None:
    assert multiline(b"+OK\r\n", [".x"]) == b"+OK\r\n..x\r\n.\r\n"
    with pytest.raises(LocalProtocolError):
        multiline(b"+OK\r\n", ["a\nb"])


def test_the_fast_path_for_stored_messages_renders_as_the_line_by_line_path() -> None:
    """Messages in the store's CRLF form take a one-pass stuffing path: it must match line by line."""
    import random

    from mailnodes.pop3.responses import ok_line, split_lines, stuff_lines

    pieces = [b".", b"..", b"a", b"\r\n", b"\n", b"\r", b".\r\n", b"x.y", b"\r\n.\r\n"]
    rng = random.Random(1939)
    canonical_seen = 0
    for _ in range(5000):
        data = b"".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        lines = split_lines(data)
        expected = ok_line(f"{sum(len(x) + 2 for x in lines)} octets") + stuff_lines(lines)
        assert message_response(data) == expected, data
        canonical_seen += data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert canonical_seen > 100  # the fast path was exercised
