"""The one opener (`jn_exchange.package`): every form opens to the same package, the validator and
the tools see the same resources, and nothing of the zip guard's making is taken for the vendor's."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pytest

from jn_exchange import STANDARD_VERSION
from jn_exchange.config import Config, Limits
from jn_exchange.descriptor import Fatal
from jn_exchange.findings import Collector
from jn_exchange.package import InputError, identify, open_package
from jn_exchange.profile import load_profile
from jn_exchange.tools._package import ToolError
from jn_exchange.tools._package import open_package as open_for_tool
from jn_exchange.validate import validate

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "jinan-sample"


def _zip_folder(folder: Path, extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(folder).as_posix())
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def _codes(result) -> set[str]:
    return {t.code for t in result.tallies}


@pytest.mark.parametrize("form", ["folder", "descriptor", "zip", "json"])
def test_every_form_opens_to_the_same_tables(tmp_path, form):
    path = {"folder": EXAMPLE, "descriptor": EXAMPLE / "datapackage.json",
            "json": EXAMPLE.parent / "jinan-sample.json"}.get(form)
    if form == "zip":
        path = tmp_path / "p.zip"
        path.write_bytes(_zip_folder(EXAMPLE))
    source = identify(path)
    assert source.kind == form
    assert (source.sha256 is None) == (form in ("folder", "descriptor"))
    collector = Collector()
    pkg = open_package(source, load_profile(), collector, Limits(), tmp_path / "work")
    assert not collector.tallies
    assert len(pkg.tables) == 67 and pkg.table("counterpart") is not None
    assert pkg.standard_version == STANDARD_VERSION


def test_not_a_package_is_an_input_error(tmp_path):
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InputError):
        identify(tmp_path / "notes.txt")
    with pytest.raises(InputError):
        identify(tmp_path / "absent")


def test_undeclared_csv_inside_a_nested_zip_is_reported(tmp_path):
    # The inner zip's package has a CSV that datapackage.json does not declare. Its folder used
    # to be named by the zip guard (_unzipped_2), which the descriptor check skipped: hidden.
    inner = _zip_folder(EXAMPLE, {"stray.csv": b"a,b\n1,2\n"})
    outer = tmp_path / "outer.zip"
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("inner.zip", inner)
    result = validate(outer, Config({}, Limits()))
    stray = [f for f in result.findings() if f.code == "JN-PKG-013"]
    assert [f.params.get("path") for f in stray] == ["stray.csv"]


def test_a_folder_named_like_the_guards_is_not_skipped(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    (pkg / "_unzipped_2").mkdir()
    (pkg / "_unzipped_2" / "x.csv").write_text("a\n1\n", encoding="utf-8")
    result = validate(pkg, Config({}, Limits()))
    assert "JN-PKG-013" in _codes(result)


def test_validator_and_tools_list_the_same_resources(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"].append({"name": "notes", "path": "notes.csv"})          # not a table of the standard
    desc["resources"].append({"name": "missing_table", "path": "absent.csv"})  # no file
    (pkg / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    collector = Collector()
    opened = open_package(identify(pkg), load_profile(), collector, Limits(), tmp_path / "w")
    with open_for_tool(pkg, load_profile()) as for_tool:
        assert [(r.name, r.rel_path, r.spec is None) for r in for_tool.resources] == \
               [(r.name, r.rel_path, r.spec is None) for r in opened.resources]
    assert ("notes", "notes.csv", True) in [(r.name, r.rel_path, r.spec is None) for r in opened.resources]
    assert "absent.csv" not in [r.rel_path for r in opened.resources]
    assert {t.code for t in collector.tallies.values()} == {"JN-PKG-006"}   # both unknown; the absent file is not listed


def test_gb18030_descriptor_stops_the_validator_and_not_fix(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["title"] = "济南市示例交换包"
    (pkg / "datapackage.json").write_bytes(json.dumps(desc, ensure_ascii=False).encode("gb18030"))
    collector = Collector()
    with pytest.raises(Fatal):
        open_package(identify(pkg), load_profile(), collector, Limits(), tmp_path / "w")
    assert {t.code for t in collector.tallies.values()} == {"JN-PKG-002"}
    with open_for_tool(pkg, load_profile()) as opened:   # fix repairs such packages
        assert opened.descriptor["title"] == "济南市示例交换包"


def test_tools_refuse_a_resource_outside_the_package(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    desc = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["path"] = "../outside.csv"
    (pkg / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ToolError, match="outside.csv"):
        with open_for_tool(pkg, load_profile()):
            pass


# ---------------------------------------------------------------- the one JSON document reader
@pytest.mark.parametrize("text, says", [
    ('{"a": 1, "a": 2}', "appears twice"),
    ('{"a": NaN}', "NaN is not a JSON value"),
    ('{"a": -Infinity}', "-Infinity is not a JSON value"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"a": 1,}', "line 1 column"),
])
def test_json_documents_are_refused_with_the_reason(text, says):
    from jn_exchange.reader.jsondoc import JsonProblem, parse_json

    with pytest.raises(JsonProblem) as exc:
        parse_json(text.encode())
    assert says in exc.value.detail["en"] and exc.value.detail["zh"]


def test_a_huge_integer_is_kept_as_its_text():
    from jn_exchange.reader.jsondoc import parse_json

    digits = "7" * 100_000
    assert parse_json(f'{{"n": {digits}}}'.encode())["n"] == digits


def test_duplicate_keys_and_oversize_descriptors_are_findings(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    text = (pkg / "datapackage.json").read_text(encoding="utf-8")
    (pkg / "datapackage.json").write_text(text.replace('"resources"', '"resources": [], "resources"', 1),
                                          encoding="utf-8")
    result = validate(pkg, Config({}, Limits()))
    assert [f.params["detail"]["en"] for f in result.findings()] == ["the name “resources” appears twice in one object"]
    result = validate(pkg, Config({}, Limits(max_descriptor_bytes=1000)))
    assert "more than the limit of 1,000" in result.findings()[0].message_en
    assert not result.valid


def test_a_descriptor_linked_from_outside_is_not_read(tmp_path):
    pkg = tmp_path / "pkg"
    shutil.copytree(EXAMPLE, pkg)
    outside = tmp_path / "elsewhere.json"
    (pkg / "datapackage.json").rename(outside)
    (pkg / "datapackage.json").symlink_to(outside)
    result = validate(pkg, Config({}, Limits()))
    assert [(f.code, f.resource) for f in result.findings()] == [("JN-PKG-010", "datapackage.json")]
