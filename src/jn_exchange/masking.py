"""What a report may show of a vendor's value: the one masking policy, applied where a finding
is made (its value, its record key, its message parameters and hints), so that every format,
language and tool shows one value the same way.

The policy, from the field's marking in the model (`jn:personal_data`):
- a personal field's value is masked (`mask_personal`: first and last character kept, the same
  length; 18-character numbers keep their division and last two) when it could identify a
  person: names, identity and certificate numbers, officer and counterpart identifiers,
  addresses, phone numbers, free text about a person;
- a personal field that holds a code, a number, a date or a flag is shown in clear when the
  value has that shape (a code, label or token of its code list, or up to six digits; digits
  and date separators; true/false and their usual spellings): a score
  or a sanction code identifies no one, and a finding shows it beside a masked key. Anything
  else written there (a name in a date column) is masked;
- every other value is shown in clear, through the safety net.

The safety net (`mask_numbers`) masks, in any text whatever its origin, what looks like an
identity number (18 characters or the old 15 digits) or a mainland mobile number. Text of unknown
origin (a header of a file without one, a line with the wrong number of fields) is shown cell by
cell with the policy of the fields the cell may belong to (`mask_line_cells`).

Reports and logs never print personal values in clear; the report writers scrub every string
with the safety net again (defence in depth)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cache
from typing import TYPE_CHECKING

from jn_exchange.text import invisible_at, visible

if TYPE_CHECKING:
    from jn_exchange.profile import FieldSpec, TableSpec

ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
MAX_SHOWN = 120
KEY_SEPARATOR = "|"

# values of these types are attributes (numbers, dates, flags), shown when they look like one
_ATTRIBUTE_TYPES = frozenset({"integer", "number", "boolean", "date", "datetime", "year", "time"})
_ATTRIBUTE_SHAPE = re.compile(r"[\s0-9０-９.,:+\-/年月日时分秒TZ]*")
_CODE_SHAPE = re.compile(r"\d{1,6}")   # an unknown code as this standard writes codes (01, 7, 9901)
_BOOLEAN_WORDS = frozenset({"true", "false", "t", "f", "y", "n", "yes", "no", "1", "0", "是", "否", "真", "假"})
_FIELD_NAME_SHAPE = re.compile(r"[a-z_][a-z0-9_]{0,63}")   # the shape of the standard's names
_EDGES = re.compile(r"^(\s*)(.*?)(\s*)$", re.S)


def mask_identifier(value: str) -> str:
    """Report form of one identifying value: 18 characters (identity number, USCC) keep the
    first 6 (division) and the last 2; anything else keeps its first and last character. Same
    length; never the input itself unless it is empty (1 or 2 characters are starred too)."""
    n = len(value)
    if n == 18:
        return value[:6] + "*" * 10 + value[16:]
    if n <= 2:
        return value[:n - 1] + "*" if n else value
    return value[0] + "*" * (n - 2) + value[-1]


def mask_personal(value: str) -> str:
    """`mask_identifier` of the value without its edge spaces, the spaces kept: a value and its
    corrected form (a hint, the fix log) then reveal the same characters, never more together."""
    m = _EDGES.match(value)
    assert m is not None  # the pattern matches any string
    lead, core, trail = m.groups()
    masked = mask_identifier(core)
    # a BOM or zero-width space names no one: left in place, so the report can show where it is
    for i in invisible_at(core):
        masked = masked[:i] + core[i] + masked[i + 1:]
    return lead + masked + trail


def mask_numbers(text: str) -> str:
    """`text` with every identity-like and mobile number masked, nothing else changed."""
    v = ID_LIKE.sub(lambda m: mask_identifier(m.group(1)), text)
    return MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", v)


def clip(text: str) -> str:
    """Text as a report shows it: a huge cell by its start only, and the characters that print
    as nothing written out (`text.visible`: a BOM in mid-file shows as <U+FEFF>)."""
    return visible(text[:MAX_SHOWN] + f"…(+{len(text) - MAX_SHOWN})" if len(text) > MAX_SHOWN else text)


def mask_value(value: str | None, personal: bool = False) -> str | None:
    """A value as a report shows it: masked (`personal`) or through the safety net, and cut to
    `MAX_SHOWN` characters either way."""
    if value is None:
        return None
    return clip(mask_personal(value) if personal else mask_numbers(value))


# ------------------------------------------------------------------------------- the policy
def is_personal(field: FieldSpec | None) -> bool:
    return bool(field is not None and (field.personal or field.identifier_scheme == "citizen_id"))


def _attribute(field: FieldSpec) -> bool:
    return bool(field.codelist or field.constraints.get("enum") or field.type in _ATTRIBUTE_TYPES)


def _harmless(value: str, field: FieldSpec, codes: AbstractSet[str] = frozenset()) -> bool:
    """Whether a personal attribute's value has its type's shape (and so names no one)."""
    v = value.strip()
    if field.codelist or field.constraints.get("enum"):
        return v in codes or v in {str(x) for x in field.constraints.get("enum") or ()} or bool(_CODE_SHAPE.fullmatch(v))
    if field.type == "boolean":
        return v.lower() in _BOOLEAN_WORDS
    return bool(_ATTRIBUTE_SHAPE.fullmatch(v))


def masks(field: FieldSpec | None, value: str | None = None) -> bool:
    """Whether the policy masks `value` of `field` (None: a value of unknown shape)."""
    if not is_personal(field):
        return False
    assert field is not None
    if not _attribute(field):
        return True
    return value is None or not _harmless(value, field, _code_words(field))


def show(value: str | None, field: FieldSpec | None = None) -> str | None:
    """A value of `field` as every report and log shows it."""
    return mask_value(value, masks(field, value))


def show_key(parts: Sequence[tuple[FieldSpec | None, str | None]]) -> str | None:
    """A record key (the values of the table's primary key) as reports show it: each part by
    its own field's policy, so a non-personal key is shown in clear and the vendor can find it."""
    shown = [show(v, f) for f, v in parts if v is not None]
    return KEY_SEPARATOR.join(s for s in shown if s is not None) if shown else None


def mask_line_cells(cells: Sequence[str], fields: Sequence[FieldSpec | None], shift_left: int = 0,
                    shift_right: int = 0) -> list[str]:
    """Cells of text of unknown origin (a ragged line, a header that is a data row): cell `i`
    may belong to any field from `i - shift_left` to `i + shift_right` (a line with fields
    too many or too few), and is masked if any of them would mask it."""
    out = []
    for i, cell in enumerate(cells):
        near = fields[max(0, i - shift_left):i + shift_right + 1]
        out.append(mask_personal(cell) if any(masks(f, cell) for f in near) else mask_numbers(cell))
    return out


def show_header_cell(text: str, field_here: FieldSpec | None) -> str:
    """A header cell that names no field: text of unknown origin (a file without a header row
    gives its first record as the header). A field-name-shaped text is shown through the safety
    net; anything else is masked when the standard's field at its position would mask it."""
    if _FIELD_NAME_SHAPE.fullmatch(text) or not masks(field_here, text):
        return clip(mask_numbers(text))
    return clip(mask_personal(text))


def show_column(text: str, position: int, table: TableSpec, known: bool = False) -> str:
    """A header cell (0-based `position`) as reports and tools show it: a column read as a field
    as it is; any other by `show_header_cell` with the standard's field at its position."""
    if known:
        return text
    return show_header_cell(text, table.fields[position] if position < len(table.fields) else None)


def _code_words(field: FieldSpec) -> frozenset[str]:
    return _codelist_words(field.codelist) if field.codelist else frozenset()


@cache
def _codelist_words(codelist: str) -> frozenset[str]:
    """The codes, labels and tokens of a code list: a vendor writing a label where the code
    belongs wrote no personal data."""
    from jn_exchange.profile import load_profile

    values = load_profile().codelists.get(codelist, {}).get("values", ())
    return frozenset(str(v[k]) for v in values for k in ("code", "label", "token") if v.get(k))
