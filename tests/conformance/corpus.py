"""The conformance corpus: failing packages for every rule code, each written as a small
mutation of a valid base package (the bundled example), with the findings it must produce.

A case (one entry in `cases/*.yaml`):

    - id: JN-CELL-007-label-instead-of-code
      rule: JN-CELL-007                  # the rule this case proves (every rule needs one)
      base: jinan-sample                 # a folder under examples/ (default), or "none"
      mutate:                            # applied in order, see OPS below
        - {op: set, table: enforcement_agency, row: 2, field: agency_nature, value: 行政机关}
      form: folder                       # folder | zip | json | descriptor (how it is passed)
      expect:                            # each must be found (row/field optional)
        - {code: JN-CELL-007, resource: enforcement_agency, row: 2, field: agency_nature}
      also: [JN-FILE-003]                # other codes the case may produce besides expect

`row` is the file row (header = 1). `materialize(case, dest)` writes the package so that a
vendor can also run it: `python -m tests.conformance.corpus OUT` writes every case."""

from __future__ import annotations

import csv
import json
import shutil
import sys
import zipfile
from pathlib import Path
from typing import Any, Callable

import yaml

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
EXAMPLES = ROOT / "examples"


def load_cases() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted((HERE / "cases").glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            case["_file"] = path.name
            cases.append(case)
    return cases


# ---------------------------------------------------------------- table access
def _read_table(pkg: Path, table: str) -> tuple[list[str], list[list[str]]]:
    with (pkg / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write_table(pkg: Path, table: str, header: list[str], rows: list[list[str]]) -> None:
    with (pkg / f"{table}.csv").open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([header, *rows])


def _descriptor(pkg: Path) -> dict[str, Any]:
    return json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))


def _save_descriptor(pkg: Path, desc: dict[str, Any]) -> None:
    (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False, indent=2), encoding="utf-8")


def _col(header: list[str], field: str) -> int:
    try:
        return header.index(field)
    except ValueError as exc:
        raise KeyError(f"no column {field}") from exc


# ---------------------------------------------------------------- operations
def op_set(pkg: Path, table: str, row: int, field: str, value: Any = "", repeat: int = 1, **_: Any) -> None:
    """Set one cell; row is the file row (header = 1); `repeat` makes a huge value."""
    header, rows = _read_table(pkg, table)
    rows[row - 2][_col(header, field)] = ("" if value is None else str(value)) * repeat
    _write_table(pkg, table, header, rows)


def op_uscc_break(pkg: Path, table: str, row: int, field: str, **_: Any) -> None:
    """Replace the check character of a valid credit code with another valid character."""
    from jn_exchange.identifiers import uscc_check_char
    header, rows = _read_table(pkg, table)
    code = rows[row - 2][_col(header, field)]
    good = uscc_check_char(code[:17])
    rows[row - 2][_col(header, field)] = code[:17] + ("0" if good != "0" else "1")
    _write_table(pkg, table, header, rows)


def op_set_where(pkg: Path, table: str, where: dict[str, str], set: dict[str, Any], **_: Any) -> None:  # noqa: A002
    """Set cells of every row whose fields equal `where`."""
    header, rows = _read_table(pkg, table)
    hit = 0
    for r in rows:
        if all(r[_col(header, k)] == str(v) for k, v in where.items()):
            hit += 1
            for k, v in set.items():
                r[_col(header, k)] = "" if v is None else str(v)
    if not hit:
        raise ValueError(f"set_where matched no row of {table}: {where}")
    _write_table(pkg, table, header, rows)


def op_append(pkg: Path, table: str, copy_row: int | None = None, values: dict[str, Any] | None = None, **_: Any) -> None:
    """Append a row: a copy of `copy_row` (file row) with `values` changed, or only `values`."""
    header, rows = _read_table(pkg, table)
    new = list(rows[copy_row - 2]) if copy_row else [""] * len(header)
    for k, v in (values or {}).items():
        new[_col(header, k)] = "" if v is None else str(v)
    rows.append(new)
    _write_table(pkg, table, header, rows)


