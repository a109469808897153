"""`jn-exchange pseudonymize IN OUT --key-file K`: apply every field's exchange treatment
(schema annotation `exchange_treatment`, Table Schema key `jn:exchange_treatment`) to a copy.

- `keyed_hash`: the cell becomes HMAC-SHA256(key, normalised value), 64 lower-case hex digits.
  Normalised value: surrounding spaces removed, full-width ASCII to half-width; for 公民身份号码
  (`jn:identifier_scheme: citizen_id`, and counterpart.id_number when id_type is 001 居民身份证)
  inner spaces removed and x → X, for 统一社会信用代码 upper case. Check characters are verified
  BEFORE hashing: an invalid value is not hashed, its cell is emptied and it is reported (table,
  row, field, problem, masked value) in `OUT/pseudonymize-log.json` and on standard error.
  There is no per-field salt: the same person has the same hash in every table and field
  (an officer who is also a counterpart), so joins on these values still hold.
- `mask`: `masking.mask_personal(value)`, the form the validator's reports show (same length, uncut).
- `drop`: the column stays (header kept), every cell is emptied.
- `clear` and unmarked fields are copied as they are. Columns the standard does not know are
  emptied and resources that are not tables of the standard are left out (nothing says how
  to protect them); both are counted.

The output descriptor says what was done, without the key:

    "jn:pseudonymized": true,
    "jn:pseudonymization": {"method": "HMAC-SHA256", "encoding": "hex", "key_id": "<16 hex>",
                            "keyed_hash": [...], "mask": [...], "drop": [...], ...}

`key_id` is HMAC-SHA256(key, "jn-exchange key id") cut to 16 hex digits: it tells which key was
used (packages with the same key_id join) and reveals nothing about the key.

The key file: raw bytes, or text (hex/base64/passphrase) whose surrounding whitespace is
removed; at least 32 bytes after that. Missing, unreadable, empty or shorter → exit 2. The key
is never written, logged or echoed.

Validation of the result: the Table Schemas keep the clear-value constraints (citizen-id pattern
and check character on enforcement_officer.citizen_id_number, maxLength 30 on
counterpart.id_number, the mobile pattern on enforcement_officer.mobile_phone), so the current
validator reports the hashed and masked cells (JN-CELL-008/010/012). What the validator needs
is written in tests/test_tools_repair.py (the xfail) and in the report of this tool's issue:
when `jn:pseudonymized` is true, accept `^[0-9a-f]{64}$` in keyed_hash fields and masked values
(`*`) in mask fields instead of those constraints.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from pathlib import Path
from typing import Any

from jn_exchange.masking import show_column
from jn_exchange.profile import FieldSpec, Profile, TableSpec, load_profile
from jn_exchange.reader.table import TableReadError, open_table
from jn_exchange.text import half_width, strip_edges
from jn_exchange.tools._package import (
    OpenPackage,
    Resource,
    ToolError,
    carry_standard_schemas,
    open_package,
    out_path,
    prepare_out,
    read_error_text,
    refresh_integrity,
    remove_partial,
    write_json,
)
from jn_exchange.tools.fix import identifier_form
from jn_exchange.tools.lang import say

MIN_KEY_BYTES = 32
LOG_NAME = "pseudonymize-log.json"
_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def read_key(path: Path | None) -> bytes:
    if path is None:
        raise ToolError(say("必须给出 --key-file", "--key-file is required"))
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise ToolError(say(f"密钥文件 {path} 不存在", f"key file {path} does not exist")) from exc
    except IsADirectoryError as exc:
        raise ToolError(say(f"密钥文件 {path} 是一个文件夹", f"key file {path} is a folder")) from exc
    except OSError as exc:
        raise ToolError(say(f"无法读取密钥文件 {path}：{exc.strerror or type(exc).__name__}",
                            f"cannot read key file {path}: {exc.strerror or type(exc).__name__}")) from exc
    key = raw
    try:
        text = raw.decode("ascii")
        if text.strip() and all(ch.isprintable() or ch.isspace() for ch in text):
            key = text.strip().encode("ascii")
    except UnicodeDecodeError:
        pass
    if not key:
        raise ToolError(say(f"密钥文件 {path} 是空的", f"key file {path} is empty"))
    if len(key) < MIN_KEY_BYTES:
        raise ToolError(say(f"密钥文件 {path} 只有 {len(key)} 个字节；密钥至少需要 {MIN_KEY_BYTES} 个字节"
                            "（如 `openssl rand -hex 32 > key`）",
                            f"key file {path} holds {len(key)} bytes; a key needs at least {MIN_KEY_BYTES} "
                            "(e.g. `openssl rand -hex 32 > key`)"))
    return key


def key_id(key: bytes) -> str:
    return hmac.new(key, b"jn-exchange key id", hashlib.sha256).hexdigest()[:16]


def keyed_hash(key: bytes, normalised: str) -> str:
    return hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()


def treatment(spec: FieldSpec) -> str:
    return str(spec.raw.get("jn:exchange_treatment") or "clear")


def normalise(value: str, spec: FieldSpec, row: dict[str, str]) -> tuple[str, str | None]:
    """(normalised value, problem or None). A value with a problem must not be hashed."""
    v = strip_edges(half_width(strip_edges(value)))
    v, scheme, problem = identifier_form(v, spec, row)
    if problem:
        return v, f"{'citizen id number' if scheme == 'citizen_id' else 'credit code'}: {problem}"
    return v, None


@dataclass
class PseudoSummary:
    hashed: Counter = dc_field(default_factory=Counter)
    masked: Counter = dc_field(default_factory=Counter)
    dropped: Counter = dc_field(default_factory=Counter)
    invalid: Counter = dc_field(default_factory=Counter)
    unknown_columns: list[str] = dc_field(default_factory=list)
    left_out: list[str] = dc_field(default_factory=list)

    def lines(self, out: Path) -> list[str]:
        def fmt(c: Counter) -> str:
            return say("、", ", ").join(f"{k} {v}" for k, v in sorted(c.items())) or say("无", "none")

        head = say("pseudonymize：", "pseudonymize: ")
        lines = [head + say(f"带密钥哈希：{fmt(self.hashed)}", f"keyed hash: {fmt(self.hashed)}"),
                 head + say(f"遮蔽：{fmt(self.masked)}", f"masked: {fmt(self.masked)}"),
                 head + say(f"删除：{fmt(self.dropped)}", f"dropped: {fmt(self.dropped)}")]
        if self.invalid:
            lines.append(head + say(f"未哈希、已清空（校验位或格式错误）：{fmt(self.invalid)}；见 {out / LOG_NAME}",
                                    f"NOT hashed, emptied (check characters or form wrong): {fmt(self.invalid)}; "
                                    f"see {out / LOG_NAME}"))
        for c in self.unknown_columns:
            lines.append(head + say(f"本规范没有的列，已清空：{c}", f"column unknown to the standard, emptied: {c}"))
        for r in self.left_out:
            lines.append(head + say(f"未写入（不是本规范的表）：{r}", f"left out (not a table of the standard): {r}"))
        lines.append(head + say(f"已写出 {out}", f"wrote {out}"))
        return lines


def _table(res: Resource, spec: TableSpec, key: bytes, out: Path, log: list[dict[str, Any]], s: PseudoSummary) -> None:
    dest = out_path(out, res.rel_path)
    try:
        with dest.open("w", encoding="utf-8", newline="") as dst:
            table = open_table(res.path, spec)
            if table is None:
                return
            writer = csv.writer(dst, lineterminator="\n")
            names = table.names
            specs = [spec.field(n) for n in names]
            # an unknown column's name may be data (a file without a header row): written and
            # named as the masking policy shows it, like its emptied cells
            header = [h if f is not None else show_column(h, i, spec) for i, (h, f) in enumerate(zip(table.header, specs))]
            writer.writerow(header)
            s.unknown_columns += [f"{res.name}.{h}" for h, f in zip(header, specs) if f is None]
            for record, (_, cells) in enumerate(table.records, start=2):
                writer.writerow(_treated(cells, names, specs, key, res.name, record, log, s))
    except TableReadError as exc:
        raise ToolError(read_error_text(exc, res.rel_path, advice=True)) from exc


def _treated(cells: list[str], names: list[str], specs: list[FieldSpec | None], key: bytes, table: str,
             record: int, log: list[dict[str, Any]], s: PseudoSummary) -> list[str]:
    """One record with every field's exchange treatment applied."""
    from jn_exchange.masking import mask_personal, mask_value

    row = dict(zip(names, cells))
    new = []
    for value, f in zip(cells, specs):
        if f is None:
            new.append("")
            continue
        t = treatment(f)
        if t == "clear" or value == "":
            new.append(value)
        elif t == "drop":
            new.append("")
            s.dropped[f"{table}.{f.name}"] += 1
        elif t == "mask":
            new.append(mask_personal(strip_edges(value)))
            s.masked[f"{table}.{f.name}"] += 1
        elif t == "keyed_hash":
            norm, problem = normalise(value, f, row)
            if problem or not norm:
                new.append("")
                s.invalid[f"{table}.{f.name}"] += 1
                log.append({"table": table, "row": record, "field": f.name,
                            "problem": problem or "empty after normalisation",
                            "value": mask_value(value, personal=True), "action": "emptied, not hashed"})
            else:
                new.append(keyed_hash(key, norm))
                s.hashed[f"{table}.{f.name}"] += 1
        else:
            raise ToolError(say(f"{table}.{f.name}：未知的交换处理方式 {t!r}", f"{table}.{f.name}: unknown exchange treatment {t!r}"))
    new.extend("" for _ in range(len(cells) - len(new)))   # ragged: never copy unknown cells
    return new


