"""The one text policy for values people typed: which characters count as spaces around a value,
and which full-width characters have a half-width form. Used by the repair tools (`fix`,
`pseudonymize`), the header reader, the validator's hints and the identifier normaliser."""

from __future__ import annotations

import re

# Full-width ASCII (U+FF01..U+FF5E) and the ideographic space, and nothing else: NFKC would also
# rewrite CJK compatibility characters, circled digits, ￥ and the like, which is not a safe repair.
_HALF_WIDTH = str.maketrans({0xFF01 + i: chr(0x21 + i) for i in range(0x5E)} | {0x3000: " "})

# Spaces around a value: ASCII white space, NBSP, the ideographic, en, em and thin spaces, the
# zero-width space and joiners, and a stray byte-order mark (pasted from Word, Excel or the web).
EDGE_SPACES = " \t\n\r\f\v\u00a0\u3000\u2002\u2003\u2009\u200b\u200c\u200d\ufeff"
_NO_SPACES = str.maketrans({ord(ch): None for ch in EDGE_SPACES})


# Characters a report cannot show, written out as <U+XXXX> wherever a value is shown: format
# characters (a byte-order mark left in mid-file by files joined together, zero-width spaces and
# joiners, direction marks, soft hyphen) and control characters print as nothing; the spaces
# other than the ASCII one look like it or like nothing at the start or end of a value. Tabs and
# line ends inside a value are left as they are (a multi-line text is a real value).
# INVISIBLE_INSIDE (a regular-expression class body) is what JN-CELL-015 reports inside a text;
# the zero-width joiners are shown but not reported: emoji and some scripts are spelt with them.
INVISIBLE_INSIDE = "\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_INVISIBLE = INVISIBLE_INSIDE + "\u200c\u200d"
_CONTROL = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_ODD_SPACES = "\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_NOT_SHOWN = re.compile(f"[{_INVISIBLE}{_CONTROL}]|^[{_ODD_SPACES}]+|[{_ODD_SPACES}]+$")


_INVISIBLE_CHAR = re.compile(f"[{_INVISIBLE}]")


def invisible_at(value: str) -> list[int]:
    """Where `value` holds format characters that print as nothing (a BOM, a zero-width space)."""
    return [m.start() for m in _INVISIBLE_CHAR.finditer(value)]


def visible(value: str) -> str:
    """`value` with the characters that print as nothing (a BOM, zero-width and control
    characters anywhere; odd spaces at either end) written as <U+FEFF>, <U+3000>, ..."""
    return _NOT_SHOWN.sub(lambda m: "".join(f"<U+{ord(ch):04X}>" for ch in m.group()), value)


def half_width(value: str) -> str:
    """Full-width digits, letters and ASCII punctuation (and U+3000) to their ASCII forms."""
    return value.translate(_HALF_WIDTH)


def strip_edges(value: str) -> str:
    """The value without the spaces (EDGE_SPACES) around it."""
    return value.strip(EDGE_SPACES)


def drop_bom(value: str) -> str:
    """The value without any byte-order mark (U+FEFF) and the spaces then left around it."""
    return strip_edges(value.replace("\ufeff", ""))


def drop_spaces(value: str) -> str:
    """The value without any of EDGE_SPACES, inside it too (for identifiers)."""
    return value.translate(_NO_SPACES)


# A cell a spreadsheet would run as a formula (CSV injection): = + - @ and the tab and line
# ends that can precede them. Numbers such as -5 or +3.2 are left as they are.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def spreadsheet_safe(cell: str) -> str:
    """`cell` as it may go into a CSV file meant for Excel or WPS: a leading apostrophe where the
    spreadsheet would take it for a formula (the OWASP rule), unchanged otherwise."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell
