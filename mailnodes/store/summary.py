"""The parsed summary of a message: who, to whom, subject, dates, ids and whether it has
attachments, taken from the header section (and the top-level MIME structure) only.

It never fails: a broken or hostile message gets empty fields rather than a refused append.
"""
from __future__ import annotations

import datetime as dt
import email.header
import email.utils
import re
from dataclasses import dataclass
from email.message import Message as EmailMessage
from email.parser import BytesHeaderParser
from email.policy import compat32

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_MAX_FIELD = 4000


@dataclass(frozen=True, slots=True)
class Summary:
    from_addr: str = ""
    to_addrs: str = ""
    cc_addrs: str = ""
    subject: str = ""
    sent_date: dt.datetime | None = None
    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""
    has_attachments: bool = False


def _decode(value: object) -> str:
    if value is None:
        return ""
    try:
        parts = email.header.decode_header(str(value))
        text = "".join(
            part.decode(charset or "utf-8", "replace") if isinstance(part, bytes) else part
            for part, charset in parts
        )
    except (LookupError, ValueError, TypeError):
        text = str(value)
    text = " ".join(text.split())  # unfold, and no control characters in listings
    return text.replace("\x00", "")[:_MAX_FIELD]


def _date(value: object) -> dt.datetime | None:
    if not value:
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=dt.UTC)
    try:
        return parsed.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None


def _has_attachments(headers: EmailMessage, raw: bytes) -> bool:
    disposition = str(headers.get("Content-Disposition", "")).lower()
    if disposition.startswith("attachment"):
        return True
    ctype = str(headers.get("Content-Type", "")).lower()
    if not ctype.startswith("multipart/") or ctype.startswith("multipart/alternative"):
        return False
    # Look at part headers without parsing the whole tree: an attachment part announces itself.
    lowered = raw.lower()
    return (
        b"content-disposition: attachment" in lowered
        or b"content-disposition:attachment" in lowered
        or (b"filename=" in lowered or b"name=" in lowered) and b"content-type: application/" in lowered
    )


def summarise(raw: bytes) -> Summary:
    match = _HEADER_END.search(raw)
    head = raw[: match.end()] if match else raw
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(head)
    except Exception:  # the stdlib parser is lenient; this is a last resort, never a refusal
        return Summary()
    return Summary(
        from_addr=_decode(headers.get("From")),
        to_addrs=_decode(headers.get("To")),
        cc_addrs=_decode(headers.get("Cc")),
        subject=_decode(headers.get("Subject")),
        sent_date=_date(headers.get("Date")),
        message_id=_decode(headers.get("Message-ID"))[:998],
        in_reply_to=_decode(headers.get("In-Reply-To")),
        references=_decode(headers.get("References")),
        has_attachments=_has_attachments(headers, raw),
    )
