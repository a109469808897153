"""The canary package: known personal values (every value of every field the masking policy
masks, in the bundled example, plus a few planted ones) carried into every position a value can
travel: cell values and their hints, a header that is a data row, lines of the wrong width, record
keys, foreign-key values, business-rule messages, the fix log and the tools' output. None of them
may appear in clear in any report format or language, nor in any tool's output.

A second test runs the same check over the whole conformance corpus (every rule fires there at
least once), so a new rule that prints a personal value fails here."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jn_exchange.cli import main as cli
from jn_exchange.config import Config, Limits
from jn_exchange.masking import masks
from jn_exchange.profile import load_profile
from jn_exchange.reports import FORMATS, write_report
from jn_exchange.rules import all_rules
from jn_exchange.text import half_width
from jn_exchange.validate import validate
from tests.conformance.corpus import EXAMPLES, load_cases, materialize

AS_OF = dt.date(2026, 6, 30)
EXAMPLE = EXAMPLES / "jinan-sample"
# planted: an officer nobody declared, an old 15-digit identity number, a mobile number
PLANTED = ("P9999999", "370102850101123", "13912345678")


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as fh:
        rows = list(csv.reader(fh))
    return (rows[0], rows[1:]) if rows else ([], [])


def _write(path: Path, header: list[str] | None, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    if header is not None:
        w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def _vocabulary() -> str:
    """The standard's own words (rule texts, titles, code labels): a free-text value that is one
    of them, such as 行政执法过错责任追究, is no canary (the reports print these words anyway)."""
    words = []
    for r in all_rules():
        words += [*r.title.values(), *r.message.values(), *r.description.values(), *r.fix.values(), r.sql or ""]
    prof = load_profile()
    for spec in prof.tables.values():
        words += [spec.title, *(f.title for f in spec.fields)]
    for cl in prof.codelists.values():
        words += [str(cl.get("title", "")), *(str(v.get("label", "")) for v in cl["values"])]
    return "\n".join(str(w or "") for w in words)


VOCABULARY = _vocabulary()


def personal_values(folder: Path) -> set[str]:
    """Every value, in `folder`'s tables, of a field whose values the policy masks, with the
    forms a hint or a repair writes it in (less the standard's own words)."""
    out: set[str] = set(PLANTED)
    for spec in load_profile().tables.values():
        path = folder / spec.path
        if not path.is_file():
            continue
        header, rows = _read(path)
        cols = [(i, spec.field(h)) for i, h in enumerate(header)]
        for row in rows:
            for i, f in cols:
                if f is not None and i < len(row) and len(row[i].strip()) >= 2 and masks(f, row[i]):
                    out |= {row[i], row[i].strip(), half_width(row[i].strip())}
    return {v for v in out if v not in VOCABULARY}


def _set(rows: list[list[str]], header: list[str], row: int, field: str, value: str) -> None:
    rows[row - 2][header.index(field)] = value


def build_canary(dest: Path) -> tuple[Path, set[str]]:
    """The example with personal values moved into every position a finding can show."""
    case = {"mutate": [
        # business rules whose messages name officers, certificates and fault-case subjects
        {"op": "set_where", "table": "action_officer", "where": {"action_id": "A202500000004", "officer_id": "P0000038"},
         "set": {"certificate_no": "ZF370112000034"}},
        {"op": "set_where", "table": "staff_sanction", "where": {"subject_id": "FS000002"}, "set": {"sanction": "7"}},
        {"op": "set_where", "table": "enforcement_officer", "where": {"officer_id": "P0000037"},
         "set": {"personnel_category": "03"}},
        {"op": "set_where", "table": "fault_case", "where": {"fault_case_id": "FC00001"},
         "set": {"accountability_authority": "370100"}},
    ]}
    folder = materialize(case, dest)
    canaries = personal_values(folder)

    officers = folder / "enforcement_officer.csv"
    header, rows = _read(officers)
    _set(rows, header, 2, "mobile_phone", "１８１２３４５６７８９")            # full-width: a hint writes it out
    canaries |= {"１８１２３４５６７８９", "18123456789"}
    _set(rows, header, 3, "name", rows[1][header.index("name")] + " ")       # edge space: a hint strips it
    _set(rows, header, 4, "citizen_id_number", PLANTED[1])                    # wrong length
    _set(rows, header, 5, "citizen_id_number", rows[3][header.index("citizen_id_number")] + " ")
    bad = rows[5][header.index("citizen_id_number")]
    _set(rows, header, 7, "citizen_id_number", bad[:17] + ("1" if bad[17] != "1" else "2"))   # check digit
    canaries.add(rows[5][header.index("citizen_id_number")])
    rows.append(list(rows[5]))                                                # a repeated officer_id
    long_row = list(rows[6])
    long_row.insert(2, "多出的一列")                                           # a line with a field too many
    short_row = rows[7][:5]                                                   # ... and one too few
    _write(officers, header, rows)
    with officers.open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows([long_row, short_row])

    certs = folder / "enforcement_certificate.csv"
    header, rows = _read(certs)
    rows.append(list(rows[0]))                                                # a repeated certificate_no
    _write(certs, header, rows)

    links = folder / "action_officer.csv"
    header, rows = _read(links)
    _set(rows, header, 3, "officer_id", PLANTED[0])                           # refers to no officer
    _write(links, header, rows)

    counterparts = folder / "counterpart.csv"
    header, rows = _read(counterparts)
    _write(counterparts, None, rows)                                          # no header row: row 1 is data
    return folder, canaries


def leaks(text: str, canaries: set[str]) -> list[str]:
    return sorted(c for c in canaries if c in text)


def _reports(path: Path) -> dict[str, str]:
    result = validate(path, Config({}, Limits()), as_of=AS_OF)
    return {f"{fmt}/{lang}": write_report(result, fmt, lang) for fmt in FORMATS for lang in ("zh", "en")}


@pytest.fixture(scope="module")
def canary(tmp_path_factory) -> tuple[Path, set[str]]:
    return build_canary(tmp_path_factory.mktemp("canary"))


def test_the_canary_package_carries_personal_values_into_every_position(canary):
    """Guard the guard: the package does produce the findings that carry values."""
    folder, canaries = canary
    result = validate(folder, Config({}, Limits()), as_of=AS_OF)
    codes = {f.code for f in result.findings()}
    assert {"JN-HDR-003", "JN-FILE-007", "JN-FILE-008", "JN-KEY-001", "JN-REF-001", "JN-CELL-008", "JN-CELL-012",
            "JN-CELL-014", "JN-OFF-001", "JN-OFF-004", "JN-AGY-003"} <= codes, codes
    assert len(canaries) > 500


def test_no_report_shows_a_personal_value(canary):
    folder, canaries = canary
    found = {name: leaks(text, canaries) for name, text in _reports(folder).items()}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_the_command_line_and_the_tools_show_no_personal_value(canary, tmp_path):
    folder, canaries = canary
    runner = CliRunner()
    outputs: dict[str, str] = {}
    for fmt in FORMATS:
        r = runner.invoke(cli, ["validate", str(folder), "--format", fmt, "--lang", "en", "--as-of", "2026-06-30"])
        outputs[f"validate {fmt}"] = r.output
    r = runner.invoke(cli, ["fix", str(folder), str(tmp_path / "fixed")])
    outputs["fix"] = r.output
    assert r.exit_code == 0, r.output
    outputs["fix-log.json"] = (tmp_path / "fixed" / "fix-log.json").read_text(encoding="utf-8")
    (tmp_path / "key").write_text("9f" * 32, encoding="ascii")
    r = runner.invoke(cli, ["pseudonymize", str(folder), str(tmp_path / "pseudo"), "--key-file", str(tmp_path / "key")])
    outputs["pseudonymize"] = r.output
    assert r.exit_code == 0, r.output
    outputs.update({p.name: p.read_text(encoding="utf-8") for p in (tmp_path / "pseudo").glob("*log*.json")})
    for form in ("json", "xlsx"):
        r = runner.invoke(cli, ["convert", str(folder), str(tmp_path / f"out.{form}")])
        outputs[f"convert {form}"] = r.output
        assert r.exit_code == 0, r.output
    assert json.loads(outputs["fix-log.json"]), "the fix log is empty: the canary lost its repairs"
    found = {name: leaks(text, canaries) for name, text in outputs.items()}
    assert not any(found.values()), {k: v for k, v in found.items() if v}


def test_a_personal_value_is_masked_the_same_way_everywhere(canary):
    """One value, one shown form: the record key of a finding is the same in every format."""
    folder, _ = canary
    result = validate(folder, Config({}, Limits()), as_of=AS_OF)
    doc = json.loads(write_report(result, "json"))
    sarif = json.loads(write_report(result, "sarif"))
    keys = {f["key"] for f in doc["findings"] if f.get("key")}
    sarif_keys = {r["properties"]["key"] for run in sarif["runs"] for r in run["results"] if "key" in r["properties"]}
    assert keys and sarif_keys == keys
    assert any("*" in k for k in keys) and any("*" not in k for k in keys)   # personal masked, others clear


CASES = [c for c in load_cases() if not c.get("passes")]
EXAMPLE_VALUES = personal_values(EXAMPLE)   # read once: every corpus case starts from the example


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_no_corpus_case_shows_a_personal_value(case, tmp_path):
    path = materialize(case, tmp_path)
    folder = tmp_path / "package"
    canaries = EXAMPLE_VALUES | (personal_values(folder) if folder.is_dir() else set())
    found = {name: leaks(text, canaries) for name, text in _reports(path).items()}
    assert not any(found.values()), {k: v for k, v in found.items() if v}
