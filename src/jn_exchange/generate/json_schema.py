"""JSON Schema (draft 2019-09) of the JSON form of a package, from LinkML's JsonSchemaGenerator,
with Chinese titles kept and code-list labels added for editors.

LinkML knows neither the standard's text lengths nor its decimal places, and writes datetimes
as RFC 3339 `date-time`, which needs an offset the standard leaves optional. So each field's
constraints are then taken from its Table Schema, the one statement of them both profiles share:
pattern and maxLength for text, `multipleOf` 10⁻ⁿ for a number with n decimal places (the JSON
form writes numbers as JSON numbers: a validator that divides in binary floating point rejects
some valid amounts such as 0.07; read the document with decimals, see docs/*/clients/json-schema.md),
and for a datetime either an RFC 3339 date-time or the same without an offset (Beijing time)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linkml.generators.jsonschemagen import JsonSchemaGenerator

from jn_exchange.generate.source import prepare

# a datetime the standard accepts without an offset; with an offset it is an RFC 3339 date-time
LOCAL_DATETIME = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,6})?$"
PSEUDONYMIZED_ID_SUFFIX = "/pseudonymized"


def json_schema(schema_file: Path, top_class: str, schemas: dict[str, dict[str, Any]],
                exchange: str = "full") -> dict[str, Any]:
    """The JSON Schema whose field constraints are those of `schemas` (the Table Schemas of the
    exchange profile `exchange`)."""
    gen = JsonSchemaGenerator(str(schema_file), top_class=top_class, title_from="title")
    sv = prepare(gen.schemaview)
    doc = json.loads(gen.serialize())          # LinkML sorts the keys; so does our dump
    for name, definition in doc.get("$defs", {}).items():
        enum = sv.all_enums().get(name)
        if enum is None or "enum" not in definition:
            continue
        # labels of the codes, in the order of `enum` (VS Code shows enumDescriptions in completion)
        pvs = enum.permissible_values
        definition["enumDescriptions"] = [pvs[code].title or code for code in definition["enum"]]
    for ts in schemas.values():
        apply_table_schema(doc["$defs"][ts["jn:class"]], ts)
    if exchange == "pseudonymized":
        doc["$id"] += PSEUDONYMIZED_ID_SUFFIX
        doc["title"] += "（假名化交换 pseudonymized profile）"
        doc["description"] += (" Pseudonymised profile (\"jn:pseudonymized\": true): keyed-hash fields hold "
                               "64 lower-case hex digits (HMAC-SHA256), masked fields their clear form or a masked one (with '*').")
    return doc


def apply_table_schema(definition: dict[str, Any], ts: dict[str, Any]) -> None:
    """Set the constraints of one class's properties from its Table Schema."""
    props = definition["properties"]
    required = set(definition.get("required", []))
    for f in ts["fields"]:
        prop, cons = props[f["name"]], f["constraints"]
        for key in ("pattern", "maxLength"):
            if cons.get(key) is not None:
                prop[key] = cons[key]
            else:
                prop.pop(key, None)
        if f["type"] == "number" and f.get("jn:decimal_places") is not None:
            prop["multipleOf"] = float(10 ** -int(f["jn:decimal_places"]))
        if f["type"] == "datetime" and prop.pop("format", None) == "date-time":
            prop["anyOf"] = [{"format": "date-time"}, {"pattern": LOCAL_DATETIME}]
        if not cons.get("required"):
            required.discard(f["name"])
    if "required" in definition:
        definition["required"] = [r for r in definition["required"] if r in required]
