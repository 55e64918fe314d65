"""Messages for the MIME tests, built here: well-formed ones (nested multipart/mixed, alternative
and related, message/rfc822 inside a multipart, multipart/digest, RFC 2231 and RFC 2047 names)
and every broken case the parser must survive. ``crlf`` turns the readable LF sources into the
stored form."""
from __future__ import annotations


def crlf(text: str) -> bytes:
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


# Dovecot's lib-imap/test-imap-bodystructure.c message, with CRLF line ends: its expected sizes
# (Dovecot counts CRLF) are ours.
DOVECOT = crlf(
    'From: user@domain.org\n'
    'Date: Sat, 24 Mar 2007 23:00:00 +0200\n'
    'Mime-Version: 1.0\n'
    'Content-Type: multipart/mixed; boundary="foo\n'
    ' bar"\n'
    '\n'
    'Root MIME prologue\n'
    '\n'
    '--foo bar\n'
    'Content-Type: text/x-myown; charset=us-ascii; foo="quoted\\"string"\n'
    'Content-ID: <foo@example.com>\n'
    'Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==\n'
    'Content-Disposition: inline; foo=bar\n'
    'Content-Description: hellodescription\n'
    'Content-Language: en, fi, se\n'
    'Content-Location: http://example.com/test.txt\n'
    '\n'
    'hello\n'
    '\n'
    '--foo bar\n'
    'Content-Type: message/rfc822\n'
    '\n'
    'From: sub@domain.org\n'
    'To: sub-to1@domain.org, sub-to2@domain.org\n'
    'Date: Sun, 12 Aug 2012 12:34:56 +0300\n'
    'Subject: submsg\n'
    'Content-Type: multipart/alternative; boundary="sub1"\n'
    '\n'
    'Sub MIME prologue\n'
    '--sub1\n'
    'Content-Type: text/html\n'
    'Content-Transfer-Encoding: 8bit\n'
    '\n'
    '<p>Hello world</p>\n'
    '\n'
    '--sub1\n'
    'Content-Type: text/plain\n'
    'Content-Transfer-Encoding: ?invalid\n'
    '\n'
    'Hello another world\n'
    '\n'
    '--sub1--\n'
    'Sub MIME epilogue\n'
    '\n'
    '--foo bar--\n'
    'Root MIME epilogue\n'
)

SIMPLE = crlf("""\
From: Alice <alice@example.com>
To: bob@example.org
Subject: =?utf-8?q?caf=C3=A9?= =?utf-8?q?_au_lait?=
Date: Mon, 7 Feb 1994 21:52:25 -0800
Message-ID: <B27397-0100000@example.com>

Hello Bob,
how are you?
""")

def raw(text: str) -> bytes:
    """``crlf``, with ``{xx}`` standing for the octet 0xXX (8-bit garbage, other charsets)."""
    import re

    return re.sub(rb"\{([0-9a-f]{2})\}", lambda m: bytes([int(m.group(1), 16)]), crlf(text))


# mixed( alternative( plain, related( html, image ) ), pdf with RFC 2231 name, message/rfc822 )
NESTED = raw("""\
From: =?iso-8859-1?q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>
To: "Doe, John" <john@example.com>, team: a@x.org, b@y.org;
Cc: undisclosed-recipients:;
Subject: Nested
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"

This is the preamble.
--outer
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Caf=C3=A9 cr=
=C3=A8me
--alt
Content-Type: multipart/related; boundary="rel"; type="text/html"

--rel
Content-Type: text/html; charset=iso-8859-1
Content-Transfer-Encoding: 8bit

<p>Caf{e9}</p>
--rel
Content-Type: image/png
Content-ID: <img1@example.com>
Content-Transfer-Encoding: base64
Content-Disposition: inline

iVBORw0KGgo=
--rel--
--alt--
--outer
Content-Type: application/pdf; name*0*=utf-8''%E2%82%AC%20report; name*1=".pdf"
Content-Disposition: attachment;
 filename*=utf-8''%E2%82%AC%20report.pdf
Content-Transfer-Encoding: base64
Content-Description: the report
Content-Language: en

JVBERi0xLjQK
--outer
Content-Type: message/rfc822

From: carol@example.net
Subject: inner
Message-ID: <inner@example.net>
In-Reply-To: <outer@example.com>

Inner body.
--outer--
epilogue
""")

