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


def half_width(value: str) -> str:
    """Full-width digits, letters and ASCII punctuation (and U+3000) to their ASCII forms."""
    return value.translate(_HALF_WIDTH)


def strip_edges(value: str) -> str:
    """The value without the spaces (EDGE_SPACES) around it."""
    return value.strip(EDGE_SPACES)


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
