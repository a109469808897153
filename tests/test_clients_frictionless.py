"""Plain `frictionless validate` (the reference implementation of the Data Package standard)
accepts every package the tools write, offline, with no argument beyond the descriptor: the
packages carry the standard's Table Schemas beside the data (jn_exchange.package_schemas).
And a package cannot loosen the standard by editing its copy: `jn-exchange validate` reports it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jn_exchange.cli import main as cli
from jn_exchange.config import Config, Limits
from jn_exchange.package_schemas import canonical_url
from jn_exchange.validate import validate
from tests._need import missing

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "jinan-sample"
FRICTIONLESS = Path(sys.executable).with_name("frictionless")

pytestmark = pytest.mark.skipif(missing("frictionless"), reason="frictionless (the dev extra) is not installed")


def frictionless_validate(package: Path) -> subprocess.CompletedProcess:
    """The command a vendor types, run where nothing can be fetched (no proxy, no network use
    expected: a schema URL would fail here)."""
    env = {**os.environ, "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "NO_PROXY": ""}
    return subprocess.run([str(FRICTIONLESS), "validate", "--json", str(package / "datapackage.json")],
                          capture_output=True, text=True, env=env, cwd=package.parent, timeout=300)


def assert_valid_for_frictionless(package: Path) -> None:
    r = frictionless_validate(package)
    report = json.loads(r.stdout) if r.stdout.strip().startswith("{") else {}
    errors = [(t.get("name"), e.get("type"), e.get("note", "")[:120])
              for t in report.get("tasks", []) for e in t.get("errors", [])]
    assert r.returncode == 0 and report.get("valid"), (r.returncode, errors[:10], r.stderr[-2000:])


def _tool(*args: str) -> None:
    r = CliRunner().invoke(cli, list(args))
    assert r.exit_code == 0, r.output


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    """A package from each tool that writes one."""
    d = tmp_path_factory.mktemp("tools")
    _tool("init", str(d / "init"))
    _tool("sample", str(d / "sample"), "--rows", "3000", "--seed", "7")
    _tool("convert", str(ROOT / "examples" / "jinan-sample.json"), str(d / "convert"))
    _tool("fix", str(EXAMPLE), str(d / "fix"))
    (d.parent / "key").write_text("9f" * 32, encoding="ascii")
    _tool("pseudonymize", str(EXAMPLE), str(d / "pseudonymize"), "--key-file", str(d.parent / "key"))
    return {p.name: p for p in d.iterdir()}


@pytest.mark.slow
def test_the_bundled_example_is_valid_for_plain_frictionless():
    assert_valid_for_frictionless(EXAMPLE)


@pytest.mark.slow
@pytest.mark.parametrize("tool", ["init", "sample", "convert", "fix", "pseudonymize"])
def test_every_package_a_tool_writes_is_valid_for_plain_frictionless(written, tool):
    package = written[tool]
    desc = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    for res in desc["resources"]:
        assert res["schema"] == f"schemas/{res['name']}.json" and res["jn:schema"] == canonical_url(res["name"])
        assert (package / res["schema"]).is_file()
    assert_valid_for_frictionless(package)


def _codes(package: Path) -> set[str]:
    return {f.code for f in validate(package, Config({}, Limits())).findings()}


def test_an_edited_schema_copy_is_reported_and_does_not_loosen_the_standard(tmp_path):
    package = shutil.copytree(EXAMPLE, tmp_path / "p")
    path = package / "schemas" / "enforcement_officer.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for f in schema["fields"]:
        if f["name"] == "citizen_id_number":
            f["constraints"].pop("pattern")          # loosen the copy
        if f["name"] == "name":
            f["title"] = "名字"                        # titles are not compared
    path.write_text(json.dumps(schema, ensure_ascii=False), encoding="utf-8")
    officers = package / "enforcement_officer.csv"
    text = officers.read_text(encoding="utf-8").splitlines()
    cells = text[1].split(",")
    cells[3] = "not-an-id"
    officers.write_text("\n".join([text[0], ",".join(cells), *text[2:]]) + "\n", encoding="utf-8")
    result = validate(package, Config({}, Limits()))
    found = {f.code: f for f in result.findings()}
    assert "JN-PKG-014" in found and "JN-CELL-008" in found   # reported, and still judged by the standard
    assert "citizen_id_number" in found["JN-PKG-014"].message_en and "name" not in found["JN-PKG-014"].params["detail"]
    assert found["JN-PKG-014"].params["count"] == 1


@pytest.mark.parametrize("schema, code", [
    ("schemas/nowhere.json", "JN-PKG-015"),
    ("https://example.org/enforcement_agency.json", "JN-PKG-015"),
    (canonical_url("enforcement_agency"), None),       # the canonical URL names the standard's own
])
def test_a_declared_schema_reference(tmp_path, schema, code):
    package = shutil.copytree(EXAMPLE, tmp_path / "p")
    desc = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    desc["resources"][0]["schema"] = schema
    (package / "datapackage.json").write_text(json.dumps(desc, ensure_ascii=False), encoding="utf-8")
    codes = _codes(package)
    assert (code in codes) if code else not codes & {"JN-PKG-014", "JN-PKG-015"}
