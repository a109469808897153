"""What the command line says and does when a vendor tries it (issue 17, "vendor messages"):
line ends as they are, invisible characters made visible, fix leaving valid CRLF alone and
converting Excel date serials only when asked, convert writing dates a date field takes, -o,
--as-of, --max-errors and --tables, and every command in one language at a time."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jn_exchange.cli import main
from jn_exchange.config import Config, Limits
from jn_exchange.hints import date_hint, pattern_hint
from jn_exchange.masking import mask_value
from jn_exchange.text import visible
from jn_exchange.validate import validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jinan-sample"
AS_OF = dt.date(2026, 6, 30)
CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def check(path: Path, **config) -> object:
    return validate(path, Config({}, Limits(), **config), as_of=AS_OF)


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    dest = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, dest)
    return dest


def rows_of(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], eol: str = "\n") -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerows(rows)
    path.write_bytes(buf.getvalue().encode("utf-8"))


def set_cell(path: Path, field: str, value: str, row: int = 1) -> None:
    rows = rows_of(path)
    rows[row][rows[0].index(field)] = value
    write_rows(path, rows)


def finding(result, code: str):
    return next(f for t in result.tallies if t.code == code for f in t.examples)


# --------------------------------------------------------------------------- JN-FILE-005
def test_cr_only_line_ends_are_not_called_mixed(pkg):
    path = pkg / "enforcement_agency.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    f = finding(check(pkg), "JN-FILE-005")
    assert "只用单独的 CR 换行" in f.message_zh and "混用" not in f.message_zh
    assert "bare CR only" in f.message_en and "mixes" not in f.message_en
    assert f.params["cr"] > 0 and f.params["lf"] == 0 and f.params["crlf"] == 0


def test_mixed_line_ends_are_called_mixed(pkg):
    path = pkg / "enforcement_agency.csv"
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\r\n".join(lines[:3]) + b"\n" + b"\n".join(lines[3:]))
    f = finding(check(pkg), "JN-FILE-005")
    assert "混用了换行符" in f.message_zh and "mixes line endings" in f.message_en


# --------------------------------------------------------------------------- invisible characters
def test_invisible_characters_are_shown_by_their_code_point():
    assert visible("\ufeff370100") == "<U+FEFF>370100"
    assert visible("济南\u200b市") == "济南<U+200B>市"
    assert visible("济南市司法局\u3000") == "济南市司法局<U+3000>"
    assert visible("\u00a0a b") == "<U+00A0>a b"
    assert visible("历城区 二环东路\u3000323号") == "历城区 二环东路\u3000323号"   # a space inside is seen
    assert visible("第一行\n第二行\t") == "第一行\n第二行\t"
    assert mask_value("\ufeff11370100MA3WA00060") == "<U+FEFF>11370100MA3WA00060"


def test_a_byte_order_mark_in_mid_file_is_reported_visibly_with_its_likely_cause(pkg):
    path = pkg / "enforcement_agency.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    lines[3] = "\ufeff" + lines[3]          # what joining two exports with a BOM each leaves
    path.write_text("\n".join(lines), encoding="utf-8")
    f = finding(check(pkg), "JN-CELL-008")
    assert f.row == 4 and f.value.startswith("<U+FEFF>")
    assert "<U+FEFF>" in f.message_zh and "拼接" in f.message_zh
    assert "joining CSV files" in f.message_en and "\ufeff" not in f.message_en
    assert "BOM" in pattern_hint("\ufeffA1")["zh"] and "“A1”" in pattern_hint("\ufeffA1")["zh"]


# --------------------------------------------------------------------------- fix
def test_fix_keeps_a_crlf_file_byte_for_byte(pkg, tmp_path):
    path = pkg / "enforcement_agency.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    out = tmp_path / "fixed"
    res = run("fix", pkg, out, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert (out / "enforcement_agency.csv").read_bytes() == path.read_bytes()
    assert json.loads((out / "fix-log.json").read_text(encoding="utf-8")) == []
    assert "JN-FILE-005" not in {t.code for t in check(out).tallies}


def test_fix_keeps_crlf_while_repairing_cells_of_a_crlf_file(pkg, tmp_path):
    path = pkg / "training_record.csv"
    rows = rows_of(path)
    rows[1][rows[0].index("training_date")] = "2025/1/6"
    write_rows(path, rows, eol="\r\n")
    out = tmp_path / "fixed"
    assert run("fix", pkg, out).exit_code == 0
    data = (out / "training_record.csv").read_bytes()
    assert data.count(b"\r\n") == data.count(b"\n") and b"2025-01-06" in data
    log = json.loads((out / "fix-log.json").read_text(encoding="utf-8"))
    assert [e["rule"] for e in log] == ["date_iso"]


def test_fix_rewrites_bare_cr_line_ends(pkg, tmp_path):
    path = pkg / "enforcement_agency.csv"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r"))
    out = tmp_path / "fixed"
    assert run("fix", pkg, out).exit_code == 0
    assert (out / "enforcement_agency.csv").read_bytes() == (EXAMPLE / "enforcement_agency.csv").read_bytes()
    log = json.loads((out / "fix-log.json").read_text(encoding="utf-8"))
    assert [(e["rule"], e["after"]) for e in log] == [("line_endings", "LF")]


def _excel_serials(pkg: Path) -> None:
    set_cell(pkg / "training_record.csv", "training_date", "45663")              # 2025-01-06
    set_cell(pkg / "non_site_finding.csv", "detected_at", "45366.4166666667")    # 2024-03-15 10:00


def test_fix_leaves_excel_serials_unless_asked_and_says_how(pkg, tmp_path):
    _excel_serials(pkg)
    out = tmp_path / "fixed"
    res = run("fix", pkg, out, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "excel_date_serial 2" in res.stderr and "--excel-dates" in res.stderr
    assert rows_of(out / "training_record.csv")[1][5] == "45663"
    assert "jn-exchange fix --excel-dates" in date_hint("45663")["en"]


def test_fix_converts_excel_serials_when_asked(pkg, tmp_path):
    _excel_serials(pkg)
    out = tmp_path / "fixed"
    res = run("fix", pkg, out, "--excel-dates", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "read 2 numbers in date fields as Excel date serials (1900 date system)" in res.stderr
    log = json.loads((out / "fix-log.json").read_text(encoding="utf-8"))
    assert {(e["field"], e["before"], e["after"], e["rule"]) for e in log} == {
        ("training_date", "45663", "2025-01-06", "excel_date"),
        ("detected_at", "45366.4166666667", "2024-03-15T10:00:00", "excel_date")}
    assert not [t for t in check(out).tallies if t.severity.value == "error"]


# --------------------------------------------------------------------------- convert
def test_convert_writes_dates_a_date_field_takes_and_zoned_date_times(tmp_path):
    import openpyxl

    book = tmp_path / "t.xlsx"
    assert run("template", book, "--tables", "training_record,non_site_finding").exit_code == 0
    wb = openpyxl.load_workbook(book)
    train, nsf = wb["training_record"], wb["non_site_finding"]
    names = {ws.title: [c.value for c in ws[2]] for ws in (train, nsf)}
    col = {t: {n: i + 1 for i, n in enumerate(ns)} for t, ns in names.items()}
    train.cell(3, col["training_record"]["training_id"], "TR1")
    train.cell(3, col["training_record"]["training_date"], dt.datetime(2024, 3, 15, 10, 0))
    train.cell(4, col["training_record"]["training_id"], "TR2")
    train.cell(4, col["training_record"]["training_date"], "2024-03-15 10:00")
    nsf.cell(3, col["non_site_finding"]["detected_at"], dt.datetime(2024, 3, 15, 10, 0, 5))
    nsf.cell(4, col["non_site_finding"]["detected_at"], "2024-03-15 10:00:05")
    nsf.cell(5, col["non_site_finding"]["detected_at"], "2024-03-15T10:00:05+09:00")
    wb.save(book)
    out = tmp_path / "out"
    res = run("convert", book, out, "--lang", "en")
    assert res.exit_code == 0, res.output
    train_rows = rows_of(out / "training_record.csv")
    i = train_rows[0].index("training_date")
    assert [r[i] for r in train_rows[1:]] == ["2024-03-15", "2024-03-15"]
    assert "a date-time in a date field: the date is written, the time left out (2 cells, first in row 3)" in res.stderr
    nsf_rows = rows_of(out / "non_site_finding.csv")
    j = nsf_rows[0].index("detected_at")
    assert [r[j] for r in nsf_rows[1:]] == ["2024-03-15T10:00:05+08:00", "2024-03-15T10:00:05+08:00",
                                            "2024-03-15T10:00:05+09:00"]
    assert "wrote" in res.stderr and "in 2 tables" in res.stderr and not CJK.search(res.stderr)


def test_convert_says_one_table_in_the_singular(tmp_path):
    import openpyxl

    book = tmp_path / "t.xlsx"
    assert run("template", book, "--tables", "training_record").exit_code == 0
    wb = openpyxl.load_workbook(book)
    wb["training_record"].cell(3, 1, "TR1")
    wb.save(book)
    res = run("convert", book, tmp_path / "out", "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "1 row in 1 table\n" in res.stderr
    zh = run("convert", book, tmp_path / "out2")
    assert "已写出" in zh.stderr and "1 张表共 1 行" in zh.stderr


# --------------------------------------------------------------------------- validate -o, --as-of
@pytest.mark.parametrize(("lang", "said"), [("zh", "通过（错误 0 · 警告 0 · 提示 0）：报告已写入"),
                                            ("en", "PASS (0 errors, 0 warnings, 0 info findings): report written to")])
def test_a_passing_run_with_output_says_its_verdict_and_where(lang, said, tmp_path):
    out = tmp_path / "report.txt"
    res = run("validate", EXAMPLE, "-o", out, "--lang", lang, "--as-of", "2026-06-30")
    assert res.exit_code == 0, res.output
    assert said in res.stderr and str(out) in res.stderr and out.read_text(encoding="utf-8")


def test_output_into_a_missing_folder_is_refused(tmp_path):
    out = tmp_path / "no-such-folder" / "report.json"
    res = run("validate", EXAMPLE, "-o", out, "--format", "json", "--lang", "en")
    assert res.exit_code == 2
    assert "does not exist" in res.stderr and "Traceback" not in res.output
    assert not out.parent.exists()


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31", "2023-12-31"])
def test_as_of_outside_what_the_texts_and_calendar_cover_is_refused(day):
    res = run("validate", EXAMPLE, "--as-of", day)
    assert res.exit_code == 2 and "2024-01-01" in res.stderr and "校验基准日" in res.stderr
    en = run("validate", EXAMPLE, "--as-of", day, "--lang", "en")
    assert en.exit_code == 2 and "the day must lie between 2024-01-01" in en.stderr and not CJK.search(en.stderr)


def test_as_of_on_the_first_day_in_force_is_accepted():
    assert run("validate", EXAMPLE, "--as-of", "2024-01-01", "--fail-on", "error").exit_code in (0, 1)


# --------------------------------------------------------------------------- --max-errors, --tables
def _many_errors(pkg: Path) -> None:
    rows = rows_of(pkg / "training_record.csv")
    i = rows[0].index("hours")
    for r in rows[1:21]:
        r[i] = "abc"
    write_rows(pkg / "training_record.csv", rows)


def test_max_errors_lists_at_most_n_keeps_counts_and_fails(pkg):
    _many_errors(pkg)
    full = check(pkg)
    capped = check(pkg, max_errors=3)
    assert capped.fails()
    assert [(t.code, t.resource, t.count) for t in capped.tallies] == [(t.code, t.resource, t.count) for t in full.tallies]
    listed = sum(len(t.examples) for t in capped.tallies if t.severity.value == "error")
    assert listed == 3
    left = sum(len(t.examples) for t in full.tallies if t.severity.value == "error") - 3
    assert capped.config["max_errors"] == {"limit": 3, "errors_not_listed": left}
    assert f"另有 {left} 条未列出" in capped.config["notes"][0]["zh"]


def test_max_errors_is_said_in_the_text_report(pkg):
    _many_errors(pkg)
    res = run("validate", pkg, "--max-errors", "2", "--lang", "en", "--as-of", "2026-06-30")
    assert res.exit_code == 1
    assert "--max-errors 2: the first 2 errors listed" in res.output and "every rule's count is still exact" in res.output


def test_tables_checks_only_those_and_does_not_judge_references_into_the_others(pkg):
    set_cell(pkg / "enforcement_officer.csv", "agency_id", "NO-SUCH-AGENCY")
    assert "JN-REF-001" in {t.code for t in check(pkg).tallies}
    only = check(pkg, tables=frozenset({"enforcement_officer"}))
    assert "JN-REF-001" not in {t.code for t in only.tallies}
    assert [s.name for s in only.resources] == ["enforcement_officer"]
    assert "enforcement_agency" in only.config["tables"]["skipped"]
    assert "未判断" in only.config["notes"][0]["zh"] and "not judged" in only.config["notes"][0]["en"]
    assert only.package_sha256 is None          # the files not read are not part of any identity
    both = check(pkg, tables=frozenset({"enforcement_officer", "enforcement_agency"}))
    assert "JN-REF-001" in {t.code for t in both.tallies}


def test_tables_with_an_unknown_name_is_an_error_naming_the_close_ones():
    res = run("validate", EXAMPLE, "--tables", "enforcement_agncy", "--lang", "en")
    assert res.exit_code == 2 and "did you mean enforcement_agency" in res.stderr


# --------------------------------------------------------------------------- one language at a time
def test_fix_speaks_chinese_by_default_and_english_when_asked(pkg, tmp_path):
    set_cell(pkg / "training_record.csv", "training_date", "2025/1/6")
    zh = run("fix", pkg, tmp_path / "zh")
    assert "1 张表中改动了 1 个单元格" in zh.stderr and "cells" not in zh.stderr
    en = run("fix", pkg, tmp_path / "en", "--lang", "en")
    assert "fix: 1 cell changed in 1 table, 1 repair (date_iso 1)" in en.stderr and not CJK.search(en.stderr)


@pytest.mark.parametrize("args", [
    ("fix", "no-such-package", "OUT"),
    ("convert", "no-such-book.xlsx", "OUT"),
    ("validate", "no-such-package"),
    ("validate", str(EXAMPLE), "--limit", "max_rows=1"),
])
def test_errors_are_in_the_language_asked(args, tmp_path):
    args = tuple(str(tmp_path / a) if a == "OUT" else a for a in args)
    zh = run(*args)
    en = run(*args, "--lang", "en")
    assert zh.exit_code == en.exit_code == 2
    assert CJK.search(zh.stderr) and not CJK.search(en.stderr), (zh.stderr, en.stderr)
    assert not (tmp_path / "OUT").exists()


def test_the_json_report_of_a_narrowed_run_follows_the_published_schema(pkg, tmp_path):
    import jsonschema

    _many_errors(pkg)
    out = tmp_path / "r.json"
    res = run("validate", pkg, "--tables", "training_record,enforcement_officer", "--max-errors", "1",
              "--format", "json", "-o", out, "--as-of", "2026-06-30")
    assert res.exit_code == 1
    doc = json.loads(out.read_text(encoding="utf-8"))
    schema = json.loads((ROOT / "src" / "jn_exchange" / "data" / "report.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(doc)
    assert doc["config"]["max_errors"]["limit"] == 1 and len(doc["config"]["notes"]) == 2
    assert sum(1 for f in doc["findings"] if f["severity"] == "error") == 1
    assert "不通过" in res.stderr and str(out) in res.stderr


def test_sample_speaks_the_language_asked(tmp_path):
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "x").write_text("taken", encoding="utf-8")
    zh, en = run("sample", tmp_path / "s"), run("sample", tmp_path / "s", "--lang", "en")
    assert zh.exit_code == en.exit_code == 2
    assert "已存在" in zh.stderr and "already exists" in en.stderr and not CJK.search(en.stderr)


def test_cell_015_reports_exactly_the_invisible_characters_the_reports_write_out():
    """JN-CELL-015's SQL holds the character class of `text.INVISIBLE_INSIDE`, and every one
    of them is written out by `text.visible`."""
    from jn_exchange.rules import registry
    from jn_exchange.text import INVISIBLE_INSIDE

    when = registry()["JN-CELL-015"].check["when"]
    sql_class = re.search(r"'\[(.*)\]'", when).group(1)
    as_python = re.sub(r"\\x\{([0-9A-F]{4})\}", lambda m: chr(int(m.group(1), 16)), sql_class)
    assert as_python == INVISIBLE_INSIDE.encode().decode("unicode_escape") or as_python == INVISIBLE_INSIDE
    for ch in re.findall(r".-.|.", as_python):
        first = ch[0]
        assert visible(f"a{first}b") == f"a<U+{ord(first):04X}>b"


def test_cell_015_reports_a_bom_inside_a_free_text(pkg):
    set_cell(pkg / "counterpart.csv", "address", "济南市历城区\ufeff二环东路323号")
    f = finding(check(pkg), "JN-CELL-015")
    assert f.field == "address" and "<U+FEFF>" in f.message_zh and "\ufeff" not in f.message_en


# --------------------------------------------------------------------------- click's usage errors
@pytest.mark.parametrize("args, says", [
    (["validate", "--nope", "x"], "没有这个选项：--nope"),
    (["validate"], "缺少参数 'PACKAGE'"),
    (["valdate", "x"], "没有这个命令：valdate"),
    (["validate", "x", "--format", "xml"], "'--format' 的值无效：只能是 'text'、'json'、'html'、'junit'、'sarif' 之一"),
    (["validate", "x", "y"], "多余的参数：y"),
    (["rules", "--format=x"], "'--format' 的值无效"),
])
def test_usage_errors_are_in_chinese_by_default(args, says):
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2 and f"错误：{says}" in r.output and r.output.startswith("用法：")
    assert not re.search(r"\b(Usage|Error|Try|No such|Missing)\b", r.output)


def test_usage_errors_are_in_english_when_asked():
    r = CliRunner().invoke(main, ["validate", "--nope", "x", "--lang", "en"])
    assert r.exit_code == 2 and "Error: No such option '--nope'" in r.output and not CJK.search(r.output)


def test_a_run_narrowed_by_tables_says_its_pass_holds_for_those_only(tmp_path):
    r = run("validate", EXAMPLE, "--tables", "penalty_decision,enforcement_action")
    assert r.exit_code == 0 and "结论：通过（仅限所校验的 2 张表）" in r.output
    r = run("validate", EXAMPLE, "--tables", "penalty_decision", "-o", tmp_path / "r.html", "--format", "html", "--lang", "en")
    assert "PASS (for the 1 table checked only)" in r.output
    assert 'role="status">VALID (for the 1 table checked only)' in (tmp_path / "r.html").read_text(encoding="utf-8")
    whole = run("validate", EXAMPLE)
    assert "结论：通过\n" in whole.output and "仅限" not in whole.output


def test_a_broken_descriptor_is_described_in_chinese(pkg):
    (pkg / "datapackage.json").write_text('{"name": "x", "resources": [', encoding="utf-8")
    f = finding(check(pkg), "JN-PKG-002")
    assert "此处应当是一个值" in f.message_zh and "Expecting" not in f.message_zh
    assert "Expecting value" in f.message_en


def test_a_reader_error_is_labelled_as_the_parsers_words_in_chinese():
    from jn_exchange.engine.messages import short_error
    said = short_error(Exception("Invalid Input Error: Value with unterminated quote found.\nmore lines"))
    assert said == {"zh": "引号没有闭合（解析器原文：Invalid Input Error: Value with unterminated quote found.）",
                    "en": "Invalid Input Error: Value with unterminated quote found."}


def test_a_list_item_without_an_end_is_open_in_one_language_at_a_time():
    from jn_exchange.rules import registry
    rule = registry()["JN-LST-002"]
    assert "/" not in rule.sql.split("AS valid_to")[0].rsplit("'", 2)[-2]
    zh = rule.render("zh", {"valid_from": "2024-01-01", "valid_to": "长期", "valid_to_en": "open"})
    en = rule.render("en", {"valid_from_en": "2024-01-01", "valid_to": "长期", "valid_to_en": "open"})
    assert zh.endswith("2024-01-01 至 长期") and en.endswith("2024-01-01 to open")
