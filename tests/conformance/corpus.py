"""The conformance corpus: failing packages for every rule code, each written as a small
mutation of a valid base package (the bundled example), with the findings it must produce.

A case (one entry in `cases/*.yaml`):

    - id: JN-CELL-007-label-instead-of-code
      rule: JN-CELL-007                  # the rule this case proves (every rule needs one)
      base: jinan-sample                 # a folder under examples/ (default), or "none"
      mutate:                            # applied in order, see OPS below
        - {op: set, table: enforcement_agency, row: 2, field: agency_nature, value: 行政机关}
      form: folder                       # folder | zip | json | descriptor (how it is passed)
      limits: {max_cell_chars: 100}      # limits of the run (config.Limits), for the limit cases
      expect:                            # each must be found (row/field optional)
        - {code: JN-CELL-007, resource: enforcement_agency, row: 2, field: agency_nature, count: 1}
      also: [JN-FILE-003]                # other codes the case may produce besides expect

`row` is the file row (header = 1). `count` is exact: the number of findings of the code in the
resource (the report's tally; package-level findings have no resource), whatever row or field
the expectation names. A zip form may be made byte by byte for the limit cases (zipcraft:
`{zeros: N}` adds an entry of N zero bytes, `{total: N}` one that makes the unpacked total N
bytes, `{entries: N}` empty entries up to N in all), so that every size the zip guard judges
is exact. `materialize(case, dest)` writes the package so that a
vendor can also run it; the rule pages of the website describe each case's mutations with the
`describe` of its operation in OPS: `python -m tests.conformance.corpus OUT` writes every case."""

from __future__ import annotations

import csv
import json
import shutil
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

from tests.conformance.zipcraft import write_zip

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
# Each operation `op_X` changes a package; `say_X` beside it says the same in words for the rule
# pages of the website, in the language and markup of `Words` (the docs generator supplies it).
class Words(Protocol):
    zh: bool                                    # Chinese, else English

    def code(self, text: str) -> str: ...       # a literal name or value
    def val(self, value: Any) -> str: ...       # a value of any type, shortened
    def kv(self, pairs: dict[str, Any]) -> str: ...   # field = value, ...
    def table(self, name: str) -> str: ...      # a table's name, linked to its page
    def short(self, text: str, n: int) -> str: ...


def op_set(pkg: Path, table: str, row: int, field: str, value: Any = "", repeat: int = 1, **_: Any) -> None:
    """Set one cell; row is the file row (header = 1); `repeat` makes a huge value."""
    header, rows = _read_table(pkg, table)
    rows[row - 2][_col(header, field)] = ("" if value is None else str(value)) * repeat
    _write_table(pkg, table, header, rows)


def say_set(o: dict[str, Any], w: Words) -> str:
    t = w.table(o["table"])
    value = o.get("value", "")
    shown = w.val("" if value is None else str(value))
    if o.get("repeat", 1) > 1:
        shown = f"{shown} × {o['repeat']}"
    if value in ("", None):
        return (f"清空 {t} 第 {o['row']} 行的 {w.code(o['field'])}" if w.zh
                else f"empty {w.code(o['field'])} in row {o['row']} of {t}")
    return (f"把 {t} 第 {o['row']} 行的 {w.code(o['field'])} 改为 {shown}" if w.zh
            else f"set {w.code(o['field'])} in row {o['row']} of {t} to {shown}")


def op_uscc_break(pkg: Path, table: str, row: int, field: str, **_: Any) -> None:
    """Replace the check character of a valid credit code with another valid character."""
    from jn_exchange.identifiers import uscc_check_char
    header, rows = _read_table(pkg, table)
    code = rows[row - 2][_col(header, field)]
    good = uscc_check_char(code[:17])
    rows[row - 2][_col(header, field)] = code[:17] + ("0" if good != "0" else "1")
    _write_table(pkg, table, header, rows)


