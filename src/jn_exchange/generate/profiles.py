"""The two exchange profiles of every artifact, and the one place that says what a field holds in
the pseudonymised profile (a package whose datapackage.json declares `"jn:pseudonymized": true`,
as `jn-exchange pseudonymize` writes it).

The variant of a field follows its `jn:exchange_treatment` exactly as the validator reads a
pseudonymised package (`engine.cells.CellRules.as_checked`), so that every client accepts what
the validator accepts:

| treatment | the cell holds | constraints in the variant |
|---|---|---|
| `keyed_hash` | HMAC-SHA256 in 64 lower-case hex digits | `required` kept; only the hex pattern (and its length, 64) |
| `mask` | the masked form: `*` in place of characters, same length | the clear pattern, or any text with a `*`; `maxLength` kept |
| `drop` | nothing | `required` lifted (the cell is emptied); the rest kept |
| `clear`, none | the clear value | unchanged |

The full profile is the Table Schema as generated; every other artifact takes its constraints
from one of the two sets of Table Schemas."""

from __future__ import annotations

import copy
from typing import Any

from jn_exchange.generate.source import ModelError

# the pseudonymised package's name for each variant (beside the full artifact in generated/)
VARIANT_DIR = "tableschemas-pseudonymized"
VARIANT_SUFFIX = ".pseudonymized"

# what `pseudonymize` writes for a keyed-hash field; the validator's engine.cells.KEYED_HASH_PATTERN
KEYED_HASH_PATTERN = "^[0-9a-f]{64}$"
KEYED_HASH_LENGTH = 64
# a text with at least one `*`, written with negated classes only: the same in Python, ECMAScript,
# RE2 (DuckDB) and PostgreSQL, with or without line breaks in the text, and linear to match
_HAS_STAR = r"[^*]*(?:\*[^*]*)+"

TREATMENTS = ("clear", "mask", "keyed_hash", "drop")


def treatment(field: dict[str, Any]) -> str:
    t = str(field.get("jn:exchange_treatment") or "clear")
    if t not in TREATMENTS:
        raise ModelError(f"{field['name']}: unknown exchange_treatment {t!r} (one of {', '.join(TREATMENTS)})")
    return t


def masked_pattern(pattern: str) -> str:
    """The clear pattern, or a masked value (any text with a `*`), as one full-match pattern."""
    body = pattern[1:-1] if pattern.startswith("^") and pattern.endswith("$") else pattern
    return f"^(?:{body}|{_HAS_STAR})$"


def pseudonymized_field(field: dict[str, Any]) -> dict[str, Any]:
    """The Table Schema field as a pseudonymised package holds it."""
    t = treatment(field)
    if t == "clear":
        return field
    out = copy.deepcopy(field)
    cons = out["constraints"]
    if t == "keyed_hash":
        if field.get("type") != "string":
            raise ModelError(f"{field['name']}: keyed_hash applies to text fields, not {field.get('type')}")
        out["constraints"] = {"required": cons["required"], "pattern": KEYED_HASH_PATTERN,
                              "maxLength": KEYED_HASH_LENGTH}
    elif t == "mask":
        if field.get("type") != "string" or cons.get("enum"):
            raise ModelError(f"{field['name']}: mask applies to free text, not to {field.get('type')} or a code list")
        if cons.get("pattern"):
            cons["pattern"] = masked_pattern(cons["pattern"])
    elif t == "drop":
        cons["required"] = False
    return out


def pseudonymized_table_schema(ts: dict[str, Any]) -> dict[str, Any]:
    out = dict(ts)
    out["fields"] = [pseudonymized_field(f) for f in ts["fields"]]
    out["jn:profile"] = "pseudonymized"
    return out


def pseudonymized_schemas(schemas: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """{table: Table Schema of the pseudonymised profile}, every table (a package carries a full set)."""
    return {name: pseudonymized_table_schema(ts) for name, ts in schemas.items()}