def op_delete_rows(pkg: Path, table: str, where: dict[str, str] | None = None, rows: list[int] | None = None, **_: Any) -> None:
    header, data = _read_table(pkg, table)
    keep = []
    for i, r in enumerate(data):
        by_row = rows is not None and (i + 2) in rows
        by_where = where is not None and all(r[_col(header, k)] == str(v) for k, v in where.items())
        if not (by_row or by_where):
            keep.append(r)
    _write_table(pkg, table, header, keep)


def op_header(pkg: Path, table: str, rename: dict[str, str] | None = None, drop: list[str] | None = None,
              add: list[str] | None = None, order: str | None = None, titles: bool = False, **_: Any) -> None:
    header, rows = _read_table(pkg, table)
    if titles:
        from jn_exchange.profile import load_profile
        spec = load_profile().tables[table]
        rename = {f.name: f.title for f in spec.fields}
    for name in drop or []:
        i = _col(header, name)
        header.pop(i)
        for r in rows:
            r.pop(i)
    for name in add or []:
        header.append(name)
        for r in rows:
            r.append("")
    if order == "reverse":
        header.reverse()
        for r in rows:
            r.reverse()
    header = [(rename or {}).get(h, h) for h in header]
    _write_table(pkg, table, header, rows)


def op_raw(pkg: Path, path: str, text: str | None = None, hex: str | None = None, **_: Any) -> None:  # noqa: A002
    """Replace a file of the package with literal text (UTF-8) or bytes (hex)."""
    data = bytes.fromhex(hex) if hex is not None else (text or "").encode("utf-8")
    (pkg / path).write_bytes(data)


def op_bytes(pkg: Path, table: str, encoding: str | None = None, bom: bool = False, newline: str | None = None,
             append: str | None = None, replace: dict[str, str] | None = None,
             replace_bytes: dict[str, str] | None = None, **_: Any) -> None:
    """Re-encode a table's file: another encoding, a BOM, other line ends, appended raw text."""
    path = pkg / f"{table}.csv"
    text = path.read_text(encoding="utf-8")
    for a, b in (replace or {}).items():
        text = text.replace(a, b)
    if append:
        text += append
    if newline == "crlf":
        text = text.replace("\n", "\r\n")
    elif newline == "mixed":
        lines = text.split("\n")
        text = "\r\n".join(lines[:2]) + "\n" + "\n".join(lines[2:])
    elif newline == "cr":
        text = text.replace("\n", "\r")
    data = text.encode(encoding or "utf-8")
    for a, hexbytes in (replace_bytes or {}).items():  # raw bytes after encoding, e.g. invalid UTF-8
        data = data.replace(a.encode(encoding or "utf-8"), bytes.fromhex(hexbytes))
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


def op_descriptor(pkg: Path, set: dict[str, Any] | None = None, delete: list[str] | None = None,  # noqa: A002
                  resource: str | None = None, resource_set: dict[str, Any] | None = None,
                  add_resource: dict[str, Any] | None = None, drop_resource: str | None = None,
                  duplicate_resource: str | None = None, hash_of: str | None = None, **_: Any) -> None:
    desc = _descriptor(pkg)
    for k, v in (set or {}).items():
        desc[k] = v
    for k in delete or []:
        desc.pop(k, None)
    if resource:
        for r in desc["resources"]:
            if r["name"] == resource:
                r.update(resource_set or {})
    if add_resource:
        desc["resources"].append(add_resource)
    if drop_resource:
        desc["resources"] = [r for r in desc["resources"] if r["name"] != drop_resource]
    if duplicate_resource:
        desc["resources"].append(next(dict(r) for r in desc["resources"] if r["name"] == duplicate_resource))
    _save_descriptor(pkg, desc)


def op_delete_file(pkg: Path, path: str, **_: Any) -> None:
    (pkg / path).unlink()


