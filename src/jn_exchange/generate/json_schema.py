"""JSON Schema (draft 2019-09) of the JSON form of a package, from LinkML's JsonSchemaGenerator,
with Chinese titles kept and code-list labels added for editors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from linkml.generators.jsonschemagen import JsonSchemaGenerator

from jn_exchange.generate.source import prepare


def json_schema(schema_file: Path, top_class: str) -> dict[str, Any]:
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
    return doc
