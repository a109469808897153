"""The sample generator: valid by construction at several sizes, deterministic, and its
labelled defects are each found where the manifest says."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.defect_recall import score
from jn_exchange.cli import main
from jn_exchange.config import Config, Limits
from jn_exchange.sample import generate_sample
from jn_exchange.sample.defects import inject_defects
from jn_exchange.validate import validate

AS_OF = dt.date(2026, 6, 30)
ROOT = Path(__file__).resolve().parent.parent


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(p.relative_to(folder).as_posix().encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


def _run(path: Path, max_examples: int = 50):
    limits = Limits()
    limits.max_examples = max_examples
    return validate(path, Config({}, limits), as_of=AS_OF)


@pytest.mark.parametrize("rows", [800, 12_000])
def test_sample_is_valid_and_has_every_table(tmp_path, rows):
    out = generate_sample(tmp_path / "pkg", rows=rows, seed=7)
    result = _run(out)
    bad = [(t.code, t.resource, t.count) for t in result.tallies if t.severity.value in ("error", "warning")]
    assert not bad, bad
    sizes = {p.stem: sum(1 for _ in p.open(encoding="utf-8")) - 1 for p in out.glob("*.csv")}
    assert all(n > 0 for n in sizes.values()), [t for t, n in sizes.items() if n == 0]
    assert rows <= sum(sizes.values()) < rows * 1.25 + 1500
    # a city's year: many inspections, fewer penalties, few supervision cases
    if rows >= 10_000:
        assert sizes["inspection"] > 2 * sizes["penalty_decision"] > 4 * sizes["supervision_case"]


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path):
    a = generate_sample(tmp_path / "a" / "pkg", rows=1500, seed=3)
    b = generate_sample(tmp_path / "b" / "pkg", rows=1500, seed=3)
    c = generate_sample(tmp_path / "c" / "pkg", rows=1500, seed=4)
    assert _digest(a) == _digest(b) != _digest(c)


def test_bundled_example_is_what_the_generator_writes(tmp_path):
    """examples/jinan-sample is `jn-exchange sample examples/jinan-sample --rows 1500`: regenerate
    it (and the JSON form) with that command when the generator changes."""
    out = generate_sample(tmp_path / "jinan-sample", rows=1500, seed=1)
    assert _digest(out) == _digest(ROOT / "examples" / "jinan-sample")
    js = generate_sample(tmp_path / "jinan-sample.json", rows=1500, seed=1, as_json=True)
    assert js.read_bytes() == (ROOT / "examples" / "jinan-sample.json").read_bytes()


def test_zip_and_json_forms_validate(tmp_path):
    for kw in ({"as_zip": True}, {"as_json": True}):
        path = generate_sample(tmp_path / "p", rows=900, seed=2, **kw)
        assert path.is_file()
        assert _run(path).valid
        path.unlink()


def test_refuses_to_overwrite(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    with pytest.raises(FileExistsError):
        generate_sample(tmp_path / "x", rows=600)
    res = CliRunner().invoke(main, ["sample", str(tmp_path / "x"), "--rows", "600", "--lang", "en"])
    assert res.exit_code == 2 and "exists" in res.output
    assert (tmp_path / "x" / "keep.txt").read_text() == "mine"


def test_labelled_defects_are_found_where_the_manifest_says(tmp_path):
    src = generate_sample(tmp_path / "pkg", rows=8000, seed=5)
    manifest = inject_defects(src, tmp_path / "bad", rate=0.01, seed=5)
    assert manifest["total"] > 40
    families = {d["family"] for d in manifest["defects"]}
    assert {"cell", "reference", "key", "business"} <= families
    result = _run(tmp_path / "bad", max_examples=100_000)
    found = [{"code": f.code, "resource": f.resource, "row": f.row, "field": f.field, "severity": f.severity.value}
             for f in result.findings()]
    s = score(manifest, found)
    assert all(v["recall"] == 1.0 for v in s["recall"].values()), s
    assert s["false_alarms"] == 0, s
    on_disk = json.loads((tmp_path / "bad" / "defects.json").read_text(encoding="utf-8"))
    assert on_disk["total"] == manifest["total"]
