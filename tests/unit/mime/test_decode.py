"""BINARY content (RFC 3516) and text for display, with charset fallbacks."""
from __future__ import annotations

import pytest

from mailnodes.mime import UnknownTransferEncoding, decoded_part, find_part, parse_structure, text_of
from mailnodes.mime.charsets import codec_for, decode_text
from mailnodes.mime.decode import decode_base64, decode_quoted_printable
from tests.unit.mime.corpus import EIGHT_BIT_HEADERS, INVALID_TYPE, NESTED, crlf

TREE = parse_structure(NESTED)


def part(number: str):  # type: ignore[no-untyped-def]
    found = find_part(TREE, tuple(int(n) for n in number.split(".")))
    assert found is not None
    return found


def test_quoted_printable() -> None:
    assert decoded_part(NESTED, part("1.1")) == "Caf\u00e9 cr\u00e8me".encode()
    assert decode_quoted_printable(b"a=3Db  \r\nc=\r\nd=ZZ=\n") == b"a=b\r\ncd=ZZ"
    assert decode_quoted_printable(b"soft =  \r\nbreak") == b"soft break"


def test_base64() -> None:
    assert decoded_part(NESTED, part("2")) == b"%PDF-1.4\n"
    assert decoded_part(NESTED, part("1.2.2")) == b"\x89PNG\r\n\x1a\n"
    assert decode_base64(b"aGVs\r\nbG8=\r\n") == b"hello"
    assert decode_base64(b"aGVsbG8") == b"hello"  # missing padding
    assert decode_base64(b"aG!V*sb G8=junk") == b"hello"  # junk skipped, data ends at "="
    assert decode_base64(b"a") == b""


def test_identity_encodings_are_unchanged() -> None:
    assert decoded_part(NESTED, part("1.2.1")) == b"<p>Caf\xe9</p>"  # 8bit
    assert decoded_part(NESTED, part("3")) == part("3").body_bytes  # 7bit message/rfc822


def test_unknown_encoding_is_an_error() -> None:
    tree = parse_structure(INVALID_TYPE)
    with pytest.raises(UnknownTransferEncoding) as caught:
        decoded_part(INVALID_TYPE, tree)
    assert caught.value.encoding == "x-uuencode"
    assert text_of(tree) == "begin 644 x\n"  # webmail shows it raw


def test_text_of_converts_charsets() -> None:
    assert text_of(part("1.1")) == "Caf\u00e9 cr\u00e8me"
    assert text_of(part("1.2.1")) == "<p>Caf\u00e9</p>"  # iso-8859-1
    assert text_of(part("3.1")) == "Inner body."


def test_text_of_with_wrong_or_unknown_charsets() -> None:
    # Declared e9e8 (garbage, unknown): UTF-8 fails on 0xe9, Windows-1252 decodes.
    assert text_of(parse_structure(EIGHT_BIT_HEADERS)) == "body \u00e9\n"
    utf8_as_latin1 = parse_structure(crlf("Content-Type: text/plain; charset=iso-8859-1\n\nna\u00efve\n"))
    assert text_of(utf8_as_latin1) == "na\u00efve\n"
    utf8_as_ascii = parse_structure(crlf("Content-Type: text/plain; charset=us-ascii\n\n\u20ac\n"))
    assert text_of(utf8_as_ascii) == "\u20ac\n"
    bogus = parse_structure(crlf("Content-Type: text/plain; charset=rot13\n\nabc\n"))
    assert text_of(bogus) == "abc\n"  # not a text codec: ignored


def test_charset_aliases() -> None:
    assert codec_for("ks_c_5601-1987") == "cp949"
    assert codec_for("GB2312") == "gb18030"
    assert codec_for("x-unknown") is None and codec_for(None) is None and codec_for("nonsense") is None
    assert decode_text("\u4f60\u597d".encode("gbk"), "gb2312") == "\u4f60\u597d"
    assert decode_text(b"\x82\xa0\xff", "shift_jis").startswith("\u3042")  # bad tail replaced, rest kept
