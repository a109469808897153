"""The conformance kit: the conformance corpus (tests/conformance/) as one versioned download,
so that any implementation (the city platform's importer, a vendor's own checks) can measure
itself against the standard's cases.

    python scripts/build_conformance_kit.py OUT_DIR     # writes OUT_DIR/jn-exchange-conformance-<version>.zip

The zip holds one folder, jn-exchange-conformance-<version>/, with every case's input under
cases/<id>/, manifest.json (each case's rule, input, expected findings with their counts, the
fixed judging date, the versions), manifest.schema.json (MANIFEST_SCHEMA below), the runner
run_conformance_kit.py (Python standard library only) and a README. The bytes are reproducible
(sorted entries, fixed time stamps): building the same release twice gives the same sha256.

The kit is about 35 MB (every case is a whole package), so it is not committed: it is built at
release time and published with the release; docs/*/clients/conformance-kit.md says where."""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jn_exchange import STANDARD_VERSION, __version__  # noqa: E402
from tests.conformance.corpus import OPS, export_case, load_cases  # noqa: E402

AS_OF = "2026-06-30"   # the corpus is judged on a fixed date (tests/test_conformance.py)
RUNNER = ROOT / "scripts" / "run_conformance_kit.py"
EXPECT_KEYS = ("code", "resource", "row", "field", "count")
JN_COMMAND = "jn-exchange validate {input} --format json --as-of {as_of} --config {config}"

MANIFEST_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "jn-exchange conformance kit manifest",
    "type": "object",
    "required": ["kit", "kit_version", "standard_version", "validator_version", "as_of", "run", "cases"],
    "additionalProperties": False,
    "properties": {
        "kit": {"const": "jn-exchange-conformance"},
        "kit_version": {"type": "string", "description": "the jn-exchange release the kit comes from"},
        "standard_version": {"type": "string", "description": "the version of the standard the cases judge"},
        "validator_version": {"type": "string", "description": "the reference validator that passes every case"},
        "as_of": {"type": "string", "format": "date", "description": "judge every case as of this date"},
        "run": {
            "type": "object", "required": ["runner", "reference", "report"], "additionalProperties": False,
            "properties": {"runner": {"type": "string"}, "reference": {"type": "string"}, "report": {"type": "string"}},
        },
        "cases": {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/case"}},
    },
    "$defs": {
        "case": {
            "type": "object", "additionalProperties": False,
            "required": ["id", "rule", "input", "form", "passes", "limits", "expect", "also", "mutations", "describe"],
            "properties": {
                "id": {"type": "string", "pattern": "^JN-[A-Z]+-[0-9]{3}-[A-Za-z0-9._-]+$"},
                "rule": {"type": "string", "pattern": "^JN-[A-Z]+-[0-9]{3}$"},
                "input": {"type": "string", "pattern": "^cases/", "description": "path to validate, relative to the kit"},
                "form": {"enum": ["folder", "zip", "json", "descriptor", "file"]},
                "passes": {"type": "boolean", "description": "a boundary the rule must accept: `rule` must not be reported"},
                "limits": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                           "description": "safety limits the case is judged with (jn-exchange's `limits:` of --config), "
                                          "each set small so that the case stays small"},
                "expect": {"type": "array", "items": {"$ref": "#/$defs/finding"}},
                "also": {"type": "array", "items": {"type": "string"}, "description": "other codes the case may produce"},
                "mutations": {"type": "array", "items": {"type": "object", "required": ["op"]}},
                "describe": {"type": "object", "required": ["zh", "en"],
                             "properties": {"zh": {"type": "string"}, "en": {"type": "string"}}},
            },
        },
        "finding": {
            "type": "object", "required": ["code"], "additionalProperties": False,
            "properties": {
                "code": {"type": "string", "pattern": "^JN-[A-Z]+-[0-9]{3}$"},
                "resource": {"type": "string"},
                "row": {"type": "integer", "minimum": 1, "description": "the file row, header = 1"},
                "field": {"type": "string"},
                "count": {"type": "integer", "minimum": 1,
                          "description": "exactly this many findings of the code in the resource (in every "
                                         "resource when none is named), whatever row or field is named"},
            },
        },
    },
}


class PlainWords:
    """How the corpus's operations say their mutation (`Words` of tests/conformance/corpus.py),
    as plain text for the manifest."""

    def __init__(self, lang: str):
        self.zh = lang == "zh"

    def code(self, text: str) -> str:
        return text

    def short(self, text: str, n: int) -> str:
        return text if len(text) <= n else text[: n - 1] + "…"

    def val(self, value: Any) -> str:
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        return json.dumps(self.short(shown, 60), ensure_ascii=False)

    def kv(self, pairs: dict[str, Any]) -> str:
        return ("，" if self.zh else ", ").join(f"{k} = {self.val(v)}" for k, v in pairs.items())

    def table(self, name: str) -> str:
        return name


