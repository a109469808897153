"""Vendor tooling, part (b): `fix`, `export shuanggongshi`, `pseudonymize`, on real files
made from the bundled example package."""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jn_exchange.cli import main
from jn_exchange.config import Config, Limits
from jn_exchange.profile import load_profile
from jn_exchange.validate import validate

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jinan-sample"
AS_OF = dt.date(2026, 1, 31)


def run(*args: str):
    """The command, in English (the messages these tests read; tests/test_vendor_messages.py
    covers the default Chinese)."""
    lang = [] if "--lang" in args else ["--lang", "en"]
    return CliRunner().invoke(main, [str(a) for a in args] + lang)


def check(path: Path):
    return validate(path, Config({}, Limits()), as_of=AS_OF)


def errors(result) -> list[tuple[str, str | None, tuple]]:
    return [(t.code, t.resource, tuple(sorted({str(e.field) for e in t.examples})))
            for t in result.tallies if t.count and t.severity.value == "error"]


def read_rows(path: Path, encoding: str = "utf-8") -> list[list[str]]:
    with path.open(encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8", eol: str = "\n", bom: bool = False) -> None:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=eol).writerows(rows)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + buf.getvalue().encode(encoding))


@pytest.fixture()
def pkg(tmp_path: Path) -> Path:
    dest = tmp_path / "in"
    shutil.copytree(EXAMPLE, dest)
    return dest


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --------------------------------------------------------------------------- fix
def _break_like_a_vendor(pkg: Path) -> None:
    """penalty_decision: GBK, CRLF, no BOM, Chinese headers, slash / 年月日 / dotted dates,
    full-width codes, stray spaces, thousands separators. counterpart: UTF-8 with BOM and bare CR,
    a citizen id number with full-width digits and a lower-case x, a blank line."""
    spec = load_profile().tables["penalty_decision"]
    rows = read_rows(pkg / "penalty_decision.csv")
    head = rows[0]
    col = {n: head.index(n) for n in head}
    rows[0] = [spec.field(h).title for h in head]
    for r in rows[1:]:
        for name in ("service_date", "publicity_deadline"):
            v = r[col[name]]
            if v:
                y, m, d = v.split("-")
                r[col[name]] = f"{y}/{int(m)}/{int(d)}"
    rows[1][col["penalty_valid_until"]] = "2099年12月31日"   # this one was empty before: restored below
    rows[2][col["publicity_deadline"]] = "2028.12.27"
    rows[2][col["fine_amount"]] = " 62,500.00 "
    rows[3][col["procedure"]] = "２"
    rows[1][col["discretion_adjusted"]] = "FALSE"
    write_rows(pkg / "penalty_decision.csv", rows, encoding="gbk", eol="\r\n")
    cps = read_rows(pkg / "counterpart.csv")
    for r in cps:
        if r[0] == "CP00000020":
            assert r[6] == "37011219580213202X"
            r[6] = "３７０１１２１９５８０２１３２０２x"
    cps.insert(3, [])
    write_rows(pkg / "counterpart.csv", cps, eol="\r", bom=True)


def test_fix_repairs_a_gbk_crlf_file_with_chinese_headers_and_then_it_is_valid(pkg, tmp_path):
    _break_like_a_vendor(pkg)
    assert check(pkg).fails()                      # broken indeed
    before = tree_bytes(pkg)
    out = tmp_path / "fixed"
    res = run("fix", pkg, out, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert tree_bytes(pkg) == before               # never in place
    assert "cells changed" in res.stderr and "fix-log.json" in res.stderr
    result = check(out)
    assert errors(result) == [], errors(result)
    assert not result.fails()
    # the repaired counterpart file is the original byte for byte; penalty_decision too,
    # except the one cell the vendor filled that was empty in the original
    assert (out / "counterpart.csv").read_bytes() == (EXAMPLE / "counterpart.csv").read_bytes()
    fixed = read_rows(out / "penalty_decision.csv")
    orig = read_rows(EXAMPLE / "penalty_decision.csv")
    i = orig[0].index("penalty_valid_until")
    assert fixed[1][i] == "2099-12-31"
    fixed[1][i] = orig[1][i]
    assert fixed == orig
    log = json.loads((out / "fix-log.json").read_text(encoding="utf-8"))
    rules = {r for e in log for r in e["rule"].split("+")}
    assert {"encoding", "line_endings", "bom", "blank_line", "header_title", "date_iso", "spaces", "full_width",
            "thousands_separator", "boolean", "identifier_form"} <= rules
    by_field = {(e["table"], e["row"], e["field"]): e for e in log}
    e = by_field[("penalty_decision", 3, "fine_amount")]
    assert (e["before"], e["after"], e["rule"]) == (" 62,500.00 ", "62500.00", "spaces+thousands_separator")
    assert by_field[("penalty_decision", 2, "penalty_valid_until")]["after"] == "2099-12-31"
    assert by_field[("penalty_decision", 3, "publicity_deadline")]["after"] == "2028-12-27"
    assert by_field[("penalty_decision", 4, "procedure")]["rule"] == "full_width"
    assert by_field[("penalty_decision", 2, "discretion_adjusted")]["after"] == "false"
    assert by_field[("penalty_decision", 1, "action_id")]["before"] == "执法行为"
    # personal values are masked in the log: the id number never appears in clear
    idn = next(e for e in log if e["field"] == "id_number")
    assert idn["rule"] == "full_width+identifier_form" and idn["after"] == "370112**********2X"
    text = (out / "fix-log.json").read_text(encoding="utf-8")
    assert "37011219580213202X" not in text and "３７０１１２１９５８０２１３２０２x" not in text


def test_fix_leaves_what_it_cannot_repair_safely_for_the_validator(pkg, tmp_path):
    rows = read_rows(pkg / "penalty_decision.csv")
    col = {n: i for i, n in enumerate(rows[0])}
    rows[1][col["service_date"]] = "3/1/2025"            # 1 March or 3 January?
    rows[2][col["service_date"]] = "2025/2/30"           # no such day
    rows[3][col["procedure"]] = "7"                      # unknown code
    write_rows(pkg / "penalty_decision.csv", rows)
    ag = read_rows(pkg / "enforcement_agency.csv")
    ag[1][1] = ag[1][1][:-1] + ("0" if ag[1][1][-1] != "0" else "1")   # wrong check character
    write_rows(pkg / "enforcement_agency.csv", ag)
    out = tmp_path / "fixed"
    res = run("fix", pkg, out, "--lang", "en")
    assert res.exit_code == 0, res.output
    assert "left for the validator" in res.stderr
    fixed = read_rows(out / "penalty_decision.csv")
    assert fixed[1][col["service_date"]] == "3/1/2025" and fixed[2][col["service_date"]] == "2025/2/30"
    assert fixed[3][col["procedure"]] == "7"
    codes = {c for c, _, _ in errors(check(out))}
    assert {"JN-CELL-004", "JN-CELL-007", "JN-CELL-011"} <= codes


def test_fix_maps_labels_and_dropped_leading_zeros_only_when_unambiguous(pkg, tmp_path):
    rows = read_rows(pkg / "penalty_decision_kind.csv")
    rows[1][1] = "3"          # Excel ate the zero of 03
    rows[2][1] = "警告"        # label instead of code
    write_rows(pkg / "penalty_decision_kind.csv", rows)
    out = tmp_path / "fixed"
    assert run("fix", pkg, out).exit_code == 0
    assert read_rows(out / "penalty_decision_kind.csv") == read_rows(EXAMPLE / "penalty_decision_kind.csv")


def test_fix_of_a_clean_package_changes_nothing(tmp_path):
    out = tmp_path / "fixed"
    res = run("fix", EXAMPLE, out, "--lang", "en")
    assert res.exit_code == 0 and "0 cells changed" in res.stderr
    got = tree_bytes(out)
    assert json.loads(got.pop("fix-log.json")) == []
    assert got == tree_bytes(EXAMPLE)


# --------------------------------------------------------------------------- export shuanggongshi
def test_shuanggongshi_export_field_by_field(tmp_path):
    out = tmp_path / "sgs.csv"
    res = run("export", "shuanggongshi", EXAMPLE, out)
    assert res.exit_code == 0, res.output
    rows = read_rows(out)
    from jn_exchange.tools.shuanggongshi import COLUMNS

    assert rows[0] == COLUMNS and len(COLUMNS) == 24
    recs = [dict(zip(rows[0], r)) for r in rows[1:]]
    # A202500000052: a 个体工商户 fined and its gains confiscated
    r = next(x for x in recs if x["处罚决定书文号"] == "济历综执罚〔2025〕2号" and x["行政相对人名称"] == "历城区贺和水果店")
    assert r == {
        "行政相对人名称": "历城区贺和水果店",
        "行政相对人类别": "个体工商户",
        "行政相对人代码_1（统一社会信用代码）": "92370112MAX8C83861",
        "行政相对人代码_2（其他登记代码）": "",
        "法定代表人": "贺静实",
        "证件类型": "",
        "证件号码": "",
        "处罚决定书文号": "济历综执罚〔2025〕2号",
        "违法行为类型": "随意倾倒建筑垃圾",
        "违法事实": "经查，当事人存在上述违法行为，有现场检查笔录、询问笔录、照片等证据为证。",
        "处罚依据": "有关法律法规的罚则条款",
        "处罚类别": "罚款;没收违法所得",
        "处罚内容": "罚款6800元",
        "罚款金额（万元）": "0.680000",
        "没收金额（万元）": "1.040000",
        "暂扣或吊销证照名称及编号": "",
        "处罚决定日期": "2025-04-01",
        "处罚有效期": "",
        "公示截止期": "2028-03-31",
        "处罚机关": "济南市历城区综合行政执法局",
        "处罚机关统一社会信用代码": "11370112MA3Q5GTCX6",
        "数据来源单位": "济南市历城区综合行政执法局",
        "数据来源单位统一社会信用代码": "11370112MA3Q5GTCX6",
        "备注": "",
    }
    # every record against the package, field by field
    tables = {n: list(csv.DictReader((EXAMPLE / f"{n}.csv").open(encoding="utf-8", newline="")))
              for n in ("penalty_decision", "enforcement_action", "action_counterpart", "counterpart",
                        "enforcement_agency", "penalty_decision_kind")}
    actions = {a["action_id"]: a for a in tables["enforcement_action"]}
    cps = {c["counterpart_id"]: c for c in tables["counterpart"]}
    agencies = {a["agency_id"]: a for a in tables["enforcement_agency"]}
    expected = []
    for d in tables["penalty_decision"]:
        a = actions[d["action_id"]]
        if d["decision_outcome"] != "1" or a["publicity_status"] != "1" or d["publicity_withdrawn_date"]:
            continue
        for ac in tables["action_counterpart"]:
            if ac["action_id"] == d["action_id"] and ac["counterpart_role"] == "1" and cps[ac["counterpart_id"]]["category"] != "2":
                expected.append((d, a, cps[ac["counterpart_id"]]))
    assert len(recs) == len(expected) >= 10   # the example has a couple of dozen public decisions
    labels = {"1": "法人及非法人组织", "3": "个体工商户"}
    kind_labels = {c: v["label"] for c, v in load_profile().codes("PenaltyKind").items()} | {"99": "其他"}
    for d, a, cp in expected:
        r = next(x for x in recs if x["处罚决定书文号"] == a["decision_doc_no"] and x["行政相对人名称"] == cp["name"])
        assert r["行政相对人类别"] == labels[cp["category"]]
        assert r["行政相对人代码_1（统一社会信用代码）"] == cp["uscc"]
        assert r["法定代表人"] == cp["legal_representative"]
        assert r["违法行为类型"] == d["violation_type"] and r["处罚依据"] == d["legal_basis"]
        assert r["处罚内容"] == d["penalty_content"] and r["备注"] == d["remarks"]
        fine = d["fine_amount"]
        assert r["罚款金额（万元）"] == (f"{float(fine) / 10000:.6f}" if fine else "")
        conf = d["confiscation_amount"]
        assert r["没收金额（万元）"] == (f"{float(conf) / 10000:.6f}" if conf else "")
        assert r["处罚决定日期"] == a["decision_date"] and r["公示截止期"] == d["publicity_deadline"]
        assert r["处罚有效期"] == d["penalty_valid_until"]
        assert r["处罚机关"] == agencies[a["agency_id"]]["name"]
        assert r["处罚机关统一社会信用代码"] == agencies[a["agency_id"]]["uscc"]
        kinds = sorted(k["penalty_kind"] for k in tables["penalty_decision_kind"] if k["action_id"] == a["action_id"])
        assert r["处罚类别"] == ";".join(kind_labels[k] for k in kinds)
        assert r["证件号码"] == "" and r["证件类型"] == ""
    assert "skipped: not published" in res.stderr


def test_shuanggongshi_natural_persons_only_on_request(pkg, tmp_path):
    rows = read_rows(pkg / "enforcement_action.csv")
    col = rows[0].index("publicity_status")
    for r in rows:
        if r[0] == "A202500000027":            # 季思子, a natural person; withheld in the example
            r[col] = "1"
    write_rows(pkg / "enforcement_action.csv", rows)
    plain, extra = tmp_path / "a.csv", tmp_path / "b.csv"
    assert run("export", "shuanggongshi", pkg, plain).exit_code == 0
    res = run("export", "shuanggongshi", pkg, extra, "--include-natural-persons", "--date-format", "slash",
              "--encoding", "gb18030")
    assert res.exit_code == 0, res.output
    a, b = read_rows(plain), read_rows(extra, "gb18030")
    assert len(b) == len(a) + 1
    person = next(dict(zip(b[0], r)) for r in b[1:] if r[0] == "季思子")
    assert (person["行政相对人类别"], person["证件类型"], person["证件号码"], person["法定代表人"]) == \
        ("自然人", "居民身份证", "37011219580213202X", "")
    assert (person["处罚决定日期"], person["罚款金额（万元）"], person["处罚类别"]) == ("2025/10/07", "0.380000", "罚款")
    assert not any(r[0] == "季思子" for r in a)


# --------------------------------------------------------------------------- pseudonymize
KEY = b"k" * 7 + bytes(range(200, 240))     # 47 bytes, not text


def _pseudo(pkg: Path, tmp_path: Path, key: bytes = KEY, name: str = "ps"):
    kf = tmp_path / f"{name}.key"
    kf.write_bytes(key)
    out = tmp_path / name
    return run("pseudonymize", pkg, out, "--key-file", kf), out


def _same_person_in_two_tables(pkg: Path) -> str:
    """Officer P0000001's id number also appears as a counterpart's (a natural person)."""
    off = read_rows(pkg / "enforcement_officer.csv")
    idn = off[1][off[0].index("citizen_id_number")]
    cps = read_rows(pkg / "counterpart.csv")
    for r in cps:
        if r[0] == "CP00000013":
            r[6] = idn
    write_rows(pkg / "counterpart.csv", cps)
    return idn


def test_pseudonymize_hashes_masks_and_joins_still_hold(pkg, tmp_path):
    idn = _same_person_in_two_tables(pkg)
    res, out = _pseudo(pkg, tmp_path)
    assert res.exit_code == 0, res.output
    import hashlib
    import hmac

    h = hmac.new(KEY, idn.encode(), hashlib.sha256).hexdigest()
    off = list(csv.DictReader((out / "enforcement_officer.csv").open(encoding="utf-8", newline="")))
    cps = list(csv.DictReader((out / "counterpart.csv").open(encoding="utf-8", newline="")))
    assert off[0]["citizen_id_number"] == h
    assert next(c for c in cps if c["counterpart_id"] == "CP00000013")["id_number"] == h   # the join holds
    assert all(len(o["citizen_id_number"]) == 64 for o in off)
    assert off[0]["mobile_phone"].startswith("1") and "*" in off[0]["mobile_phone"]
    assert all("*" in c["address"] for c in cps if c["address"])
    clue = list(csv.DictReader((out / "supervision_clue.csv").open(encoding="utf-8", newline="")))
    orig_clue = list(csv.DictReader((EXAMPLE / "supervision_clue.csv").open(encoding="utf-8", newline="")))
    for new, old in zip(clue, orig_clue):
        assert new["informant_ref"] == (hmac.new(KEY, old["informant_ref"].encode(), hashlib.sha256).hexdigest()
                                        if old["informant_ref"] else "")
    # tables without marked fields are unchanged; keys and references still join
    assert (out / "penalty_decision.csv").read_bytes() == (pkg / "penalty_decision.csv").read_bytes()
    desc = json.loads((out / "datapackage.json").read_text(encoding="utf-8"))
    assert desc["jn:pseudonymized"] is True
    assert desc["jn:pseudonymization"]["method"] == "HMAC-SHA256"
    assert "enforcement_officer.citizen_id_number" in desc["jn:pseudonymization"]["fields"]["keyed_hash"]
    result = check(out)
    assert not [t for t in result.tallies if t.code.startswith(("JN-REF", "JN-KEY", "JN-PKG", "JN-HDR", "JN-FILE"))]
    # the validator reads "jn:pseudonymized": hashed and masked cells are not held to clear-value rules
    assert errors(result) == []
    # the same key gives the same bytes; another key other hashes
    res2, out2 = _pseudo(pkg, tmp_path, name="again")
    assert tree_bytes(out2) == tree_bytes(out)
    res3, out3 = _pseudo(pkg, tmp_path, key=b"another key, at least thirty-two bytes", name="other")
    assert res3.exit_code == 0
    assert (out3 / "enforcement_officer.csv").read_bytes() != (out / "enforcement_officer.csv").read_bytes()


def test_pseudonymized_package_validates_under_the_exchange_profile(pkg, tmp_path):
    _same_person_in_two_tables(pkg)
    res, out = _pseudo(pkg, tmp_path)
    assert res.exit_code == 0
    assert errors(check(out)) == []


def test_pseudonymized_package_still_needs_hex_hashes(pkg, tmp_path):
    res, out = _pseudo(pkg, tmp_path)
    assert res.exit_code == 0
    off = read_rows(out / "enforcement_officer.csv")
    c = off[0].index("citizen_id_number")
    off[1][c] = "370102199001011237"          # a clear identity number in a pseudonymised package
    write_rows(out / "enforcement_officer.csv", off)
    found = [(t.code, t.resource) for t in check(out).tallies]
    assert ("JN-CELL-008", "enforcement_officer") in found


def test_pseudonymize_verifies_check_digits_before_hashing(pkg, tmp_path):
    off = read_rows(pkg / "enforcement_officer.csv")
    c = off[0].index("citizen_id_number")
    good = off[2][c]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    off[2][c] = bad
    off[3][c] = " " + off[3][c].lower() + " "          # normalised before hashing: same hash as clean
    write_rows(pkg / "enforcement_officer.csv", off)
    res, out = _pseudo(pkg, tmp_path)
    assert res.exit_code == 0, res.output
    assert "NOT hashed" in res.stderr and "enforcement_officer.citizen_id_number 1" in res.stderr
    new = read_rows(out / "enforcement_officer.csv")
    assert new[2][c] == ""
    import hashlib
    import hmac

    assert new[3][c] == hmac.new(KEY, off[3][c].strip().upper().encode(), hashlib.sha256).hexdigest()
    log = json.loads((out / "pseudonymize-log.json").read_text(encoding="utf-8"))
    assert log == [{"table": "enforcement_officer", "row": 3, "field": "citizen_id_number",
                    "problem": "citizen id number: check_digit", "value": bad[:6] + "*" * 10 + bad[16:],
                    "action": "emptied, not hashed"}]


def test_the_key_never_appears_in_output_or_messages(pkg, tmp_path):
    key = b"0123456789abcdef-city-secret-key-2025"        # a text key: the likeliest to leak
    kf = tmp_path / "city.key"
    kf.write_bytes(key + b"\n")
    out = tmp_path / "ps"
    res = run("pseudonymize", pkg, out, "--key-file", kf)
    assert res.exit_code == 0, res.output
    forms = [key, key.hex().encode(), base64.b64encode(key), key.decode().encode("utf-16-le")]
    for name, data in tree_bytes(out).items():
        for f in forms:
            assert f not in data, f"key form found in {name}"
    for f in forms:
        assert f.decode("latin-1") not in res.output
    # zip and JSON forms as input too
    zpath = tmp_path / "in.zip"
    shutil.make_archive(str(tmp_path / "in"), "zip", pkg)
    res = run("pseudonymize", zpath, tmp_path / "ps-zip", "--key-file", kf)
    assert res.exit_code == 0, res.output
    assert (tmp_path / "ps-zip" / "enforcement_officer.csv").read_bytes() == (out / "enforcement_officer.csv").read_bytes()


def test_pseudonymize_drop_empties_the_column_and_keeps_the_header(pkg, tmp_path, monkeypatch):
    from jn_exchange.tools import pseudonymize as pseudo

    real = pseudo.treatment
    monkeypatch.setattr(pseudo, "treatment", lambda f: "drop" if f.name == "legal_representative" else real(f))
    res, out = _pseudo(pkg, tmp_path)
    assert res.exit_code == 0, res.output
    rows = read_rows(out / "counterpart.csv")
    i = rows[0].index("legal_representative")
    assert rows[0] == read_rows(pkg / "counterpart.csv")[0]
    assert all(r[i] == "" for r in rows[1:])
    assert "dropped: counterpart.legal_representative" in res.stderr


# --------------------------------------------------------------------------- bad input: exit 2, one line
@pytest.mark.parametrize("case", ["missing", "empty", "short", "folder"])
def test_bad_key_file_exits_2_and_writes_nothing(pkg, tmp_path, case):
    kf = tmp_path / "k"
    if case == "empty":
        kf.write_bytes(b"")
    elif case == "short":
        kf.write_bytes(b"x" * 31 + b"\n")
    elif case == "folder":
        kf.mkdir()
    out = tmp_path / "ps"
    res = run("pseudonymize", pkg, out, "--key-file", kf)
    assert res.exit_code == 2
    assert "Traceback" not in res.output and res.stderr.count("\n") == 1 and "key file" in res.stderr
    assert not out.exists()


def _one_line_exit_2(res, needle: str) -> None:
    assert res.exit_code == 2, res.output
    assert "Traceback" not in res.output
    assert res.stderr.count("\n") == 1, res.stderr
    assert needle in res.stderr, res.stderr


def test_bad_input_exits_2_without_traceback(pkg, tmp_path):
    existing = tmp_path / "exists"
    existing.mkdir()
    key = tmp_path / "k"
    key.write_bytes(b"y" * 40)
    _one_line_exit_2(run("fix", tmp_path / "nope", tmp_path / "o1"), "no such file or folder")
    _one_line_exit_2(run("fix", pkg, existing), "already exists")
    _one_line_exit_2(run("fix", pkg, pkg / "sub"), "inside the input package")
    _one_line_exit_2(run("pseudonymize", pkg, existing, "--key-file", key), "already exists")
    _one_line_exit_2(run("pseudonymize", tmp_path / "nope", tmp_path / "o2", "--key-file", key), "no such file")
    _one_line_exit_2(run("export", "shuanggongshi", tmp_path / "nope", tmp_path / "x.csv"), "no such file")
    bad_zip = tmp_path / "bad.zip"
    bad_zip.write_bytes(b"PK\x03\x04 not really a zip")
    _one_line_exit_2(run("fix", bad_zip, tmp_path / "o3"), "cannot unpack")
    no_desc = tmp_path / "nodesc"
    no_desc.mkdir()
    (no_desc / "counterpart.csv").write_text("a\n1\n", encoding="utf-8")
    _one_line_exit_2(run("fix", no_desc, tmp_path / "o4"), "datapackage.json")
    broken = tmp_path / "broken"
    shutil.copytree(pkg, broken)
    (broken / "datapackage.json").write_text("{ not json", encoding="utf-8")
    _one_line_exit_2(run("pseudonymize", broken, tmp_path / "o5", "--key-file", key), "not a valid JSON")
    # export: a table missing, a GBK table, an existing output file
    partial = tmp_path / "partial"
    shutil.copytree(pkg, partial)
    desc = json.loads((partial / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"] = [r for r in desc["resources"] if r["name"] != "counterpart"]
    (partial / "datapackage.json").write_text(json.dumps(desc), encoding="utf-8")
    _one_line_exit_2(run("export", "shuanggongshi", partial, tmp_path / "y.csv"), "no counterpart table")
    gbk = tmp_path / "gbk"
    shutil.copytree(pkg, gbk)
    write_rows(gbk / "counterpart.csv", read_rows(pkg / "counterpart.csv"), encoding="gbk")
    _one_line_exit_2(run("export", "shuanggongshi", gbk, tmp_path / "z.csv"), "run `jn-exchange fix` first")
    _one_line_exit_2(run("pseudonymize", gbk, tmp_path / "o6", "--key-file", key), "run `jn-exchange fix` first")
    taken = tmp_path / "taken.csv"
    taken.write_text("x", encoding="utf-8")
    _one_line_exit_2(run("export", "shuanggongshi", pkg, taken), "already exists")
    _one_line_exit_2(run("export", "shuanggongshi", pkg, tmp_path / "o7" / "a.csv"), "does not exist")
    # nothing half-written is left behind
    for name in ("o1", "o2", "o3", "o4", "o5", "o6", "y.csv", "z.csv"):
        assert not (tmp_path / name).exists(), name
    assert taken.read_text(encoding="utf-8") == "x"


def test_shuanggongshi_cells_cannot_run_as_formulas(pkg, tmp_path):
    """The export is meant to be opened in Excel or WPS: a cell that would start a formula is
    written with a leading apostrophe (CSV injection), a negative number is left alone."""
    from jn_exchange.text import spreadsheet_safe

    rows = read_rows(pkg / "penalty_decision.csv")
    i = rows[0].index("penalty_content")
    rows[1][i] = '=HYPERLINK("http://example.invalid","x")'
    write_rows(pkg / "penalty_decision.csv", rows)
    out = tmp_path / "sgs.csv"
    assert run("export", "shuanggongshi", pkg, out).exit_code == 0
    cells = [c for r in read_rows(out)[1:] for c in r]
    assert "'" + rows[1][i] in cells and rows[1][i] not in cells
    assert not [c for c in cells if c[:1] in ("=", "@", "\t", "\r") or (c[:1] in ("+", "-") and not c[1:2].isdigit())]
    assert [spreadsheet_safe(x) for x in ("-5", "+3.2", "-", "@x", "a=b")] == ["-5", "+3.2", "'-", "'@x", "a=b"]