def pseudonymize_package(src: Path, out: Path, key: bytes) -> PseudoSummary:
    profile = load_profile()
    s = PseudoSummary()
    prepare_out(out, src)
    try:
        with open_package(src, profile) as pkg:
            _into(pkg, profile, out, key, s)
    except BaseException:
        remove_partial(out)
        raise
    return s


def _into(pkg: OpenPackage, profile: Profile, out: Path, key: bytes, s: PseudoSummary) -> None:
    if pkg.descriptor.get("jn:pseudonymized"):
        raise ToolError(say("该交换包已经假名化（datapackage.json 中有 jn:pseudonymized）",
                            "the package is already pseudonymised (jn:pseudonymized in datapackage.json)"))
    desc = json.loads(json.dumps(pkg.descriptor))
    log: list[dict[str, Any]] = []
    keep: list[dict[str, Any]] = []
    for res in pkg.resources:
        if res.spec is None:
            s.left_out.append(res.rel_path)
            continue
        _table(res, res.spec, key, out, log, s)
        entry = desc["resources"][res.index]
        refresh_integrity(entry, out_path(out, res.rel_path))
        keep.append(entry)
    tables = [(i, e["name"]) for i, e in enumerate(keep) if e.get("name") in profile.tables]
    desc["resources"] = keep
    carry_standard_schemas(desc, out, tables, pseudonymized=True)
    marked = {t: sorted(f"{tn}.{f.name}" for tn, ts in profile.tables.items() for f in ts.fields if treatment(f) == t)
              for t in ("keyed_hash", "mask", "drop")}
    desc["jn:pseudonymized"] = True
    desc["jn:pseudonymization"] = {
        "method": "HMAC-SHA256", "encoding": "hex", "key_id": key_id(key),
        "input": "normalised value: surrounding spaces removed, full-width ASCII to half-width; "
                 "citizen id numbers without spaces and with upper-case X; credit codes upper case",
        "mask": "jn_exchange.masking.mask_personal(value)",
        "fields": marked,
        "invalid_values_emptied": sum(s.invalid.values()),
        "unknown_columns_emptied": s.unknown_columns,
    }
    write_json(out / "datapackage.json", desc)
    write_json(out / LOG_NAME, log)


def run(src: Path, out: Path, key_file: Path | None, echo: Callable[[str], None]) -> None:
    key = read_key(key_file)
    if out.exists():
        raise ToolError(say(f"{out} 已存在；请给一个新的文件夹（工具从不覆盖已有文件）",
                            f"{out} already exists; give a new folder (the tools never overwrite)"))
    s = pseudonymize_package(src, out, key)
    for line in s.lines(out):
        echo(line)
