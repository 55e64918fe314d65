"""ENVELOPE values (the imaptest vectors that Dovecot's test-imap-envelope.c carries), address
list edge cases, and the decoded helpers for webmail."""
from __future__ import annotations

from mailnodes.mime import Address, decode_words, decoded_subject, display_name, envelope, parse_address_list
from mailnodes.mime.envelope import MISSING_DOMAIN
from tests.unit.mime.corpus import EIGHT_BIT_HEADERS, NESTED, SIMPLE, crlf

A = Address
GROUP_END = A(None, None, None, None)


def test_all_fields() -> None:
    env = envelope(crlf(
        "Message-ID: <msg@id>\nIn-Reply-To: <reply@to.id>\nDate: Thu, 15 Feb 2007 01:02:03 +0200\n"
        "Subject: subject header\nFrom: From Real <fromuser@fromdomain.org>\nTo: To Real <touser@todomain.org>\n"
        "Cc: Cc Real <ccuser@ccdomain.org>\nBcc: Bcc Real <bccuser@bccdomain.org>\n"
        "Sender: Sender Real <senderuser@senderdomain.org>\nReply-To: ReplyTo Real <replytouser@replytodomain.org>\n\nbody\n"))
    assert env.as_tuple() == (
        "Thu, 15 Feb 2007 01:02:03 +0200", "subject header",
        (A("From Real", None, "fromuser", "fromdomain.org"),),
        (A("Sender Real", None, "senderuser", "senderdomain.org"),),
        (A("ReplyTo Real", None, "replytouser", "replytodomain.org"),),
        (A("To Real", None, "touser", "todomain.org"),),
        (A("Cc Real", None, "ccuser", "ccdomain.org"),),
        (A("Bcc Real", None, "bccuser", "bccdomain.org"),),
        "<reply@to.id>", "<msg@id>",
    )


def test_sender_and_reply_to_default_to_from_even_when_empty() -> None:
    env = envelope(crlf("Date: Thu, 15 Feb 2007 01:02:03 +0200\nFrom: user@domain (Real Name)\nSender: \nReply-To: \n\nbody\n"))
    mine = (A("Real Name", None, "user", "domain"),)
    assert (env.from_, env.sender, env.reply_to) == (mine, mine, mine)
    assert (env.subject, env.to, env.cc, env.bcc, env.in_reply_to, env.message_id) == (None,) * 6


def test_groups() -> None:
    env = envelope(crlf("From: user@domain\nTo: group: g1@d1.org, g2@d2.org;, group2: g3@d3.org;\n"
                        "Cc: group:;, group2: (foo) ;\n\n"))
    assert env.to == (A(None, None, "group", None), A(None, None, "g1", "d1.org"), A(None, None, "g2", "d2.org"),
                      GROUP_END, A(None, None, "group2", None), A(None, None, "g3", "d3.org"), GROUP_END)
    assert env.cc == (A(None, None, "group", None), GROUP_END, A(None, None, "group2", None), GROUP_END)
    assert env.to[0].is_group_start and env.to[3].is_group_end and env.to[1].email == "g1@d1.org"


def test_source_route_is_the_adl() -> None:
    env = envelope(crlf("From: <@route:user@domain>\n\n"))
    assert env.from_ == (A(None, "@route", "user", "domain"),)


def test_address_list_edge_cases() -> None:
    assert parse_address_list('"Doe, John" <j@x>, foo, , <>, "a b"@x.org, Open: a@b') == (
        A("Doe, John", None, "j", "x"),
        A(None, None, "foo", MISSING_DOMAIN),
        A(None, None, '"a b"', "x.org"),
        A(None, None, "Open", None), A(None, None, "a", "b"), GROUP_END,  # unclosed group closed
    )
    assert parse_address_list("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>") == (
        A("Pete", None, "pete", "silly.test"),)
    assert parse_address_list("") == ()
    assert parse_address_list("<<<>>>,,;;::@@") is not None  # never raises


def test_raw_values_and_decoded_helpers() -> None:
    env = envelope(SIMPLE)
    assert env.subject == "=?utf-8?q?caf=C3=A9?= =?utf-8?q?_au_lait?="  # IMAP gets it undecoded
    assert decoded_subject(env) == "caf\u00e9 au lait"  # whitespace between encoded words dropped
    nested = envelope(NESTED)
    assert nested.from_ is not None
    assert nested.from_[0].name == "=?iso-8859-1?q?Andr=E9?= Pirard"
    assert display_name(nested.from_[0]) == "Andr\u00e9 Pirard"
    assert nested.cc == (A(None, None, "undisclosed-recipients", None), GROUP_END)


def test_rfc2047_decoding() -> None:
    assert decode_words("=?ISO-8859-1?B?SWYgeW91IGNhbiByZWFkIHRoaXMgeW8=?= =?ISO-8859-2?B?dSB1bmRlcnN0YW5kIHRoZSBleGFtcGxlLg==?=") == \
        "If you can read this you understand the example."
    assert decode_words("(=?ISO-8859-1?Q?a?= b)") == "(a b)"
    assert decode_words("=?US-ASCII*EN?Q?Keith_Moore?=") == "Keith Moore"  # RFC 2231 language suffix
    assert decode_words("=?x-unknown?q?caf=C3=A9?=") == "caf\u00e9"  # unknown charset: UTF-8 fallback
    assert decode_words("=?utf-8?b?broken") == "=?utf-8?b?broken"
    assert decode_words(None) is None


def test_eight_bit_header_values_stay_raw_and_decode_for_display() -> None:
    env = envelope(EIGHT_BIT_HEADERS)
    assert env.from_ is not None
    assert env.from_[0].name is not None
    assert env.from_[0].name.encode("utf-8", "surrogateescape") == b"J\xf6rg"
    assert display_name(env.from_[0]) == "J\u00f6rg"