def say_uscc_break(o: dict[str, Any], w: Words) -> str:
    t, field = w.table(o["table"]), w.code(o["field"])
    return (f"把 {t} 第 {o['row']} 行 {field} 的校验码换成另一个合法字符" if w.zh
            else f"replace the check character of {field} in row {o['row']} of {t} by another valid character")


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


def say_set_where(o: dict[str, Any], w: Words) -> str:
    t, where, values = w.table(o["table"]), w.kv(o.get("where", {})), w.kv(o.get("set", {}))
    return (f"在 {t} 中 {where} 的行，设置 {values}" if w.zh
            else f"in the rows of {t} where {where}, set {values}")


def op_append(pkg: Path, table: str, copy_row: int | None = None, values: dict[str, Any] | None = None, **_: Any) -> None:
    """Append a row: a copy of `copy_row` (file row) with `values` changed, or only `values`."""
    header, rows = _read_table(pkg, table)
    new = list(rows[copy_row - 2]) if copy_row else [""] * len(header)
    for k, v in (values or {}).items():
        new[_col(header, k)] = "" if v is None else str(v)
    rows.append(new)
    _write_table(pkg, table, header, rows)


def say_append(o: dict[str, Any], w: Words) -> str:
    t, zh = w.table(o["table"]), w.zh
    parts = []
    if o.get("copy_row"):
        parts.append(f"复制第 {o['copy_row']} 行" if zh else f"a copy of row {o['copy_row']}")
    if o.get("values"):
        parts.append(("其中 " if zh else "with ") + w.kv(o["values"]))
    what = ("，".join(parts) if zh else " ".join(parts)) or ("空行" if zh else "an empty row")
    return f"在 {t} 末尾追加一行：{what}" if zh else f"append to {t}: {what}"


def op_delete_rows(pkg: Path, table: str, where: dict[str, str] | None = None, rows: list[int] | None = None, **_: Any) -> None:
    header, data = _read_table(pkg, table)
    keep = []
    for i, r in enumerate(data):
        by_row = rows is not None and (i + 2) in rows
        by_where = where is not None and all(r[_col(header, k)] == str(v) for k, v in where.items())
        if not (by_row or by_where):
            keep.append(r)
    _write_table(pkg, table, header, keep)


def say_delete_rows(o: dict[str, Any], w: Words) -> str:
    t, zh = w.table(o["table"]), w.zh
    if o.get("rows"):
        rows = ("、" if zh else ", ").join(str(r) for r in o["rows"])
        return f"删除 {t} 的第 {rows} 行" if zh else f"delete rows {rows} of {t}"
    where = w.kv(o.get("where", {}))
    return f"删除 {t} 中 {where} 的行" if zh else f"delete the rows of {t} where {where}"


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


def say_header(o: dict[str, Any], w: Words) -> str:
    t, zh, code = w.table(o["table"]), w.zh, w.code
    parts = []
    for name in o.get("drop") or []:
        parts.append(f"删除列 {code(name)}" if zh else f"drop column {code(name)}")
    for name in o.get("add") or []:
        parts.append(f"增加列 {code(name)}" if zh else f"add column {code(name)}")
    for a, b in (o.get("rename") or {}).items():
        parts.append(f"把列名 {code(a)} 改为 {code(b)}" if zh else f"rename column {code(a)} to {code(b)}")
    if o.get("order") == "reverse":
        parts.append("把列的顺序倒过来" if zh else "reverse the column order")
    if o.get("titles"):
        parts.append("表头改用字段的中文名" if zh else "use the fields' Chinese names as header")
    return (f"{t} 的表头：" + "；".join(parts)) if zh else (f"header of {t}: " + "; ".join(parts))


def op_raw(pkg: Path, path: str, text: str | None = None, hex: str | None = None, **_: Any) -> None:  # noqa: A002
    """Replace a file of the package with literal text (UTF-8) or bytes (hex)."""
    data = bytes.fromhex(hex) if hex is not None else (text or "").encode("utf-8")
    (pkg / path).write_bytes(data)


