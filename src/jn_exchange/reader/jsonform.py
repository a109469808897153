"""The JSON form of a package (one document, `{"standard_version": ..., "<table>": [{...}]}`)
is written out as the CSV form inside the private work folder, so that both forms go through
the same checks. Row r of table t (header = 1) is the JSON pointer /t/(r-2)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from jn_exchange.findings import Collector
from jn_exchange.profile import Profile
from jn_exchange.reader.jsondoc import JsonProblem, load_json, not_an_object
from jn_exchange.rules import make_finding, zh_en


class JsonFormError(Exception):
    pass


def _cell(v: Any) -> tuple[str, bool]:
    """CSV text of a JSON value, and whether the value was acceptable in a cell."""
    if v is None:
        return "", True
    if isinstance(v, bool):
        return ("true" if v else "false"), True
    if isinstance(v, (int, float)):
        return (repr(v) if isinstance(v, float) else str(v)), True
    if isinstance(v, str):
        return v, True
    return json.dumps(v, ensure_ascii=False), False


def json_to_csv_package(doc_path: Path, out: Path, profile: Profile, collector: Collector) -> Path:
    try:
        doc = load_json(doc_path)
    except JsonProblem as problem:
        collector.add(make_finding("JN-JSON-001", detail=problem.detail))
        raise JsonFormError() from problem
    if not isinstance(doc, dict):
        collector.add(make_finding("JN-JSON-001", detail=not_an_object(doc)))
        raise JsonFormError()
    out.mkdir(parents=True, exist_ok=True)
    resources: list[dict[str, str]] = []
    for key, rows in doc.items():
        if key in ("standard_version", "$schema"):
            continue
        if not isinstance(rows, list):
            collector.add(make_finding("JN-JSON-001", resource=key, detail=zh_en(f"/{key} 不是数组", f"/{key} is not an array")))
            continue
        spec = profile.tables.get(key)
        columns = list(spec.field_names) if spec else []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                collector.add(make_finding("JN-JSON-001", resource=key, row=i + 2,
                                           detail=zh_en(f"/{key}/{i} 不是对象", f"/{key}/{i} is not an object")))
                continue
            for k in row:
                if k not in columns:
                    columns.append(k)
        path = out / f"{key}.csv" if spec else out / f"_unknown_{len(resources)}.csv"
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(columns)
            for i, row in enumerate(rows):
                if not isinstance(row, dict):
                    w.writerow([""] * len(columns))  # keeps row numbers aligned with array indexes
                    continue
                cells = []
                for c in columns:
                    text, ok = _cell(row.get(c))
                    if not ok:
                        collector.add(make_finding("JN-JSON-001", resource=key, row=i + 2, field=c,
                                                   detail=zh_en(f"/{key}/{i}/{c} 是对象或数组", f"/{key}/{i}/{c} is an object or array")))
                    cells.append(text)
                w.writerow(cells)
        resources.append({"name": key, "path": path.name, "format": "csv"})
    descriptor = {"standard_version": doc.get("standard_version"), "resources": resources}
    (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return out
