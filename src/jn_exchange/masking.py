"""What a report may show of a vendor's value. Personal-data fields are masked; so is anything
in any field that looks like an identity number or a mobile number, because vendors put such
numbers in free-text fields too. Reports and logs never print them in clear."""

from __future__ import annotations

import re

from jn_exchange.identifiers import mask_identifier

# The one definition of what looks like personal numbers in any text: identity numbers (18
# characters, or the old 15 digits) and mainland mobile numbers. The engine masks values with
# them, and the report writers scrub every string with them again (defence in depth).
ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
MAX_SHOWN = 120


def mask_numbers(text: str) -> str:
    """`text` with every identity-like and mobile number masked, nothing else changed."""
    v = ID_LIKE.sub(lambda m: mask_identifier(m.group(1)), text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", v)


def mask_value(value: str | None, personal: bool = False) -> str | None:
    if value is None:
        return None
    if personal:
        return mask_identifier(value)
    v = mask_numbers(value)
    if len(v) > MAX_SHOWN:  # huge cells are shown by their start only
        v = v[:MAX_SHOWN] + f"…(+{len(v) - MAX_SHOWN})"
    return v
