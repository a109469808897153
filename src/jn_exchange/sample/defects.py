"""Labelled defects: a copy of a valid package with known breakage in about `rate` of the
records, and `defects.json` saying what was broken where (code, resource, row, field), so that
a validator's recall and false alarms can be scored (`benchmarks/defect_recall.py`). Streams table by table, row by row.

Defects are chosen so that each one causes exactly its own finding: keys of referenced tables
are never touched (that would cascade into reference errors), and one record gets at most one
defect. Every family of the structural rules is covered; business-rule defects are added by
`BUSINESS` when the catalogue has the rule."""

from __future__ import annotations

import csv
import json
import random
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jn_exchange.identifiers import citizen_id_check_char, uscc_check_char
from jn_exchange.package_schemas import SCHEMA_FOLDER
from jn_exchange.profile import FieldSpec, Profile, TableSpec, load_profile

Defect = tuple[str, str, Callable[[str], str]]   # (rule code, family, value -> broken value)


def _bad_date(v: str) -> str:
    y, m, d = v[:10].split("-")
    return f"{y}/{int(m)}/{int(d)}"


def _bad_uscc(v: str) -> str:
    good = uscc_check_char(v[:17])
    return v[:17] + ("0" if good != "0" else "1")


def _bad_citizen_id(v: str) -> str:
    good = citizen_id_check_char(v[:17])
    return v[:17] + ("0" if good != "0" else "1")


def _field_defects(spec: TableSpec, f: FieldSpec, profile: Profile, protected: set[str]) -> list[Defect]:
    """The defects this field can carry without side effects on other tables."""
    if f.name in protected:
        return []
    out: list[Defect] = []
    if f.required and f.type == "string" and not f.codelist:
        out.append(("JN-CELL-001", "cell", lambda v: ""))
    if f.type == "date":
        out.append(("JN-CELL-004", "cell", lambda v: _bad_date(v) if v else v))
    elif f.type == "boolean":
        out.append(("JN-CELL-006", "cell", lambda v: {"true": "是", "false": "否"}.get(v, v)))
    elif f.type == "integer":
        out.append(("JN-CELL-002", "cell", lambda v: f"{v}年" if v else v))
    elif f.type == "number":
        out.append(("JN-CELL-003", "cell", lambda v: f"{v}万" if v else v))
    if f.codelist:
        labels = {c: v.get("title") or v.get("label") or "?" for c, v in profile.codes(f.codelist).items()}
        out.append(("JN-CELL-007", "cell", lambda v: labels.get(v, v) if v else v))
    scheme = f.identifier_scheme or ""
    if "uscc" in f.name or scheme == "uscc":
        out.append(("JN-CELL-011", "identifier", lambda v: _bad_uscc(v) if len(v) == 18 else v))
    if f.name == "citizen_id_number" or scheme == "citizen_id":
        out.append(("JN-CELL-012", "identifier", lambda v: _bad_citizen_id(v) if len(v) == 18 else v))
    return out


# Business-rule defects: (rule code, field, applies to this record?, broken value). Each breaks
# one rule of the regulations on the record itself, without touching what other rules read.
# Their tables are small, so they are drawn BUSINESS_BOOST times as often as cell defects.
BUSINESS_BOOST = 50
Row = dict[str, str]
BUSINESS: dict[str, list[tuple[str, str, Callable[[Row], bool], Callable[[Row], str]]]] = {
    "supervision_case": [
        ("JN-SUP-013", "duty_review_start_date",
         lambda r: r["procedure_basis"] == "1" and r["start_date"] >= "2025-03-01" and bool(r["duty_review_start_date"]),
         lambda r: "2027-02-28" if r["start_date"] != "2027-02-28" else "2027-02-27")],
    "supervision_investigator": [
        ("JN-SUP-003", "recused", lambda r: r["has_conflict_of_interest"] == "true", lambda r: "false")],
    "fault_case": [
        ("JN-FLT-009", "government_approval_date",
         lambda r: r["handling_mode"] == "1" and bool(r["decision_date"]) and r["filing_date"] >= "2025-02-01",
         lambda r: "")],
    "fault_case_subject": [
        ("JN-FLT-011", "staff_role", lambda r: r["subject_type"] == "2" and bool(r["staff_role"]), lambda r: "")],
    "review_application": [
        ("JN-REV-003", "is_written",
         lambda r: r["reviewed_decision_type"] == "1" and r["application_date"] >= "2025-03-01", lambda r: "false")],
}


