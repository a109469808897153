"""Frictionless Table Schemas, one per table, written from the SchemaView (LinkML has no
Table Schema generator). Field order is the attribute order of the model, which is the
required CSV column order; custom properties carry the standard's metadata as `jn:*`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from linkml_runtime import SchemaView
from linkml_runtime.linkml_model.meta import ClassDefinition, SlotDefinition

from jn_exchange.generate.source import (
    ModelError,
    ann,
    attributes,
    field_type,
    module_of,
    other_unique_keys,
    primary_key,
    snake,
    table_classes,
)

# annotations a field also takes from its type (its slot's own win); every other slot
# annotation but max_length is kept as jn:<tag>
TYPE_ANNOTATIONS = ("identifier_scheme", "decimal_places", "decimal_places_error_from")


def _number(v: Any) -> int | float | None:
    if v is None:
        return None
    d = Decimal(str(v))
    return int(d) if d == d.to_integral_value() else float(d)


def table_field(sv: SchemaView, slot: SlotDefinition) -> dict[str, Any]:
    ft = field_type(sv, slot)
    field: dict[str, Any] = {"name": slot.name, "title": slot.title or slot.name,
                             "description": (slot.description or "").strip(), "type": ft.table_type}
    if ft.table_type in ("date", "datetime"):
        field["format"] = "default"
    if ft.table_type == "boolean":
        field["trueValues"], field["falseValues"] = ["true"], ["false"]
    cons: dict[str, Any] = {"required": bool(slot.required or slot.identifier)}
    pattern = slot.pattern or ft.type_pattern
    if pattern:
        cons["pattern"] = pattern
    if ft.enum:
        cons["enum"] = [str(code) for code in sv.get_enum(ft.enum).permissible_values]
    lo = slot.minimum_value if slot.minimum_value is not None else ft.type_minimum
    hi = slot.maximum_value if slot.maximum_value is not None else ft.type_maximum
    if lo is not None:
        cons["minimum"] = _number(lo)
    if hi is not None:
        cons["maximum"] = _number(hi)
    annotations = ann(slot)
    if "max_length" in annotations:
        cons["maxLength"] = int(annotations["max_length"])
    field["constraints"] = cons
    if ft.enum:
        field["jn:codelist"] = ft.enum
    type_ann = dict(ft.type_annotations)
    for tag in TYPE_ANNOTATIONS:
        value = annotations.get(tag, type_ann.get(tag))
        if value is not None:
            field[f"jn:{tag}"] = int(value) if tag == "decimal_places" else value
    for tag, value in annotations.items():
        if tag in ("max_length", *TYPE_ANNOTATIONS):
            continue
        field[f"jn:{tag}"] = value
    return field


def foreign_keys(sv: SchemaView, cls: ClassDefinition, table_of: dict[str, str]) -> list[dict[str, Any]]:
    out = []
    for slot in attributes(sv, cls):
        ft = field_type(sv, slot)
        target = ft.target_class or ann(slot).get("references")
        if not target:
            continue
        if target not in table_of:
            raise ModelError(f"{cls.name}.{slot.name}: references {target}, which is not a table")
        tkey = primary_key(sv, sv.get_class(target))
        if len(tkey) != 1:
            raise ModelError(f"{cls.name}.{slot.name}: target {target} has no single-field key {tkey}")
        resource = "" if target == cls.name else table_of[target]
        out.append({"fields": [slot.name], "reference": {"resource": resource, "fields": tkey}})
    return out


def table_schema(sv: SchemaView, cls: ClassDefinition, table_of: dict[str, str]) -> dict[str, Any]:
    fields = [table_field(sv, s) for s in attributes(sv, cls)]
    names = {f["name"] for f in fields}
    pk = primary_key(sv, cls)
    if not pk:
        raise ModelError(f"{cls.name}: no primary key (an identifier attribute or unique_keys.primary_key)")
    uks = other_unique_keys(cls)
    for key in [pk, *uks]:
        missing = [k for k in key if k not in names]
        if missing:
            raise ModelError(f"{cls.name}: key {key} names unknown attributes {missing}")
    schema: dict[str, Any] = {
        "name": table_of[cls.name], "title": cls.title or cls.name, "description": (cls.description or "").strip(),
        "jn:class": cls.name, "jn:module": module_of(cls), "fields": fields, "primaryKey": pk,
        "missingValues": [""],
    }
    cls_ann = ann(cls)
    if "basis" in cls_ann:
        schema["jn:basis"] = cls_ann["basis"]
    for tag, value in cls_ann.items():
        if tag != "basis":
            schema[f"jn:{tag}"] = value
    if uks:
        schema["uniqueKeys"] = uks
    fks = foreign_keys(sv, cls, table_of)
    if fks:
        schema["foreignKeys"] = fks
    return schema


def table_names(sv: SchemaView) -> dict[str, str]:
    """{class name: table name} for every table, in model order."""
    out = {c.name: snake(c.name) for c in table_classes(sv)}
    if len(set(out.values())) != len(out):
        raise ModelError("two classes map to the same table name")
    return out


def table_schemas(sv: SchemaView) -> dict[str, dict[str, Any]]:
    """{table name: Table Schema} in model order."""
    table_of = table_names(sv)
    return {table_of[c.name]: table_schema(sv, c, table_of) for c in table_classes(sv)}
