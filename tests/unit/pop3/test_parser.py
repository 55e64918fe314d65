"""Each production of the POP3 client grammar, on its own (mailnodes.pop3.parser)."""
from __future__ import annotations

import base64

import pytest

from mailnodes.pop3.errors import RemoteProtocolError
from mailnodes.pop3.parser import (
    Cancelled,
    Command,
    Framing,
    LineBuffer,
    decode_base64,
    decode_cram_md5,
    decode_login_field,
    decode_plain,
    expect_args,
    parse_auth_response,
    parse_command,
    parse_digest,
    parse_initial_response,
    parse_line_count,
    parse_mechanism,
    parse_message_number,
)

# ---------------------------------------------------------------- framing

def test_lines_end_in_crlf_or_bare_lf() -> None:
    buf = LineBuffer()
    buf.feed(b"STAT\r\nLIST\nNOOP")
    assert buf.next_line(512) == b"STAT"
    assert buf.next_line(512) == b"LIST"
    assert buf.next_line(512) is Framing.INCOMPLETE
    buf.feed(b"\r\n")
    assert buf.next_line(512) == b"NOOP"
    assert len(buf) == 0


def test_a_line_split_across_reads_is_joined() -> None:
    buf = LineBuffer()
    for piece in (b"RE", b"TR 1", b"\r", b"\n"):
        buf.feed(piece)
    assert buf.next_line(512) == b"RETR 1"


def test_the_limit_counts_the_line_end() -> None:
    buf = LineBuffer()
    buf.feed(b"x" * 8 + b"\r\n")
    assert buf.next_line(10) == b"x" * 8
    buf.feed(b"x" * 9 + b"\r\n")
    assert buf.next_line(10) is Framing.TOO_LONG
    assert buf.next_line(10) is Framing.INCOMPLETE


def test_an_overlong_line_is_dropped_as_it_arrives_and_framing_resumes() -> None:
    buf = LineBuffer()
    buf.feed(b"A" * 100)
    assert buf.next_line(50) is Framing.TOO_LONG
    assert len(buf) == 0
    buf.feed(b"B" * 10_000)  # the rest of the same line is never stored
    assert len(buf) == 0
    assert buf.next_line(50) is Framing.INCOMPLETE
    buf.feed(b"C\r\nNOOP\r\n")
    assert buf.next_line(50) == b"NOOP"


def test_an_overlong_complete_line_is_dropped_through_its_end() -> None:
    buf = LineBuffer()
    buf.feed(b"A" * 100 + b"\r\nSTAT\r\n")
    assert buf.next_line(50) is Framing.TOO_LONG
    assert buf.next_line(50) == b"STAT"


def test_clear_forgets_everything() -> None:
    buf = LineBuffer()
    buf.feed(b"USER evil\r\n")
    buf.clear()
    assert buf.next_line(512) is Framing.INCOMPLETE


# ---------------------------------------------------------------- command lines

def test_keyword_is_case_insensitive_and_arguments_split_on_spaces() -> None:
    assert parse_command(b"top 1  10") == Command("TOP", ("1", "10"), "1  10")
    assert parse_command(b"StAt") == Command("STAT", (), "")
    assert parse_command(b"LIST ") == Command("LIST", (), "")


def test_tail_keeps_spaces_for_pass() -> None:
    assert parse_command(b"PASS my secret  word").tail == "my secret  word"


def test_utf8_arguments_are_text() -> None:
    assert parse_command("USER jürgen".encode()).args == ("jürgen",)


@pytest.mark.parametrize("line, reason", [
    (b"", "empty command line"),
    (b"   ", "empty command line"),
    (b"ST", "unknown command"),
    (b"STATS", "unknown command"),
    (b"ST1T", "unknown command"),
    (b" STAT", "unknown command"),
    (b"RETR\t1", "control characters in command line"),
    (b"USER a\x00b", "control characters in command line"),
    (b"USER a\rb", "control characters in command line"),
    (b"USER \x7f", "control characters in command line"),
    (b"USER \xff\xfe", "command arguments are not valid UTF-8"),
])
def test_malformed_command_lines(line: bytes, reason: str) -> None:
    with pytest.raises(RemoteProtocolError) as caught:
        parse_command(line)
    assert caught.value.reason == reason
    assert caught.value.to_response() == f"-ERR {reason}\r\n".encode()


def test_expect_args_bounds() -> None:
    command = parse_command(b"RETR 1 2")
    assert expect_args(command, 1, 2) == ("1", "2")
    with pytest.raises(RemoteProtocolError, match="too many arguments for RETR"):
        expect_args(command, 1, 1)
    with pytest.raises(RemoteProtocolError, match="RETR needs more arguments"):
        expect_args(parse_command(b"RETR"), 1, 1)


