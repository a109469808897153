"""The CI kits, tested by running what they run: the shell steps of the GitHub Action
(action.yml), the script of the GitLab CI template (ci/gitlab/) and the entry of the pre-commit
hook (.pre-commit-hooks.yaml), each configured by the snippet docs/*/clients/ci.md shows, on the
example package (passes) and on a failing corpus case (fails), checking the exit code and that
the JUnit and SARIF reports exist and parse.

The one thing not run is the `pip install` of the published validator: this checkout is already
installed in the test's interpreter, and it stands in for what pip would install (the GitHub
install step runs with a stub Python that records the pip command and links the local
`jn-exchange`; the GitLab line is skipped and the local install put on PATH; pre-commit's
own install of the hook repository is replaced by the same). Also here: the runtime dependencies,
since the kits install `jn-exchange` without extras: the command and every tool run with
pydantic and jsonschema blocked."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests._need import missing
from tests.conformance.corpus import EXAMPLES, load_cases, materialize

ROOT = Path(__file__).resolve().parent.parent
ACTION = ROOT / "action.yml"
GITLAB_TEMPLATE = ROOT / "ci" / "gitlab" / "jn-exchange.gitlab-ci.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
DOCS = [ROOT / "docs" / lang / "clients" / "ci.md" for lang in ("zh", "en")]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
LOCAL_BIN = Path(sys.executable).parent          # the local install that stands in for pip's
JN = LOCAL_BIN / "jn-exchange"
PACKAGE = "exports/2025-06"                      # where the snippets' package lives in the workspace
FAILING_CASE = "JN-CELL-001-required-empty"

# The snippets of docs/*/clients/ci.md, word for word (OWNER: where the repository is published).
GITHUB_WORKFLOW = """\
name: exchange package
on: [push, pull_request]
permissions:
  contents: read
  security-events: write    # the SARIF upload to code scanning
jobs:
  jn-exchange:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: OWNER/jn-exchange@v1.0.0
        with:
          package: exports/2025-06
          as-of: "2026-06-30"
          fail-on: error
          lang: zh
"""
GITLAB_CI = """\
include:
  - remote: https://raw.githubusercontent.com/OWNER/jn-exchange/v1.0.0/ci/gitlab/jn-exchange.gitlab-ci.yml

jn-exchange-validate:
  variables:
    JN_EXCHANGE_PACKAGE: exports/2025-06
    JN_EXCHANGE_AS_OF: "2026-06-30"
    JN_EXCHANGE_FAIL_ON: error
"""
PRE_COMMIT_CONFIG = """\
repos:
  - repo: https://github.com/OWNER/jn-exchange
    rev: v1.0.0
    hooks:
      - id: jn-exchange-validate
        args: [exports/2025-06, --as-of, "2026-06-30", --lang, en]
        files: ^exports/2025-06/
"""


# ------------------------------------------------------------------ workspaces and reports
@pytest.fixture(scope="module")
def workspaces(tmp_path_factory) -> dict[str, Path]:
    """A repository checkout holding the package at exports/2025-06: the example, or a failing case."""
    base = tmp_path_factory.mktemp("ws")
    passing = base / "passing"
    shutil.copytree(EXAMPLES / "jinan-sample", passing / PACKAGE)
    case = next(c for c in load_cases() if c["id"] == FAILING_CASE)
    made = materialize(case, base / "case")
    failing = base / "failing"
    (failing / PACKAGE).parent.mkdir(parents=True)
    made.rename(failing / PACKAGE)
    return {"passing": passing, "failing": failing}


def checkout(workspaces: dict[str, Path], kind: str, tmp: Path) -> Path:
    """A fresh copy of a workspace, so that no run sees the reports of another."""
    return Path(shutil.copytree(workspaces[kind], tmp / "ws"))


def _clean_path() -> str:
    """PATH without the test interpreter's bin: a kit must find the validator it installed."""
    return os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep)
                           if p and Path(p).resolve() != LOCAL_BIN.resolve())


