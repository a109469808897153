"""The container class (`ExchangePackage`) must have exactly one multivalued, inlined-as-list
attribute per table, named like the table. This module checks it and prints the YAML of the
attributes that are missing: `python -m jn_exchange.generate.container`."""

from __future__ import annotations

import sys

from linkml_runtime import SchemaView

from jn_exchange.generate.source import ann, container_class, load_view, snake, table_classes


def container_problems(sv: SchemaView) -> list[str]:
    root = container_class(sv)
    attrs = {s.name: s for s in sv.class_induced_slots(root.name)}
    problems = []
    expected = {snake(c.name): c.name for c in table_classes(sv)}
    for table, cname in expected.items():
        s = attrs.get(table)
        if s is None:
            problems.append(f"{root.name} has no attribute {table} (range {cname})")
        elif s.range != cname or not s.multivalued or not s.inlined_as_list:
            problems.append(f"{root.name}.{table}: must be range {cname}, multivalued, inlined_as_list")
    for name, s in attrs.items():
        if s.multivalued and name not in expected:
            problems.append(f"{root.name}.{name}: multivalued but not a table")
    return problems


def missing_attributes_yaml(sv: SchemaView) -> str:
    root = container_class(sv)
    have = {s.name for s in sv.class_induced_slots(root.name)}
    out = []
    for c in table_classes(sv):
        table = snake(c.name)
        if table in have:
            continue
        basis = ann(c).get("basis", "000 · 第十五条")
        out += [f"      {table}:",
                f"        title: {c.title}",
                f"        description: {c.title}表（{table}.csv）的全部行。",
                f"        range: {c.name}",
                "        multivalued: true",
                "        inlined_as_list: true",
                f'        annotations: {{basis: "{basis}"}}']
    return "\n".join(out)


if __name__ == "__main__":  # pragma: no cover
    view = load_view()
    text = missing_attributes_yaml(view)
    print(text or "# the container is complete")
    sys.exit(1 if container_problems(view) else 0)