def say_raw(o: dict[str, Any], w: Words) -> str:
    zh, path = w.zh, w.code(o["path"])
    if o.get("hex") is not None:
        data = w.code(w.short(o["hex"], 40))
        return f"把文件 {path} 写成字节 {data}（十六进制）" if zh else f"write the bytes {data} (hex) as file {path}"
    text = o.get("text") or ""
    if not text:
        return f"把文件 {path} 写成空文件" if zh else f"write {path} as an empty file"
    return f"把文件 {path} 写成 {w.val(text)}" if zh else f"write {path} with the content {w.val(text)}"


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


NEWLINES = {"crlf": ("CRLF", "CRLF"), "cr": ("CR", "CR"), "mixed": ("CRLF 与 LF 混用", "mixed CRLF and LF")}


def say_bytes(o: dict[str, Any], w: Words) -> str:
    t, zh, val = w.table(o["table"]), w.zh, w.val
    parts = []
    for a, b in (o.get("replace") or {}).items():
        parts.append(f"把文本 {val(a)} 替换为 {val(b)}" if zh else f"replace the text {val(a)} by {val(b)}")
    if o.get("append"):
        parts.append(f"在末尾追加 {val(o['append'])}" if zh else f"append {val(o['append'])}")
    newline = o.get("newline")
    if newline:
        z, e = NEWLINES.get(newline, (newline, newline))
        parts.append(f"行尾改为 {z}" if zh else f"line ends {e}")
    if o.get("encoding"):
        enc = w.code(o["encoding"])
        parts.append(f"以 {enc} 编码保存" if zh else f"saved in {enc} encoding")
    for a, h in (o.get("replace_bytes") or {}).items():
        parts.append(f"把 {val(a)} 的字节替换为 {w.code(h)}（十六进制）" if zh
                     else f"replace the bytes of {val(a)} by {w.code(h)} (hex)")
    if o.get("bom"):
        parts.append("文件开头加 UTF-8 BOM" if zh else "add a UTF-8 byte-order mark")
    return (f"重写 {t} 的文件：" + "；".join(parts)) if zh else (f"rewrite the file of {t}: " + "; ".join(parts))


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


def say_descriptor(o: dict[str, Any], w: Words) -> str:
    zh, code, val = w.zh, w.code, w.val
    parts = []
    for k, v in (o.get("set") or {}).items():
        parts.append(f"设置 {code(k)} 为 {val(v)}" if zh else f"set {code(k)} to {val(v)}")
    for k in o.get("delete") or []:
        parts.append(f"删除 {code(k)}" if zh else f"delete {code(k)}")
    if o.get("resource"):
        r, kv = code(o["resource"]), w.kv(o.get("resource_set") or {})
        parts.append(f"资源 {r} 中设置 {kv}" if zh else f"in resource {r} set {kv}")
    if o.get("add_resource"):
        added = val(o["add_resource"])
        parts.append(f"增加资源 {added}" if zh else f"add the resource {added}")
    if o.get("drop_resource"):
        dropped = code(o["drop_resource"])
        parts.append(f"删除资源 {dropped}" if zh else f"remove resource {dropped}")
    if o.get("duplicate_resource"):
        twice = code(o["duplicate_resource"])
        parts.append(f"把资源 {twice} 再声明一次" if zh else f"declare resource {twice} twice")
    return ("datapackage.json：" + "；".join(parts)) if zh else ("datapackage.json: " + "; ".join(parts))


def op_pad(pkg: Path, path: str, size: int, **_: Any) -> None:
    """Pad a file with trailing spaces (blank to JSON) to exactly `size` bytes."""
    data = (pkg / path).read_bytes()
    if len(data) > size:
        raise ValueError(f"{path} has {len(data)} bytes, more than {size}")
    (pkg / path).write_bytes(data + b" " * (size - len(data)))


def say_pad(o: dict[str, Any], w: Words) -> str:
    path, size = w.code(o["path"]), o["size"]
    return (f"在 {path} 末尾补空格，使文件正好 {size} 字节" if w.zh
            else f"pad {path} with trailing spaces to exactly {size} bytes")