def _describe(case: dict[str, Any], lang: str) -> str:
    words = PlainWords(lang)
    said = []
    for m in case.get("mutate", []):
        args = dict(m)
        said.append(OPS[args.pop("op")].describe(args, words))
    return ("；" if lang == "zh" else "; ").join(said)


def _form(case: dict[str, Any]) -> str:
    form = case.get("form", "folder")
    if isinstance(form, dict):
        return "file" if "file" in form else "zip"
    return str(form)


def case_entry(case: dict[str, Any], input_path: str) -> dict[str, Any]:
    return {
        "id": case["id"], "rule": case["rule"], "input": input_path, "form": _form(case),
        "passes": bool(case.get("passes")), "limits": dict(case.get("limits", {})),
        "expect": [{k: e[k] for k in EXPECT_KEYS if k in e} for e in case["expect"]],
        "also": list(case.get("also", [])),
        "mutations": list(case.get("mutate", [])),
        "describe": {"zh": _describe(case, "zh"), "en": _describe(case, "en")},
    }


def manifest(cases: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "kit": "jn-exchange-conformance", "kit_version": __version__, "standard_version": STANDARD_VERSION,
        "validator_version": __version__, "as_of": AS_OF,
        "run": {
            "runner": 'python run_conformance_kit.py . --command "YOUR-VALIDATOR {input} ..."',
            "reference": f'python run_conformance_kit.py . --command "{JN_COMMAND}"',
            "report": ("the command prints (or writes to {output}) a JSON report: findings = [{code, resource, row, "
                       "field}] as in jn-exchange's report.schema.json; rules = [{code, resource, count}] gives exact "
                       "counts beyond the listed findings; {config} is a JSON file {\"limits\": the case's limits}"),
        },
        "cases": cases,
    }


README = """# jn-exchange conformance kit {version}

Every case of the conformance corpus of the Jinan enforcement-supervision data standard
(济南市行政执法监督数据规范 {standard}): a package made from the bundled example by a small
mutation, and the findings (rule code, table, row, field, count) a conforming validator reports.
`manifest.json` lists the cases (`manifest.schema.json` describes it); judge every case as of
{as_of}.

Run any validator against it (Python 3.11+, standard library only):

    python run_conformance_kit.py . --command "YOUR-VALIDATOR {{input}} --as-of {{as_of}}"

`{{config}}` is a JSON file with the case's safety limits (`{{"limits": {{...}}}}`, jn-exchange's
names). The command prints a JSON report (or writes it to `{{output}}`) with
`findings: [{{code, resource, row, field}}]`, the shape of jn-exchange's report
(https://w3id.org/jn-exchange/docs/downloads/report.schema.json). The runner says per case
whether it passed, and exits 0 when every case did. The reference validator passes every case:

    python run_conformance_kit.py . --command "{reference}"
"""


def _add(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data, compresslevel=9)


def build_kit(out_dir: Path, cases: list[dict[str, Any]] | None = None) -> Path:
    """Write out_dir/jn-exchange-conformance-<version>.zip (of `cases`, default the whole corpus).
    Entries are written in sorted order as they are made (the cases are 185 MB unpacked), into a
    temporary name renamed at the end, so that no half-written kit is ever left behind."""
    top = f"jn-exchange-conformance-{__version__}"
    target = out_dir / f"{top}.zip"
    out_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    entries: list[dict[str, Any]] = []
    try:
        with zipfile.ZipFile(partial, "w") as zf, tempfile.TemporaryDirectory(prefix="jn-kit-") as tmp:
            readme = README.format(version=__version__, standard=STANDARD_VERSION, as_of=AS_OF, reference=JN_COMMAND)
            _add(zf, f"{top}/README.md", readme.encode("utf-8"))
            for case in sorted(cases if cases is not None else load_cases(), key=lambda c: c["id"]):
                folder = Path(tmp) / case["id"]
                folder.mkdir()
                made = export_case(case, folder)
                for f in sorted(p for p in folder.rglob("*") if p.is_file()):
                    _add(zf, f"{top}/cases/{case['id']}/{f.relative_to(folder).as_posix()}", f.read_bytes())
                entries.append(case_entry(case, f"cases/{case['id']}/{made.relative_to(folder).as_posix()}"))
            _add(zf, f"{top}/manifest.json", _json_bytes(manifest(entries)))
            _add(zf, f"{top}/manifest.schema.json", _json_bytes(MANIFEST_SCHEMA))
            _add(zf, f"{top}/run_conformance_kit.py", RUNNER.read_bytes())
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path, help="folder to write jn-exchange-conformance-<version>.zip into")
    args = parser.parse_args(argv)
    kit = build_kit(args.out_dir)
    print(f"{kit}  {kit.stat().st_size} bytes  sha256 {hashlib.sha256(kit.read_bytes()).hexdigest()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
