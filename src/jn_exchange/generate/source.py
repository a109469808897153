"""The LinkML model as the generators read it: where it is, how it is loaded, and small
accessors shared by every generator (tables in a stable order, annotations, field types).

This is the only place that decides which classes are tables: every concrete class except the
container (the class with `tree_root: true`, `ExchangePackage`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jsonasobj2 import items as json_items
from linkml_runtime import SchemaView
from linkml_runtime.linkml_model.meta import ClassDefinition, SlotDefinition

PACKAGE_DIR = Path(__file__).resolve().parents[1]          # src/jn_exchange
REPO_ROOT = PACKAGE_DIR.parents[1]
SCHEMA_FILE = REPO_ROOT / "schema" / "jn_exchange.yaml"
GENERATED_DIR = PACKAGE_DIR / "generated"

# LinkML base types -> Table Schema field types
PRIMITIVES = {
    "string": "string", "str": "string",
    "integer": "integer", "int": "integer",
    "decimal": "number", "float": "number", "double": "number", "Decimal": "number",
    "date": "date", "XSDDate": "date",
    "datetime": "datetime", "XSDDateTime": "datetime",
    "boolean": "boolean", "Bool": "boolean", "bool": "boolean",
}


class ModelError(Exception):
    """The model cannot be turned into artifacts (a dangling reference, a lost enum value...)."""


def load_view(schema_file: Path = SCHEMA_FILE) -> SchemaView:
    if not schema_file.is_file():
        raise ModelError(f"schema not found: {schema_file}")
    return SchemaView(str(schema_file))


def snake(name: str) -> str:
    """`EnforcementAgency` -> `enforcement_agency` (the table name of a class)."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def ann(element: Any) -> dict[str, str]:
    """The element's annotations as a plain {tag: value} dict (values as strings)."""
    out: dict[str, str] = {}
    annotations = getattr(element, "annotations", None) or {}
    pairs = annotations.items() if isinstance(annotations, dict) else json_items(annotations)
    for tag, a in pairs:
        value = getattr(a, "value", a)
        out[str(tag)] = value if isinstance(value, str) else str(value)
    return out


def module_of(element: Any) -> str:
    """Module key of an element: the last segment of the id of the schema that declares it
    (`https://w3id.org/jn-exchange/organization` -> `organization`)."""
    return str(element.from_schema or "").rstrip("/").rsplit("/", 1)[-1]


def ordered_classes(sv: SchemaView) -> list[ClassDefinition]:
    """Every class in import order, then in file order: a stable order independent of runs."""
    out = []
    for name in sv.imports_closure():
        schema = sv.schema_map[name]
        for cname in schema.classes:
            out.append(sv.get_class(cname))
    return out


def ordered_enums(sv: SchemaView) -> list[Any]:
    out = []
    for name in sv.imports_closure():
        schema = sv.schema_map[name]
        for ename in schema.enums:
            out.append(sv.get_enum(ename))
    return out


def container_class(sv: SchemaView) -> ClassDefinition:
    roots = [c for c in ordered_classes(sv) if c.tree_root]
    if len(roots) != 1:
        raise ModelError(f"expected exactly one tree_root class (the container), found {[c.name for c in roots]}")
    return roots[0]


def table_classes(sv: SchemaView) -> list[ClassDefinition]:
    """Concrete classes except the container, in import/file order."""
    root = container_class(sv).name
    return [c for c in ordered_classes(sv) if c.name != root and not c.abstract and not c.mixin]


def attributes(sv: SchemaView, cls: ClassDefinition) -> list[SlotDefinition]:
    """The class's induced slots in declared order (the required CSV column order)."""
    return list(sv.class_induced_slots(cls.name))


def identifier(sv: SchemaView, cls: ClassDefinition) -> SlotDefinition | None:
    for s in attributes(sv, cls):
        if s.identifier:
            return s
    return None