# RFC 2046 section 5.1.5: parts of a digest without Content-Type are message/rfc822.
DIGEST = crlf("""\
From: list@example.com
Subject: digest
Content-Type: multipart/digest; boundary="d"

--d

From: one@example.com
Subject: first

First.

--d
Content-Type: text/plain

Not a message.
--d--
""")

# -- broken -----------------------------------------------------------------------------------

MISSING_CLOSE = crlf("""\
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain

one
--b
Content-Type: text/plain

two
""")

BOUNDARY_NEVER_FOUND = crlf("""\
Content-Type: multipart/mixed; boundary=nowhere

just text
--elsewhere
more
""")

# An inner multipart reusing its parent's boundary takes the delimiters until it is closed.
CLASHING = crlf("""\
Content-Type: multipart/mixed; boundary=same

--same
Content-Type: multipart/alternative; boundary=same

--same
Content-Type: text/plain

a
--same
Content-Type: text/html

b
--same--
--same
Content-Type: text/plain

c
--same--
""")

# An inner multipart whose close delimiter is missing: the outer boundary ends it.
INNER_UNCLOSED = crlf("""\
Content-Type: multipart/mixed; boundary=outer

--outer
Content-Type: multipart/alternative; boundary=inner

--inner
Content-Type: text/plain

a
--outer
Content-Type: text/plain

b
--outer--
""")

# A boundary line inside a part's header: the header ends there, the part has no body.
HEADER_CUT = crlf("""\
Content-Type: multipart/mixed; boundary=b

--b
Content-Type: text/plain
Content-Description: cut short
--b
Content-Type: text/plain

body
--b--
""")

HEADER_ONLY = crlf("""\
From: a@b.c
Subject: no body""")

EIGHT_BIT_HEADERS = raw("""\
From: J{f6}rg <j{f6}rg@example.com>
Subject: gr{fc}{df}e {ff}{fe}
Content-Type: text/plain; charset={e9}{e8}

body {e9}
""")

INVALID_TYPE = crlf("""\
Content-Type: text; charset=utf-8
Content-Transfer-Encoding: x-uuencode

begin 644 x
""")

BARE_LF = b"Content-Type: multipart/mixed; boundary=x\n\n--x\nContent-Type: text/plain\n\nlf\n--x--\n"


def deep(levels: int) -> bytes:
    """Multiparts nested ``levels`` deep, each with its own boundary (none a prefix of another)."""
    head = "".join(f"--b{i}x\nContent-Type: multipart/mixed; boundary=b{i + 1}x\n\n" for i in range(levels))
    tail = "".join(f"--b{i}x--\n" for i in reversed(range(levels)))
    return crlf(f"Content-Type: multipart/mixed; boundary=b0x\n\n{head}--b{levels}x\n\ninnermost\n{tail}")


def deep_messages(levels: int) -> bytes:
    """message/rfc822 nested ``levels`` deep."""
    return crlf("Content-Type: message/rfc822\n\n" * levels + "Subject: bottom\n\nbottom\n")


WELL_FORMED = {"dovecot": DOVECOT, "simple": SIMPLE, "nested": NESTED, "digest": DIGEST}
BROKEN = {
    "missing_close": MISSING_CLOSE, "never_found": BOUNDARY_NEVER_FOUND, "clashing": CLASHING,
    "inner_unclosed": INNER_UNCLOSED, "header_cut": HEADER_CUT, "header_only": HEADER_ONLY,
    "eight_bit": EIGHT_BIT_HEADERS, "invalid_type": INVALID_TYPE, "bare_lf": BARE_LF, "empty": b"",
    "deep": deep(150), "deep_messages": deep_messages(150),
}
CORPUS = {**WELL_FORMED, **BROKEN}
