"""Go's string conventions where our messages and parsing must match the reference byte for byte.

The reference quotes user input in messages with ``%q`` and trims with ``strings.TrimSpace``;
users (and tests) match those messages, so the rules live once, here, for the webhook, the
controller and every provider.
"""

from __future__ import annotations

from typing import Final

_ESCAPES: Final = {
    "\a": r"\a",
    "\b": r"\b",
    "\f": r"\f",
    "\n": r"\n",
    "\r": r"\r",
    "\t": r"\t",
    "\v": r"\v",
    "\\": r"\\",
    '"': r"\"",
}
_CONTROL_LIMIT: Final = 0x20
_DELETE: Final = 0x7F
_BMP_LIMIT: Final = 0x10000
#: Characters Python calls whitespace but Go's unicode.IsSpace does not.
_NOT_GO_SPACE: Final = "\x1c\x1d\x1e\x1f"


def go_quote(text: str) -> str:
    r"""``text`` as Go's ``strconv.Quote`` (``%q``) spells it.

    Printable characters are kept, the usual C escapes are used, other control characters become
    ``\xNN`` and other non-printable characters ``\uNNNN`` or ``\UNNNNNNNN`` (lower-case hex).
    """
    parts = ['"']
    for char in text:
        code = ord(char)
        if char in _ESCAPES:
            parts.append(_ESCAPES[char])
        elif char.isprintable():
            parts.append(char)
        elif code < _CONTROL_LIMIT or code == _DELETE:
            parts.append(f"\\x{code:02x}")
        elif code < _BMP_LIMIT:
            parts.append(f"\\u{code:04x}")
        else:
            parts.append(f"\\U{code:08x}")
    parts.append('"')
    return "".join(parts)


def go_trim_space(text: str) -> str:
    """``strings.TrimSpace``: strip Go's Unicode white space from both ends."""
    start, end = 0, len(text)
    while start < end and text[start].isspace() and text[start] not in _NOT_GO_SPACE:
        start += 1
    while end > start and text[end - 1].isspace() and text[end - 1] not in _NOT_GO_SPACE:
        end -= 1
    return text[start:end]


def flag_key(token: str) -> str | None:
    """The flag name of a token ``--key`` or ``--key=value`` (not ``---x``), or None."""
    if not token.startswith("--") or len(token) <= len("--"):
        return None
    body = token.removeprefix("--")
    if body.startswith("-"):
        return None
    return go_trim_space(body.split("=", 1)[0]) or None