def assert_reports(junit: Path, sarif: Path, fails: bool) -> None:
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    failures = int(root.get("failures", "0")) + int(root.get("errors", "0"))
    assert (failures > 0) == fails, ET.tostring(root, encoding="unicode")[:2000]
    log = json.loads(sarif.read_text(encoding="utf-8"))
    assert log["version"] == "2.1.0" and log["runs"][0]["tool"]["driver"]["name"] == "jn-exchange"
    rules = {r["ruleId"] for r in log["runs"][0]["results"]}
    assert ("JN-CELL-001" in rules) == fails, rules


def test_docs_show_the_snippets_the_tests_run():
    for page in DOCS:
        text = page.read_text(encoding="utf-8")
        for snippet in (GITHUB_WORKFLOW, GITLAB_CI, PRE_COMMIT_CONFIG):
            assert snippet in text, f"{page} does not show:\n{snippet}"


@pytest.mark.skipif(missing("check_jsonschema"), reason="check-jsonschema (the dev extra) is not installed")
@pytest.mark.parametrize(("schema", "files"), [
    ("vendor.github-actions", {"action.yml": ACTION}),
    ("vendor.github-workflows", {"workflow.yml": GITHUB_WORKFLOW}),
    ("vendor.gitlab-ci", {"template.gitlab-ci.yml": GITLAB_TEMPLATE, "pipeline.gitlab-ci.yml": GITLAB_CI}),
])
def test_kits_and_snippets_are_valid_for_their_platforms(schema, files, tmp_path):
    """The platforms' own schemas (as vendored by check-jsonschema, so offline) accept them."""
    paths = []
    for name, content in files.items():
        paths.append(tmp_path / name)
        paths[-1].write_text(content.read_text(encoding="utf-8") if isinstance(content, Path) else content,
                             encoding="utf-8")
    done = subprocess.run([str(LOCAL_BIN / "check-jsonschema"), "--builtin-schema", schema, *map(str, paths)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


# ------------------------------------------------------------------ GitHub Action
_EXPR = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _lookup(expr: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    parts = expr.split(".")
    if parts[0] == "inputs" and len(parts) == 2:
        return inputs[parts[1]]
    if parts[0] == "steps" and len(parts) == 4 and parts[2] == "outputs":
        return outputs.get(parts[1], {}).get(parts[3], "")
    raise AssertionError(f"the test cannot evaluate ${{{{ {expr} }}}}")


def _resolve(value: Any, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> str:
    return _EXPR.sub(lambda m: _lookup(m.group(1), inputs, outputs), str(value))


def _condition(expr: str, inputs: dict[str, str], outputs: dict[str, dict[str, str]]) -> bool:
    """The step conditions action.yml uses: `X != ''` and `X == 'literal'`, joined by &&."""
    ok = True
    for term in expr.split("&&"):
        m = re.fullmatch(r"\s*([\w.-]+)\s*(==|!=)\s*'([^']*)'\s*", term)
        assert m, f"the test cannot evaluate the condition {term!r}"
        value = _lookup(m.group(1), inputs, outputs)
        ok &= (value == m.group(3)) if m.group(2) == "==" else (value != m.group(3))
    return ok


def _stub_python(tmp: Path) -> tuple[Path, Path]:
    """A Python that records `-m venv` and `-m pip` instead of running them: the venv it makes
    holds this stub and the local `jn-exchange`; anything else runs on the real interpreter."""
    log = tmp / "python-calls.log"
    stub = tmp / "stub" / "python"
    stub.parent.mkdir(parents=True)
    stub.write_text(f"""#!/bin/bash
echo "$*" >> {shlex.quote(str(log))}
if [ "$1 $2" = "-m venv" ]; then
  mkdir -p "$3/bin" && cp "$0" "$3/bin/python" && ln -s {shlex.quote(str(JN))} "$3/bin/jn-exchange"; exit 0
fi
if [ "$1 $2" = "-m pip" ]; then exit 0; fi
exec {shlex.quote(sys.executable)} "$@"
""", encoding="utf-8")
    stub.chmod(0o755)
    return stub, log


def run_action(inputs: dict[str, str], workspace: Path, tmp: Path) -> dict[str, Any]:
    """Every step of the composite action in order, as the runner would: the shell steps run in
    bash as GitHub runs them; a `uses` step is checked (its condition and its files) instead."""
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    unknown = set(inputs) - set(action["inputs"])
    assert not unknown, f"inputs the action does not declare: {unknown}"
    values = {k: str(v.get("default", "")) for k, v in action["inputs"].items()} | inputs
    stub, log = _stub_python(tmp)
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir()
    outputs: dict[str, dict[str, str]] = {"python": {"python-path": str(stub)}}
    uploads: dict[str, dict[str, str]] = {}
    for i, step in enumerate(action["runs"]["steps"]):
        if "uses" in step:
            if "if" not in step or _condition(step["if"], values, outputs):
                uploads[step["uses"].split("@")[0]] = {k: _resolve(v, values, outputs)
                                                      for k, v in step.get("with", {}).items()}
            continue
        assert step["shell"] == "bash" and "if" not in step
        out = tmp / f"github-output-{i}"
        out.touch()
        env = {"PATH": _clean_path(), "HOME": str(tmp), "RUNNER_TEMP": str(runner_temp),
               "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_OUTPUT": str(out)}
        env |= {k: _resolve(v, values, outputs) for k, v in step.get("env", {}).items()}
        script = tmp / f"step-{i}.sh"
        script.write_text(step["run"], encoding="utf-8")
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=env, capture_output=True, text=True, timeout=120)
        outputs[step.get("id", f"step{i}")] = dict(line.split("=", 1) for line in out.read_text().splitlines() if "=" in line)
        if done.returncode:
            return {"exit": done.returncode, "outputs": outputs, "uploads": uploads, "log": log.read_text(),
                    "stderr": done.stderr, "stdout": done.stdout}
    return {"exit": 0, "outputs": outputs, "uploads": uploads, "log": log.read_text(), "stderr": "", "stdout": ""}


def _snippet_inputs() -> dict[str, str]:
    workflow = yaml.safe_load(GITHUB_WORKFLOW)
    steps = workflow["jobs"]["jn-exchange"]["steps"]
    ours = [s for s in steps if s.get("uses", "").split("@")[0].endswith("/jn-exchange")]
    assert len(ours) == 1 and workflow["permissions"]["security-events"] == "write"
    return {k: str(v) for k, v in ours[0]["with"].items()}


@pytest.mark.parametrize("kind", ["passing", "failing"])
def test_github_action_validates_and_publishes_both_reports(workspaces, kind, tmp_path):
    ws = checkout(workspaces, kind, tmp_path)
    run = run_action(_snippet_inputs(), ws, tmp_path)
    fails = kind == "failing"
    assert run["exit"] == (1 if fails else 0), run
    validate = run["outputs"]["validate"]
    assert validate["exit-code"] == ("1" if fails else "0")
    assert_reports(ws / validate["junit"], ws / validate["sarif"], fails)
    # the uploads name the files the validation wrote
    assert (ws / run["uploads"]["actions/upload-artifact"]["path"] / "jn-exchange.junit.xml").is_file()
    sarif_upload = run["uploads"]["github/codeql-action/upload-sarif"]
    assert sarif_upload["sarif_file"] == validate["sarif"] and sarif_upload["category"] == "jn-exchange"
    # installed from the action's own release: its source, whose version is pyproject's
    assert f"-m pip install --quiet --disable-pip-version-check {ROOT}" in run["log"]


def test_github_action_installs_the_version_asked_for(workspaces, tmp_path):
    run = run_action({"package": PACKAGE, "version": VERSION, "upload-sarif": "false"}, checkout(workspaces, "passing", tmp_path), tmp_path)
    assert run["exit"] == 0, run
    assert f"-m pip install --quiet --disable-pip-version-check jn-exchange=={VERSION}" in run["log"]
    assert "github/codeql-action/upload-sarif" not in run["uploads"]


def test_github_action_refuses_an_installed_version_it_did_not_ask_for(workspaces, tmp_path):
    run = run_action({"package": PACKAGE, "version": "0.0.1"}, checkout(workspaces, "passing", tmp_path), tmp_path)
    assert run["exit"] == 1 and "expected version 0.0.1" in run["stdout"], run
    assert "validate" not in run["outputs"]


def test_github_action_reports_an_unusable_input_as_exit_2(workspaces, tmp_path):
    run = run_action({"package": PACKAGE, "config": "no-such-config.yaml"}, checkout(workspaces, "passing", tmp_path), tmp_path)
    assert run["exit"] == 2 and run["outputs"]["validate"]["exit-code"] == "2"
    assert set(run["uploads"]) == {"actions/setup-python"}, "nothing to upload when no report was written"


# ------------------------------------------------------------------ GitLab CI template
def _gitlab_job() -> tuple[dict[str, Any], dict[str, str]]:
    """The job the snippet's pipeline runs: the included template with the snippet's job merged
    over it (GitLab merges hashes of the same job key), `extends` resolved."""
    pipeline = yaml.safe_load(GITLAB_CI)
    (include,) = pipeline.pop("include")
    assert include["remote"].endswith("/v1.0.0/" + GITLAB_TEMPLATE.relative_to(ROOT).as_posix())
    template = yaml.safe_load(GITLAB_TEMPLATE.read_text(encoding="utf-8"))
    job = dict(template["jn-exchange-validate"])
    base = dict(template[job.pop("extends")])
    variables = {**base.get("variables", {}), **job.get("variables", {}),
                 **pipeline["jn-exchange-validate"].get("variables", {})}
    return {**base, **{k: v for k, v in job.items() if k != "variables"}}, {k: str(v) for k, v in variables.items()}


def test_gitlab_template_pins_the_release_version():
    _, variables = _gitlab_job()
    assert variables["JN_EXCHANGE_REQUIREMENT"] == f"jn-exchange=={VERSION}"


@pytest.mark.parametrize("kind", ["passing", "failing"])
def test_gitlab_template_validates_and_publishes_both_reports(workspaces, kind, tmp_path):
    job, variables = _gitlab_job()
    installs = [line for line in job["script"] if 'pip install --quiet "$JN_EXCHANGE_REQUIREMENT"' in line]
    assert len(installs) == 1
    script = "\n".join(line for line in job["script"] if line not in installs)
    ws = checkout(workspaces, kind, tmp_path)
    env = {"PATH": os.pathsep.join([str(LOCAL_BIN), _clean_path()]), "HOME": str(tmp_path), **variables}
    done = subprocess.run(["sh", "-e", "-c", script], cwd=ws, env=env, capture_output=True, text=True, timeout=120)
    fails = kind == "failing"
    assert done.returncode == (1 if fails else 0), done.stderr[-2000:]
    assert f"jn-exchange {VERSION} " in done.stdout
    artifacts = job["artifacts"]
    assert artifacts["when"] == "always" and set(artifacts["reports"]) == {"junit"}   # GitLab reads no SARIF
    sarif = ws / artifacts["paths"][0] / "jn-exchange.sarif"
    assert_reports(ws / artifacts["reports"]["junit"], sarif, fails)


# ------------------------------------------------------------------ pre-commit hook
@pytest.mark.parametrize("kind", ["passing", "failing"])
def test_pre_commit_hook_runs_the_validator_on_the_package(workspaces, kind):
    config = yaml.safe_load(PRE_COMMIT_CONFIG)
    (repo,) = config["repos"]
    (use,) = repo["hooks"]
    hook = next(h for h in yaml.safe_load(HOOKS.read_text(encoding="utf-8")) if h["id"] == use["id"])
    assert hook["language"] == "python" and hook["pass_filenames"] is False
    assert re.search(use["files"], f"{PACKAGE}/datapackage.json") and re.search(hook["files"], "a/b.csv")
    argv = shlex.split(hook["entry"]) + [str(a) for a in use["args"]]
    env = {"PATH": os.pathsep.join([str(LOCAL_BIN), _clean_path()]), "HOME": str(workspaces[kind])}
    done = subprocess.run(argv, cwd=workspaces[kind], env=env, capture_output=True, text=True, timeout=120)
    fails = kind == "failing"
    assert done.returncode == (1 if fails else 0), done.stderr[-2000:]
    assert ("JN-CELL-001" in done.stdout) == fails


# ------------------------------------------------------------------ runtime dependencies
# What the kits install is `jn-exchange` without extras: the command and every tool must run
# without pydantic and jsonschema (the `models` and `schemas` extras) and without linkml (`build`).
BLOCKED = ("pydantic", "pydantic_core", "jsonschema", "linkml", "linkml_runtime")
_BLOCKING_BOOT = '''
import importlib.abc, json, sys
BLOCKED, TRIED = {blocked!r}, []

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            TRIED.append(name)
            raise ImportError(f"blocked: {{name}}")
        return None

sys.meta_path.insert(0, Block())
from jn_exchange.cli import main
codes = []
for args in {commands!r}:
    try:
        main.main(args, standalone_mode=False)
        codes.append(0)
    except SystemExit as exc:
        codes.append(exc.code or 0)
print(json.dumps({{"codes": codes, "tried": TRIED, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)}}))
'''


def test_the_command_and_every_tool_run_without_the_optional_extras(tmp_path):
    example = str(EXAMPLES / "jinan-sample")
    out = tmp_path / "out"
    out.mkdir()   # validate -o writes into an existing folder (as the CI kits make it)
    commands = [
        ["--help"], ["--version"], ["rules", "--format", "json"],
        *[["validate", example, "--as-of", "2026-06-30", "--format", f, "--output", str(out / f"report.{f}")]
          for f in ("text", "json", "html", "junit", "sarif")],
        ["validate", str(EXAMPLES / "jinan-sample.json"), "--as-of", "2026-06-30", "--output", str(out / "json-form.txt")],
        ["init", str(out / "init")],
        ["sample", str(out / "sample"), "--rows", "500"],
        ["convert", str(EXAMPLES / "jinan-sample.json"), str(out / "converted")],
        ["fix", example, str(out / "fixed")],
        ["pseudonymize", example, str(out / "pseudonymized"), "--key-file", str(tmp_path / "key")],
        ["export", "shuanggongshi", example, str(out / "sgs.csv")],
        ["template", str(out / "template.xlsx")],
    ]
    (tmp_path / "key").write_text("9f" * 32, encoding="ascii")
    boot = _BLOCKING_BOOT.format(blocked=BLOCKED, commands=commands)
    done = subprocess.run([sys.executable, "-c", boot], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["codes"] == [0] * len(commands), list(zip(commands, result["codes"]))
    assert not result["tried"] and not result["loaded"], result


def test_optional_extras_are_not_runtime_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = {re.split(r"[\[=<>!~ ]", d, maxsplit=1)[0].lower() for d in project["dependencies"]}
    assert not names & {"pydantic", "jsonschema", "linkml"}, names
    extras = project["optional-dependencies"]
    assert any(d.startswith("pydantic==") for d in extras["models"])
    assert any(d.startswith("jsonschema[format]==") for d in extras["schemas"])
