"""Vendor tooling, part (a): `init`, `template` and `convert`, on real files made from the
bundled example package (examples/jinan-sample and its JSON form examples/jinan-sample.json)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jn_exchange import STANDARD_VERSION
from jn_exchange.cli import main
from jn_exchange.profile import load_profile
from jn_exchange.tools.xlsx_template import sheet_names

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jinan-sample"
EXAMPLE_JSON = ROOT / "examples" / "jinan-sample.json"
AS_OF = "2026-01-31"
PROFILE = load_profile()


def run(*args):
    """The command, in English (the messages these tests read; tests/test_vendor_messages.py
    covers the default Chinese)."""
    lang = [] if "--lang" in args else ["--lang", "en"]
    return CliRunner().invoke(main, [str(a) for a in args] + lang)


def assert_valid(path: Path) -> None:
    res = run("validate", path, "--as-of", AS_OF)
    assert res.exit_code == 0, res.output


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def csv_bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.csv"))}


def tables_of(wb) -> dict[str, str]:
    """table -> sheet, from the hidden _tables sheet."""
    rows = list(wb["_tables"].iter_rows(values_only=True))
    head = list(rows[0])
    return {r[head.index("table")]: r[head.index("sheet")] for r in rows[1:]}


@pytest.fixture(scope="module")
def prefilled(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("prefilled") / "jinan.xlsx"
    res = run("template", out, "--from", EXAMPLE)
    assert res.exit_code == 0, res.output
    return out


# --------------------------------------------------------------------------- init


def test_init_writes_an_empty_package_that_is_valid(tmp_path):
    out = tmp_path / "pkg"
    res = run("init", out)
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output
    desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["standard_version"] == STANDARD_VERSION
    assert desc["name"] == "pkg"
    # the same resources as the bundled example (both written by the sample's PackageWriter)
    example = json.loads((EXAMPLE / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["resources"] == example["resources"]
    assert {p.name for p in out.glob("*.csv")} == {s.path for s in PROFILE.tables.values()}
    for spec in PROFILE.tables.values():
        assert read_rows(out / spec.path) == [spec.field_names]
    assert_valid(out)


def test_init_accepts_an_empty_folder_and_refuses_a_non_empty_one(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("init", empty).exit_code == 0
    assert (empty / "datapackage.json").is_file()
    res = run("init", empty)                      # now it is not empty
    assert res.exit_code == 2
    assert "never overwrite" in res.stderr and "Traceback" not in res.output
    afile = tmp_path / "afile"
    afile.write_text("x")
    assert run("init", afile).exit_code == 2
    assert afile.read_text() == "x"


# --------------------------------------------------------------------------- template


def test_template_has_a_readme_a_sheet_per_table_field_names_in_row_2_and_drop_downs(tmp_path):
    out = tmp_path / "blank.xlsx"
    res = run("template", out)
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[0] == "README"
    readme = "\n".join(str(v) for row in wb["README"].iter_rows(values_only=True) for v in row if v)
    assert STANDARD_VERSION in readme and "jn-exchange convert" in readme
    assert "怎样填写" in readme and "How to fill it" in readme
    assert readme.index("怎样填写") < readme.index("How to fill it")   # Chinese first
    assert wb["_codes"].sheet_state == "hidden" and wb["_tables"].sheet_state == "hidden"

    mapping = tables_of(wb)
    assert list(mapping) == list(PROFILE.tables)
    assert mapping == sheet_names(PROFILE.tables)
    for table, sheet in mapping.items():
        assert len(sheet) <= 31
        assert sheet in wb.sheetnames
        if len(table) > 31:                       # shortened, and said so in the README
            assert sheet != table and f"{sheet} → {table}" in readme
        ws = wb[sheet]
        spec = PROFILE.tables[table]
        assert [c.value for c in ws[2]] == spec.field_names
        titles = [c.value for c in ws[1]]
        assert titles == [("*" if f.required else "") + f.title for f in spec.fields]
        assert ws.freeze_panes == "A3"
        assert ws.max_row == 2                    # no data yet
    assert len(set(mapping.values())) == len(mapping)

    # a code-list column: a drop-down on the code list's range in _codes, which holds "code · label"
    ws = wb[mapping["enforcement_agency"]]
    spec = PROFILE.tables["enforcement_agency"]
    col = openpyxl.utils.get_column_letter(spec.field_names.index("agency_nature") + 1)
    dvs = [dv for dv in ws.data_validations.dataValidation if any(str(r).startswith(col + "3") for r in dv.sqref.ranges)]
    assert len(dvs) == 1 and dvs[0].type == "list"
    ref = dvs[0].formula1
    assert ref.startswith("'_codes'!")
    cells = wb["_codes"][ref.split("!")[1].replace("$", "")]
    assert [c[0].value for c in cells] == ["01 · 行政机关", "02 · 法律法规授权的组织", "03 · 依法受委托的组织"]
    # number formats: text for codes and identifiers, dates, yes/no with its own list
    assert ws.column_dimensions[col].number_format == "@"
    date_col = openpyxl.utils.get_column_letter(spec.field_names.index("established_date") + 1)
    assert ws.column_dimensions[date_col].number_format == "yyyy-mm-dd"
    pd = wb["penalty_decision"]
    fine_col = openpyxl.utils.get_column_letter(PROFILE.tables["penalty_decision"].field_names.index("fine_amount") + 1)
    assert pd.column_dimensions[fine_col].number_format == "0.00"
    # every code list of the standard is in _codes
    assert set(c.value for c in wb["_codes"][1]) >= set(PROFILE.codelists)


def test_template_tables_option_limits_the_sheets(tmp_path):
    out = tmp_path / "two.xlsx"
    res = run("template", out, "--tables", "penalty_decision,enforcement_agency")
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out)
    assert list(tables_of(wb)) == ["enforcement_agency", "penalty_decision"]   # the standard's order
    assert wb.sheetnames == ["README", "enforcement_agency", "penalty_decision", "_codes", "_tables"]
    res = run("template", tmp_path / "bad.xlsx", "--tables", "penalty_decison")
    assert res.exit_code == 2 and "penalty_decision?" in res.stderr
    assert not (tmp_path / "bad.xlsx").exists()


# --------------------------------------------------------------------------- round trips


def test_prefilled_template_holds_typed_cells(prefilled):
    wb = openpyxl.load_workbook(prefilled)
    mapping = tables_of(wb)
    ws = wb[mapping["penalty_decision"]]
    spec = PROFILE.tables["penalty_decision"]
    row = {f: c for f, c in zip(spec.field_names, ws[3])}
    first = dict(zip(*read_rows(EXAMPLE / "penalty_decision.csv")[:2]))
    assert row["action_id"].value == first["action_id"]
    assert row["procedure"].value == f"{first['procedure']} · 简易程序"
    assert isinstance(row["fine_amount"].value, (int, float)) and row["fine_amount"].number_format == "0.00"
    assert row["service_date"].value == dt.datetime.fromisoformat(first["service_date"])
    assert row["service_date"].number_format == "yyyy-mm-dd"
    assert row["delivered_on_spot"].value == "true · 是"
    ws = wb[mapping["non_site_finding"]]
    detected = ws.cell(3, PROFILE.tables["non_site_finding"].field_names.index("detected_at") + 1)
    assert isinstance(detected.value, dt.datetime)
    total = sum(len(read_rows(EXAMPLE / s.path)) - 1 for s in PROFILE.tables.values())
    assert sum(wb[s].max_row - 2 for s in mapping.values()) == total


def test_example_through_the_workbook_and_back_is_byte_for_byte_the_same(prefilled, tmp_path):
    out = tmp_path / "back"
    res = run("convert", prefilled, out)
    assert res.exit_code == 0, res.output
    assert "Traceback" not in res.output and "warning" not in res.stderr
    assert csv_bytes(out) == csv_bytes(EXAMPLE)
    desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["standard_version"] == STANDARD_VERSION and desc["name"] == "back"
    assert_valid(out)


def test_example_to_json_and_back(tmp_path):
    as_json = tmp_path / "p.json"
    res = run("convert", EXAMPLE, as_json)
    assert res.exit_code == 0, res.output
    assert as_json.read_bytes() == EXAMPLE_JSON.read_bytes()       # what `sample --json` writes
    back = tmp_path / "back"
    res = run("convert", as_json, back)
    assert res.exit_code == 0, res.output
    assert csv_bytes(back) == csv_bytes(EXAMPLE)                     # 97.00 stays 97.00
    assert_valid(back)
    # the zip and datapackage.json forms in, a workbook and a zip out
    zipped = tmp_path / "p.zip"
    assert run("convert", as_json, zipped).exit_code == 0
    assert zipfile.is_zipfile(zipped)
    assert_valid(zipped)
    again = tmp_path / "again.json"
    assert run("convert", zipped, again).exit_code == 0
    assert again.read_bytes() == EXAMPLE_JSON.read_bytes()
    for i, src in enumerate([back / "datapackage.json", as_json]):   # to a workbook and back to JSON
        wb_path = tmp_path / f"from-{i}.xlsx"
        assert run("convert", src, wb_path).exit_code == 0
        last = tmp_path / f"last-{i}.json"
        assert run("convert", wb_path, last).exit_code == 0
        assert last.read_bytes() == EXAMPLE_JSON.read_bytes()


def test_a_workbook_filled_by_hand(tmp_path):
    """What people do in Excel: real dates and date-times, dates as text, a date serial in a cell
    that lost its format, codes with and without their label, a label alone, a code that Excel
    made a number, TRUE/FALSE and 是, integers typed as 3.0, amounts with and without decimals,
    empty rows, an extra column and an extra sheet."""
    xlsx = tmp_path / "hand.xlsx"
    assert run("template", xlsx, "--tables", "enforcement_agency,penalty_decision,non_site_finding").exit_code == 0
    wb = openpyxl.load_workbook(xlsx)

    def fill(table: str, records: list[dict]) -> None:
        ws = wb[tables_of(wb)[table]]
        names = PROFILE.tables[table].field_names
        for r, rec in enumerate(records, 3):
            for k, v in rec.items():
                c = ws.cell(r, names.index(k) + 1, v)
                if isinstance(v, str) and v.startswith("="):
                    c.data_type = "s"

    fill("enforcement_agency", [
        {"agency_id": "A1", "uscc": "11370100141777630U", "name": "济南市司法局", "agency_nature": "01 · 行政机关",
         "admin_level": 1, "accountability_authority": 370100, "is_supervision_body": True,
         "established_date": dt.datetime(2019, 1, 28), "division_code": "370100"},
        {},                                                           # empty row: skipped
        {"agency_id": "A2", "name": "=济南市某局", "agency_nature": "行政机关", "admin_level": "2 · 区县级",
         "is_supervision_body": "false · 否", "established_date": "2019-01-29", "abolished_date": 45658},
        {"agency_id": "   "},                                          # only spaces: skipped
        {"agency_id": "A3", "agency_nature": 2, "is_supervision_body": "是",
         "established_date": dt.date(2020, 2, 29), "entrusted_scope": " 保留 空格 "},
    ])
    fill("penalty_decision", [
        {"action_id": "X1", "fine_amount": 1000, "confiscation_amount": 62500.5, "excluded_days": 3.0},
        {"action_id": "X2", "fine_amount": 1234.567, "remarks": 12345678901234567890.0},
    ])
    fill("non_site_finding", [{"finding_id": "N1", "detected_at": dt.datetime(2025, 10, 31, 14, 48, 0, 999999),
                               "review_date": dt.datetime(2025, 11, 1), "review_passed": False}])
    ws = wb[tables_of(wb)["enforcement_agency"]]
    extra = ws.max_column + 1
    ws.cell(2, extra, "备注")
    ws.cell(3, extra, "内部备注，不交换")
    wb.create_sheet("Sheet1")["A1"] = "scratch"
    wb.save(xlsx)

    out = tmp_path / "out"
    res = run("convert", xlsx, out)
    assert res.exit_code == 0, res.output
    assert "sheet 'Sheet1' is not a table of the template; ignored" in res.stderr
    assert "备注" in res.stderr and "left out" in res.stderr
    assert "15 significant digits" in res.stderr

    def records(table: str) -> list[dict[str, str]]:
        with (out / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    ag = records("enforcement_agency")
    assert [r["agency_id"] for r in ag] == ["A1", "A2", "A3"]
    assert [r["agency_nature"] for r in ag] == ["01", "01", "02"]
    assert [r["admin_level"] for r in ag] == ["1", "2", ""]
    assert ag[0]["accountability_authority"] == "370100"
    assert [r["is_supervision_body"] for r in ag] == ["true", "false", "true"]
    assert [r["established_date"] for r in ag] == ["2019-01-28", "2019-01-29", "2020-02-29"]
    assert ag[1]["abolished_date"] == "2025-01-01"                       # serial 45658
    assert ag[1]["name"] == "=济南市某局"                                  # text, never a formula
    assert ag[2]["entrusted_scope"] == " 保留 空格 "                      # free text kept as typed
    assert list(ag[0]) == PROFILE.tables["enforcement_agency"].field_names   # extra column left out
    pd = records("penalty_decision")
    assert (pd[0]["fine_amount"], pd[0]["confiscation_amount"], pd[0]["excluded_days"]) == ("1000.00", "62500.50", "3")
    assert pd[1]["fine_amount"] == "1234.567"                            # never rounded away: validate reports it
    ns = records("non_site_finding")
    assert ns[0]["detected_at"] == "2025-10-31T14:48:01+08:00"
    assert (ns[0]["review_date"], ns[0]["review_passed"]) == ("2025-11-01", "false")
    # tables without a sheet: header only
    assert read_rows(out / "training_record.csv") == [PROFILE.tables["training_record"].field_names]


# --------------------------------------------------------------------------- bad input


def _bad_inputs(tmp: Path, prefilled: Path) -> dict[str, tuple[list, str]]:
    (tmp / "text.xlsx").write_text("not a workbook", encoding="utf-8")
    (tmp / "corrupt.zip").write_bytes(b"PK\x03\x04 this is no zip")
    plain = openpyxl.Workbook()
    plain.active["A1"] = "no _tables here"
    plain.save(tmp / "plain.xlsx")
    wb = openpyxl.load_workbook(prefilled)
    for c in wb["enforcement_agency"][2]:
        c.value = None
    wb.save(tmp / "no-field-row.xlsx")
    wb = openpyxl.load_workbook(prefilled)
    del wb["_tables"]
    wb.save(tmp / "no-tables-sheet.xlsx")
    (tmp / "broken.json").write_text('{"standard_version": "1.0.0", "counterpart": [', encoding="utf-8")
    (tmp / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp / "exists").mkdir()
    (tmp / "exists" / "keep.txt").write_text("keep")
    (tmp / "taken.json").write_text("{}")
    return {
        "missing file": (["convert", tmp / "nope.xlsx", tmp / "o1"], "no such file"),
        "not an xlsx": (["convert", tmp / "text.xlsx", tmp / "o2"], "not a readable Excel"),
        "no _tables sheet": (["convert", tmp / "plain.xlsx", tmp / "o3"], "no _tables sheet"),
        "_tables deleted": (["convert", tmp / "no-tables-sheet.xlsx", tmp / "o4"], "no _tables sheet"),
        "no field-name row": (["convert", tmp / "no-field-row.xlsx", tmp / "o5"], "row 2"),
        "corrupt zip": (["convert", tmp / "corrupt.zip", tmp / "o6.json"], "corrupt.zip"),
        "broken JSON": (["convert", tmp / "broken.json", tmp / "o7"], "broken.json"),
        "old xls": (["convert", tmp / "old.xls", tmp / "o8"], ".xlsx"),
        "package to package": (["convert", EXAMPLE, tmp / "o9"], "already a package"),
        "OUT not empty": (["convert", prefilled, tmp / "exists"], "never overwrite"),
        "OUT file exists": (["convert", EXAMPLE, tmp / "taken.json"], "never overwrite"),
        "template exists": (["template", prefilled], "never overwrite"),
        "template not xlsx": (["template", tmp / "t.txt"], ".xlsx"),
        "template from nothing": (["template", tmp / "t.xlsx", "--from", tmp / "nope"], "no such file"),
        "OUT inside IN": (["convert", EXAMPLE, EXAMPLE / "inside.json"], "inside the input package"),
    }


def test_bad_inputs_exit_2_with_one_line_and_no_traceback(tmp_path, prefilled):
    before = sorted(p.name for p in tmp_path.iterdir())
    cases = _bad_inputs(tmp_path, prefilled)
    made = sorted(p.name for p in tmp_path.iterdir())
    for what, (args, needle) in cases.items():
        res = run(*args)
        assert res.exit_code == 2, (what, res.output)
        assert "Traceback" not in res.output, (what, res.output)
        lines = res.stderr.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], (what, res.stderr)
    assert sorted(p.name for p in tmp_path.iterdir()) == made   # nothing written, nothing half-written
    assert before == []
    assert (tmp_path / "exists" / "keep.txt").read_text() == "keep"
    assert (tmp_path / "taken.json").read_text() == "{}"
    assert not (EXAMPLE / "inside.json").exists()