def op_drop_table(pkg: Path, table: str, **_: Any) -> None:
    (pkg / f"{table}.csv").unlink()
    desc = _descriptor(pkg)
    desc["resources"] = [r for r in desc["resources"] if r["name"] != table]
    _save_descriptor(pkg, desc)


OPS: dict[str, Callable[..., None]] = {
    "set": op_set, "uscc_break": op_uscc_break, "set_where": op_set_where, "append": op_append, "delete_rows": op_delete_rows,
    "header": op_header, "raw": op_raw, "bytes": op_bytes, "descriptor": op_descriptor,
    "delete_file": op_delete_file, "drop_table": op_drop_table,
}


# ---------------------------------------------------------------- forms
def _zip(folder: Path, dest: Path, spec: dict[str, Any]) -> Path:
    zpath = dest.with_suffix(".zip")
    if spec.get("corrupt"):
        zpath.write_bytes(b"PK\x03\x04" + b"\x00" * 40 + b"not really a zip")
        return zpath
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
        if spec.get("slip"):
            zf.writestr("../../escape.csv", "a,b\n")
        if spec.get("bomb"):
            zf.writestr("filler.bin", b"\x00" * (64 << 20))
    if spec.get("encrypted"):  # set the encryption flag bit of every entry (zipfile cannot encrypt)
        data = bytearray(zpath.read_bytes())
        i = 0
        while (i := data.find(b"PK\x03\x04", i)) != -1:
            data[i + 6] |= 1
            i += 4
        i = 0
        while (i := data.find(b"PK\x01\x02", i)) != -1:
            data[i + 8] |= 1
            i += 4
        zpath.write_bytes(bytes(data))
    for _ in range(spec.get("nest", 0)):
        outer = zpath.with_name(zpath.stem + "_outer.zip")
        with zipfile.ZipFile(outer, "w") as zf:
            zf.write(zpath, zpath.name)
        zpath.unlink()
        zpath = outer.rename(zpath)
    return zpath


def _json_form(folder: Path, dest: Path) -> Path:
    from jn_exchange.profile import load_profile
    profile = load_profile()
    desc = _descriptor(folder)
    doc: dict[str, Any] = {"standard_version": desc.get("standard_version")}
    for res in desc["resources"]:
        spec = profile.tables[res["name"]]
        header, rows = _read_table(folder, res["name"])
        out = []
        for r in rows:
            rec: dict[str, Any] = {}
            for h, v in zip(header, r):
                f = spec.field(h)
                if v == "":
                    continue
                if f and f.type == "integer":
                    rec[h] = int(v) if v.lstrip("-").isdigit() else v
                elif f and f.type == "boolean":
                    rec[h] = {"true": True, "false": False}.get(v, v)
                else:
                    rec[h] = v
            out.append(rec)
        doc[res["name"]] = out
    path = dest.with_suffix(".json")
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def materialize(case: dict[str, Any], dest: Path) -> Path:
    """Write the case's package under `dest` (a new folder) and return the path to validate."""
    base = case.get("base", "jinan-sample")
    folder = dest / "package"
    if base == "none":
        folder.mkdir(parents=True)
    else:
        shutil.copytree(EXAMPLES / base, folder)
    for m in case.get("mutate", []):
        m = dict(m)
        OPS[m.pop("op")](folder, **m)
    form = case.get("form", "folder")
    if isinstance(form, dict) and "file" in form:  # a file of the package passed directly
        return folder / form["file"]
    if form == "zip" or isinstance(form, dict):
        return _zip(folder, dest / "package", form if isinstance(form, dict) else {})
    if form == "json":
        return _json_form(folder, dest / "package")
    if form == "descriptor":
        return folder / "datapackage.json"
    return folder


if __name__ == "__main__":  # write the whole corpus for vendors: python -m tests.conformance.corpus OUT
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "conformance-corpus")
    for c in load_cases():
        target = out / c["id"]
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        p = materialize(c, target)
        (target / "expected.yaml").write_text(yaml.safe_dump({"validate": p.name, "expect": c["expect"]},
                                                              allow_unicode=True), encoding="utf-8")
        print(f"{c['id']}: {p}")
