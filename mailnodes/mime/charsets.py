"""Charset names as found in mail, mapped to Python codecs, and decoding that never fails.

Mail often declares the wrong charset (us-ascii or iso-8859-1 over UTF-8 text, gb2312 over GBK)
or one Python does not know. ``decode_text`` tries, in order: the declared charset (through the
aliases below, which follow what browsers do with the same labels), UTF-8, Windows-1252; if none
decodes cleanly, the declared charset (or UTF-8) with replacement characters.
"""
from __future__ import annotations

import codecs

# Labels whose best codec is a superset or a differently named one.
_ALIASES = {
    "us-ascii": "utf-8", "ascii": "utf-8", "ansi_x3.4-1968": "utf-8", "us": "utf-8",  # 8-bit here is UTF-8 or cp1252
    "iso-8859-1": "windows-1252", "iso8859-1": "windows-1252", "latin1": "windows-1252", "latin-1": "windows-1252",
    "iso-8859-9": "windows-1254", "iso-8859-11": "cp874", "tis-620": "cp874",
    "iso-8859-8-i": "iso-8859-8", "iso-8859-6-i": "iso-8859-6",
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "euc-cn": "gb18030",
    "big5": "big5hkscs", "x-x-big5": "big5hkscs",
    "ks_c_5601-1987": "cp949", "ks_c_5601": "cp949", "euc-kr": "cp949", "windows-949": "cp949",
    "shift_jis": "cp932", "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "windows-31j": "cp932",
    "unicode-1-1-utf-7": "utf-7", "utf8": "utf-8", "x-unicode20utf8": "utf-8",
}
# Labels that say nothing: treated as absent.
_MEANINGLESS = {"", "unknown", "unknown-8bit", "x-unknown", "default", "charset", "x-user-defined", "binary"}
_FALLBACKS = ("utf-8", "cp1252")  # then the declared charset with replacement characters
_SINGLE_BYTE = ("cp125", "iso8859", "latin", "mac-", "koi8", "cp874", "cp437", "cp850")


def codec_for(charset: str | None) -> str | None:
    """The Python codec for a charset label, or None when the label is absent, meaningless or
    unknown. Codecs that are not text encodings (rot13, base64...) are refused."""
    if charset is None:
        return None
    label = charset.strip().strip('"').lower()
    if label in _MEANINGLESS:
        return None
    label = _ALIASES.get(label, label)
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_text(payload: bytes, charset: str | None) -> str:
    """``payload`` as text, whatever it holds (see the module docstring)."""
    declared = codec_for(charset)
    candidates: list[str] = []
    if declared is not None and declared.startswith(_SINGLE_BYTE) and not payload.isascii():
        # A single-byte charset decodes anything, so it cannot tell it was wrong: valid UTF-8 with
        # multi-byte sequences is almost never real Latin-n text, so it wins.
        candidates.append("utf-8")
    if declared is not None:
        candidates.append(declared)
    candidates += [c for c in _FALLBACKS if c not in candidates]
    for name in candidates:
        try:
            return payload.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    # A multi-byte charset with a few bad sequences: keep the rest of the text readable.
    return payload.decode(declared or "utf-8", "replace")