# ---------------------------------------------------------------- arguments

@pytest.mark.parametrize("arg, value", [("1", 1), ("007", 7), ("4294967295", 4294967295)])
def test_message_numbers(arg: str, value: int) -> None:
    assert parse_message_number(arg) == value


@pytest.mark.parametrize("arg", ["abc", "-1", "+1", "1.0", "1e3", "12345678901", "٣", ""])
def test_invalid_message_numbers(arg: str) -> None:
    with pytest.raises(RemoteProtocolError, match="invalid message number"):
        parse_message_number(arg)


def test_message_zero_is_no_such_message() -> None:
    with pytest.raises(RemoteProtocolError, match="no such message"):
        parse_message_number("0")


def test_line_counts() -> None:
    assert parse_line_count("0") == 0
    assert parse_line_count("25") == 25
    for bad in ("-1", "x", "1 ", "99999999999"):
        with pytest.raises(RemoteProtocolError, match="invalid number of lines"):
            parse_line_count(bad)


def test_digests() -> None:
    assert parse_digest("C4C9334BAC560ECC979E58001B3E22FB") == "c4c9334bac560ecc979e58001b3e22fb"
    for bad in ("c4c9334bac560ecc979e58001b3e22f", "c4c9334bac560ecc979e58001b3e22fbb",
                "g4c9334bac560ecc979e58001b3e22fb", ""):
        with pytest.raises(RemoteProtocolError, match="32 hexadecimal"):
            parse_digest(bad)


def test_mechanism_names() -> None:
    assert parse_mechanism("cram-md5") == "CRAM-MD5"
    assert parse_mechanism("SCRAM_SHA_1") == "SCRAM_SHA_1"
    for bad in ("", "A" * 21, "PL@IN", "PLAIN!"):
        with pytest.raises(RemoteProtocolError, match="invalid SASL mechanism"):
            parse_mechanism(bad)


def test_base64_is_strict() -> None:
    assert decode_base64(b"") == b""
    assert decode_base64(b"AGFsaWNlAHNlY3JldA==") == b"\x00alice\x00secret"
    for bad in (b"AGFsaWNlAHNlY3JldA", b"AGFs aWNl", b"AGF$aWNl", b"=", b"a===", b"YQ==YQ=="):
        with pytest.raises(RemoteProtocolError, match="invalid base64"):
            decode_base64(bad)


def test_initial_response_equals_sign_is_empty() -> None:
    assert parse_initial_response("=") == b""
    assert parse_initial_response("dXNlcg==") == b"user"
    with pytest.raises(RemoteProtocolError):
        parse_initial_response("dXNlcg")
    with pytest.raises(RemoteProtocolError):
        parse_initial_response("dXNlcgé=")


def test_auth_response_star_cancels() -> None:
    assert parse_auth_response(b"*") is Cancelled.CANCELLED
    assert parse_auth_response(b"Kg==") == b"*"
    with pytest.raises(RemoteProtocolError):
        parse_auth_response(b"**")


def test_plain_message() -> None:
    assert decode_plain(b"\x00alice\x00secret") == ("", "alice", "secret")
    assert decode_plain(b"admin\x00alice\x00pa ss") == ("admin", "alice", "pa ss")
    assert decode_plain("\x00jürgen\x00geheim".encode()) == ("", "jürgen", "geheim")
    for bad in (b"alice\x00secret", b"\x00\x00secret", b"\x00alice\x00", b"a\x00b\x00c\x00d",
                b"\x00al\xffice\x00secret", b""):
        with pytest.raises(RemoteProtocolError):
            decode_plain(bad)


def test_login_fields() -> None:
    assert decode_login_field(b"alice", "user name") == "alice"
    for bad in (b"", b"al\x00ice", b"\xff"):
        with pytest.raises(RemoteProtocolError):
            decode_login_field(bad, "user name")


def test_cram_md5_response() -> None:
    # RFC 2195's example: tim / tanstaaftanstaaf.
    data = base64.b64decode("dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw")
    assert decode_cram_md5(data) == ("tim", "b913a602c7eda7a495b4e6e7334d3890")
    assert decode_cram_md5(b"john doe B913A602C7EDA7A495B4E6E7334D3890") == (
        "john doe", "b913a602c7eda7a495b4e6e7334d3890")
    for bad in (b"tim", b" b913a602c7eda7a495b4e6e7334d3890", b"tim b913", b"tim zz13a602c7eda7a495b4e6e7334d3890"):
        with pytest.raises(RemoteProtocolError):
            decode_cram_md5(bad)
