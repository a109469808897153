"""What a report may show of a vendor's value. Personal-data fields are masked; so is anything
in any field that looks like an identity number or a mobile number, because vendors put such
numbers in free-text fields too. Reports and logs never print them in clear."""

from __future__ import annotations

import re

from jn_exchange.identifiers import mask_identifier

_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
MAX_SHOWN = 120


def mask_value(value: str | None, personal: bool = False) -> str | None:
    if value is None:
        return None
    if personal:
        return mask_identifier(value)
    v = _ID_LIKE.sub(lambda m: mask_identifier(m.group(1)), value)
    v = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", v)
    if len(v) > MAX_SHOWN:  # huge cells are shown by their start only
        v = v[:MAX_SHOWN] + f"…(+{len(v) - MAX_SHOWN})"
    return v