def _business_defect(table: str, rec: list[str], col: dict[str, int]) -> tuple[str, str, str] | None:
    row = {h: rec[i] for h, i in col.items()}
    for code, field, applies, breaker in BUSINESS.get(table, []):
        if field in col and applies(row):
            return code, field, breaker(row)
    return None


def _referenced(profile: Profile) -> dict[str, set[str]]:
    """table -> its fields that other tables point at (never broken: that would cascade)."""
    out: dict[str, set[str]] = {}
    for spec in profile.tables.values():
        for fk in spec.foreign_keys:
            ref = fk["reference"]
            target = ref.get("resource") or spec.name
            out.setdefault(target, set()).update(ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]])
    return out


def inject_defects(src: Path, dest: Path, rate: float = 0.001, seed: int = 1,
                   profile: Profile | None = None) -> dict[str, Any]:
    profile = profile or load_profile()
    src, dest = Path(src), Path(dest)
    if dest.exists():
        raise FileExistsError(f"{dest} exists")
    rng = random.Random(seed ^ 0x5EED)
    dest.mkdir(parents=True)
    shutil.copy2(src / "datapackage.json", dest / "datapackage.json")
    if (src / SCHEMA_FOLDER).is_dir():   # the package's copies of the Table Schemas
        shutil.copytree(src / SCHEMA_FOLDER, dest / SCHEMA_FOLDER)
    referenced = _referenced(profile)
    defects: list[dict[str, Any]] = []
    for name, spec in profile.tables.items():
        # in declaration order, not a set's: a set of strings iterates in an order that changes from
        # one process to the next, and the dangling reference is drawn from this list
        fk_fields = list(dict.fromkeys(f for fk in spec.foreign_keys
                                       for f in (fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]])))
        protected = set(spec.primary_key) | referenced.get(name, set())
        options: list[tuple[str, Defect]] = []
        for f in spec.fields:
            for d in _field_defects(spec, f, profile, protected | set(fk_fields)):
                options.append((f.name, d))
        # dangling references: only in rows whose FK value is set; duplicate keys: only in
        # tables nobody points at, so the vanished key is not missed elsewhere
        ref_fields = [f for f in fk_fields if len(spec.primary_key) > 1 or f not in spec.primary_key]
        dup_ok = not referenced.get(name) and len(spec.primary_key) == 1
        with (src / spec.path).open(encoding="utf-8", newline="") as fin, \
                (dest / spec.path).open("w", encoding="utf-8", newline="") as fout:
            reader, writer = csv.reader(fin), csv.writer(fout, lineterminator="\n")
            header = next(reader)
            writer.writerow(header)
            col = {h: i for i, h in enumerate(header)}
            prev_key: str | None = None
            for n, rec in enumerate(reader, start=2):
                hit = None
                if name in BUSINESS and rng.random() < min(1.0, rate * BUSINESS_BOOST):
                    hit = _business_defect(name, rec, col)
                    if hit:   # one defect per record: this one instead of a structural one
                        code, fname, value = hit
                        rec[col[fname]] = value
                        defects.append({"code": code, "family": "business", "resource": name, "row": n, "field": fname})
                if not hit and rng.random() < rate:
                    choice = rng.random()
                    if dup_ok and prev_key is not None and choice < 0.1:
                        pk = spec.primary_key[0]
                        rec[col[pk]] = prev_key
                        defects.append({"code": "JN-KEY-001", "family": "key", "resource": name, "row": n, "field": pk})
                    elif ref_fields and choice < 0.3 and any(rec[col[f]] for f in ref_fields):
                        f = rng.choice([f for f in ref_fields if rec[col[f]]])
                        rec[col[f]] = f"NOSUCH{n}"
                        defects.append({"code": "JN-REF-001", "family": "reference", "resource": name, "row": n, "field": f})
                    elif options:
                        fname, (code, family, breaker) = rng.choice(options)
                        before = rec[col[fname]]
                        after = breaker(before)
                        if after != before:
                            rec[col[fname]] = after
                            defects.append({"code": code, "family": family, "resource": name, "row": n, "field": fname})
                if len(spec.primary_key) == 1:
                    prev_key = rec[col[spec.primary_key[0]]]
                writer.writerow(rec)
    manifest = {"source": src.name, "rate": rate, "seed": seed, "total": len(defects), "defects": defects}
    (dest / "defects.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return manifest

