"""Every code list (LinkML enum) with its codes, Chinese labels, tokens and validity dates."""

from __future__ import annotations

from typing import Any

from linkml_runtime import SchemaView

from jn_exchange.generate.source import ann, module_of, ordered_enums


def codelist(enum: Any) -> dict[str, Any]:
    enum_ann = ann(enum)
    out: dict[str, Any] = {"name": enum.name, "title": enum.title or enum.name,
                           "description": (enum.description or "").strip(), "module": module_of(enum)}
    for tag, value in enum_ann.items():
        out[tag] = value                      # basis, valid_from, valid_to, scope, ...
    values = []
    for code, pv in (enum.permissible_values or {}).items():
        pv_ann = ann(pv)
        v: dict[str, Any] = {"code": str(code), "label": pv.title or str(code),
                             "description": (pv.description or "").strip()}
        for tag, value in pv_ann.items():
            v[tag] = value                    # token, valid_from, valid_to, other annotations
        values.append(v)
    out["values"] = values
    return out


def codelists(sv: SchemaView) -> list[dict[str, Any]]:
    return [codelist(e) for e in ordered_enums(sv)]
