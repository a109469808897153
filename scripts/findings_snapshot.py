"""Every finding the validator gives on a fixed set of inputs, as one JSON document, so that a
refactor can show it changed nothing: run it before and after, then compare the two files.

    .venv/bin/python scripts/findings_snapshot.py OUT.json [--defect-rows 20000]

Inputs: every conformance case (materialised as the corpus does), the bundled examples, a sample
package with labelled defects in each form (folder, zip, JSON), and the tools' outputs on the
clean sample (fix, pseudonymize, export shuanggongshi, convert). Durations and temporary paths are left
out; everything else (codes, counts, rows, fields, values, messages in both languages, resource
statistics, package hashes) is compared byte for byte."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from jn_exchange.config import Config, Limits  # noqa: E402
from jn_exchange.reports import jsonreport  # noqa: E402
from jn_exchange.validate import validate  # noqa: E402
from tests.conformance.corpus import EXAMPLES, load_cases, materialize  # noqa: E402

AS_OF = dt.date(2026, 6, 30)


def _report(path: Path, tmp: Path) -> dict:
    result = validate(path, Config({}, Limits()), as_of=AS_OF)
    doc = jsonreport.build(result)
    doc.pop("duration_s", None)
    if doc["package"]["kind"] == "zip":   # a zip's bytes carry the time it was written
        doc["package"]["sha256"] = None
    text = json.dumps(doc, ensure_ascii=False, sort_keys=True)
    return json.loads(text.replace(str(tmp), "<tmp>"))


def _tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != "fix-log.json"}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--defect-rows", type=int, default=20000)
    ap.add_argument("--inputs", type=Path, default=Path("/tmp/jn-snapshot-inputs"),
                    help="where the generated defect package is kept, so that runs before and after a "
                         "change judge the same bytes (made on first use)")
    args = ap.parse_args()
    from click.testing import CliRunner

    from jn_exchange.cli import main as cli

    out: dict[str, object] = {}
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        for case in load_cases():
            dest = tmp / "cases" / case["id"]
            dest.mkdir(parents=True)
            out[f"case:{case['id']}"] = _report(materialize(case, dest), tmp)
        for pkg in sorted(EXAMPLES.iterdir()):
            out[f"example:{pkg.name}"] = _report(pkg, tmp)
        runner = CliRunner()
        src = args.inputs / "defects-defects"
        if not src.exists():
            args.inputs.mkdir(parents=True, exist_ok=True)
            r = runner.invoke(cli, ["sample", str(args.inputs / "defects"), "--rows", str(args.defect_rows),
                                    "--defects", "0.02", "--seed", "7"])
            assert r.exit_code == 0, r.output
        out["defects:folder"] = _report(src, args.inputs)
        shutil.make_archive(str(tmp / "defects"), "zip", src)
        out["defects:zip"] = _report(tmp / "defects.zip", tmp)
        r = runner.invoke(cli, ["convert", str(src), str(tmp / "defects.json")])
        out["defects:json:exit"] = r.exit_code
        if (tmp / "defects.json").exists():
            out["defects:json"] = _report(tmp / "defects.json", tmp)
        defective, src = src, args.inputs / "defects"   # the tools on the clean sample and on the defects
        for name, argv, made in [
            ("fix", ["fix", str(src), str(tmp / "fixed")], tmp / "fixed"),
            ("fix-defects", ["fix", str(defective), str(tmp / "fixed-d")], tmp / "fixed-d"),
            ("pseudonymize", ["pseudonymize", str(src), str(tmp / "pseudo"), "--key-file", str(tmp / "k")],
             tmp / "pseudo"),
            ("shuanggongshi", ["export", "shuanggongshi", str(src), str(tmp / "sgs.csv")], None),
            ("convert-json", ["convert", str(EXAMPLES / "jinan-sample"), str(tmp / "conv.json")], None),
        ]:
            (tmp / "k").write_text("snapshot-key-0123456789abcdef0123456789abcdef\n")
            r = runner.invoke(cli, argv)
            out[f"tool:{name}:exit"] = r.exit_code
            if made is not None and made.exists():
                out[f"tool:{name}:files"] = _tree_digest(made)
                out[f"tool:{name}:validate"] = _report(made, tmp)
        for f in ("sgs.csv", "conv.json"):
            p = tmp / f
            out[f"tool-out:{f}"] = hashlib.sha256(p.read_bytes()).hexdigest() if p.exists() else None
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(out)} entries -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