def op_delete_file(pkg: Path, path: str, **_: Any) -> None:
    (pkg / path).unlink()


def say_delete_file(o: dict[str, Any], w: Words) -> str:
    path = w.code(o["path"])
    return f"删除文件 {path}" if w.zh else f"delete the file {path}"


def op_drop_table(pkg: Path, table: str, **_: Any) -> None:
    (pkg / f"{table}.csv").unlink()
    desc = _descriptor(pkg)
    desc["resources"] = [r for r in desc["resources"] if r["name"] != table]
    _save_descriptor(pkg, desc)


def say_drop_table(o: dict[str, Any], w: Words) -> str:
    t = w.table(o["table"])
    return f"删除表 {t}（文件和资源声明）" if w.zh else f"remove table {t} (file and resource)"


@dataclass(frozen=True)
class Op:
    """A mutation: how it changes the package, and how a rule page says so (zh and en)."""
    apply: Callable[..., None]
    describe: Callable[[dict[str, Any], Words], str]


OPS: dict[str, Op] = {
    "set": Op(op_set, say_set), "uscc_break": Op(op_uscc_break, say_uscc_break),
    "set_where": Op(op_set_where, say_set_where), "append": Op(op_append, say_append),
    "delete_rows": Op(op_delete_rows, say_delete_rows), "header": Op(op_header, say_header),
    "raw": Op(op_raw, say_raw), "bytes": Op(op_bytes, say_bytes), "descriptor": Op(op_descriptor, say_descriptor),
    "delete_file": Op(op_delete_file, say_delete_file), "drop_table": Op(op_drop_table, say_drop_table),
    "pad": Op(op_pad, say_pad),
}


# ---------------------------------------------------------------- forms
def _zip(folder: Path, dest: Path, spec: dict[str, Any]) -> Path:
    zpath = dest.with_suffix(".zip")
    if {"zeros", "total", "entries"} & set(spec):
        _crafted_zip(folder, zpath, spec)
    elif spec.get("corrupt"):
        zpath.write_bytes(b"PK\x03\x04" + b"\x00" * 40 + b"not really a zip")
        return zpath
    else:
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


def _crafted_zip(folder: Path, zpath: Path, spec: dict[str, Any]) -> None:
    """The package's files stored, plus the fillers the limit cases ask for (see zipcraft)."""
    files = [(p.relative_to(folder).as_posix(), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]
    zeros = []
    if "zeros" in spec:
        zeros.append(("filler.bin", int(spec["zeros"])))
    if "total" in spec:
        zeros.append(("filler.bin", int(spec["total"]) - sum(len(data) for _, data in files)))
    if "entries" in spec:
        files += [(f"padding/{i:05d}.txt", b"") for i in range(int(spec["entries"]) - len(files) - len(zeros))]
    write_zip(zpath, files, zeros)


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
        OPS[m.pop("op")].apply(folder, **m)
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


def export_case(case: dict[str, Any], target: Path) -> Path:
    """Write the case for vendors under `target` (a new folder): only what is validated, the
    input and, when the input is a file of it, its package. The conformance kit
    (scripts/build_conformance_kit.py) is made of these."""
    p = materialize(case, target)
    folder = target / "package"
    if folder.is_dir() and folder not in (p, *p.parents):   # a zip or JSON form made from the folder
        shutil.rmtree(folder)
    return p


if __name__ == "__main__":  # write the whole corpus for vendors: python -m tests.conformance.corpus OUT
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "conformance-corpus")
    for c in load_cases():
        target = out / c["id"]
        if target.exists():
            shutil.rmtree(target)
        target.mkdir(parents=True)
        p = export_case(c, target)
        expected = {"validate": p.name, "expect": c["expect"], **({"limits": c["limits"]} if "limits" in c else {})}
        (target / "expected.yaml").write_text(yaml.safe_dump(expected, allow_unicode=True), encoding="utf-8")
        print(f"{c['id']}: {p}")