def primary_key(sv: SchemaView, cls: ClassDefinition) -> list[str]:
    ident = identifier(sv, cls)
    if ident is not None:
        return [ident.name]
    uk = (cls.unique_keys or {}).get("primary_key")
    if uk is not None:
        return list(uk.unique_key_slots)
    return []


def other_unique_keys(cls: ClassDefinition) -> list[list[str]]:
    return [list(uk.unique_key_slots) for name, uk in (cls.unique_keys or {}).items() if name != "primary_key"]


@dataclass(frozen=True)
class FieldType:
    """What a slot's range means for a table column."""
    table_type: str                        # string, integer, number, date, datetime, boolean
    enum: str | None = None                # range is this enum
    target_class: str | None = None        # range is this class (a foreign key)
    type_name: str | None = None           # range is this (custom or base) type
    type_annotations: tuple[tuple[str, str], ...] = ()
    type_pattern: str | None = None
    type_minimum: Any = None
    type_maximum: Any = None


def field_type(sv: SchemaView, slot: SlotDefinition) -> FieldType:
    rng = slot.range or sv.schema.default_range or "string"
    if rng in sv.all_enums():
        return FieldType("string", enum=rng)
    if rng in sv.all_classes():
        target = sv.get_class(rng)
        ident = identifier(sv, target)
        if ident is None:
            raise ModelError(f"{slot.owner}.{slot.name}: range {rng} has no identifier attribute to refer to")
        inner = field_type(sv, ident)
        return FieldType(inner.table_type, target_class=rng, type_name=inner.type_name,
                         type_annotations=inner.type_annotations)
    if rng in sv.all_types():
        annotations: dict[str, str] = {}
        pattern = minimum = maximum = None
        base = None
        for tname in sv.type_ancestors(rng):          # nearest first
            t = sv.get_type(tname)
            for k, v in ann(t).items():
                annotations.setdefault(k, v)
            pattern = pattern if pattern is not None else t.pattern
            minimum = minimum if minimum is not None else t.minimum_value
            maximum = maximum if maximum is not None else t.maximum_value
            if base is None and tname in PRIMITIVES:
                base = PRIMITIVES[tname]
        if base is None:
            base = PRIMITIVES.get(sv.induced_type(rng).base or "", "string")
        return FieldType(base, type_name=rng, type_annotations=tuple(sorted(annotations.items())),
                         type_pattern=pattern, type_minimum=minimum, type_maximum=maximum)
    raise ModelError(f"{slot.owner}.{slot.name}: unknown range {rng!r}")


# ----------------------------------------------------------------------------- text tidying

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_FOLD_SPACE = re.compile(f"(?<=[{_CJK}])[ \\t\\n]+(?=[{_CJK}])")


def tidy(text: str | None) -> str | None:
    """Undo YAML line folding inside Chinese text: `>-` joins lines with a space, which is
    never meant between two Chinese characters or punctuation marks."""
    if text is None:
        return None
    return _FOLD_SPACE.sub("", str(text)).strip()


def prepare(sv: SchemaView) -> SchemaView:
    """Tidy titles and descriptions of every element of every schema in the closure, in memory.
    Every generator works on a view prepared this way, so all artifacts say the same."""
    for name in sv.imports_closure():
        schema = sv.schema_map[name]
        schema.source_file = None                  # would put a machine's path into artifacts
        schema.source_file_date = schema.source_file_size = schema.generation_date = None
        schema.description = tidy(schema.description)
        schema.title = tidy(schema.title)
        elements = [*schema.classes.values(), *schema.slots.values(), *schema.enums.values(),
                    *schema.types.values()]
        for cls in schema.classes.values():
            elements.extend((cls.attributes or {}).values())
        for enum in schema.enums.values():
            elements.extend((enum.permissible_values or {}).values())
        for el in elements:
            el.title = tidy(el.title)
            el.description = tidy(el.description)
    sv.set_modified()
    return sv
