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
from jn_exchange.rules import make_finding


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
        doc = json.loads(doc_path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        collector.add(make_finding("JN-JSON-001", detail="not UTF-8 / 不是 UTF-8 编码"))
        raise JsonFormError()
    except json.JSONDecodeError as exc:
        collector.add(make_finding("JN-JSON-001", detail=f"line {exc.lineno} column {exc.colno}: {exc.msg}"))
        raise JsonFormError()
    except RecursionError:
        collector.add(make_finding("JN-JSON-001", detail="nested too deeply / 嵌套层数过多"))
        raise JsonFormError()
    if not isinstance(doc, dict):
        collector.add(make_finding("JN-JSON-001", detail=f"top level is {type(doc).__name__}, not an object"))
        raise JsonFormError()
    out.mkdir(parents=True, exist_ok=True)
    resources = []
    for key, rows in doc.items():
        if key in ("standard_version", "$schema"):
            continue
        if not isinstance(rows, list):
            collector.add(make_finding("JN-JSON-001", resource=key, detail=f"/{key} is not an array / 不是数组"))
            continue
        spec = profile.tables.get(key)
        columns = list(spec.field_names) if spec else []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                collector.add(make_finding("JN-JSON-001", resource=key, row=i + 2,
                                           detail=f"/{key}/{i} is not an object / 不是对象"))
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
                                                   detail=f"/{key}/{i}/{c} is an object or array / 是对象或数组"))
                    cells.append(text)
                w.writerow(cells)
        resources.append({"name": key, "path": path.name, "format": "csv"})
    descriptor = {"standard_version": doc.get("standard_version"), "resources": resources}
    (out / "datapackage.json").write_text(json.dumps(descriptor, ensure_ascii=False), encoding="utf-8")
    return out
