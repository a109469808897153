"""Row-level change (jn_exchange.office.rowchange) on a generated package with known edits, made
at random in many tables: every edit is found, as what it is, and nothing else; values written
another way (an instant in UTC, a decimal with another trailing zero) are not changes; and the
change of a submission against the city's database names the previous load."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
import shutil
from pathlib import Path

import pytest

from jn_exchange.office.citydb import CityDatabase
from jn_exchange.office.rowchange import EXAMPLES, compare, compute_for_submission
from jn_exchange.office.unpacked import unpacked
from jn_exchange.profile import load_profile
from jn_exchange.sample import generate_sample

PROFILE = load_profile()


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_sample(tmp_path_factory.mktemp("rc") / "base", rows=3000, seed=11)


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerows(rows)


def _referenced() -> set[str]:
    return {fk["reference"]["resource"] for spec in PROFILE.tables.values() for fk in spec.foreign_keys}


def _edited(base: Path, dest: Path, seed: int) -> dict[str, dict[str, object]]:
    """A copy of `base` with edits in tables no other table refers to (so an edit touches one
    record only); returns what each table should show."""
    shutil.copytree(base, dest)
    rng = random.Random(seed)
    expected: dict[str, dict[str, object]] = {}
    leaves = [s for s in PROFILE.tables.values() if s.name not in _referenced() and len(s.primary_key) == 1
              and (dest / s.path).exists() and len(_read(dest / s.path)) > 12]
    assert len(leaves) >= 6
    for spec in rng.sample(leaves, 6):
        rows = _read(dest / spec.path)
        head, body = rows[0], rows[1:]
        k = head.index(spec.primary_key[0])
        texts = [i for i, c in enumerate(head) if c != spec.primary_key[0] and (f := spec.field(c))
                 and f.type == "string" and not f.constraints.get("enum") and not f.constraints.get("pattern")]
        picks = rng.sample(range(len(body)), 9)
        changed, removed, added, rekeyed = {}, [], [], []
        for i in picks[:3]:                     # one or two free-text fields changed
            cols = [c for c in texts if body[i][c]][:rng.choice([1, 2])]
            if not cols:
                continue
            for c in cols:
                body[i][c] += "（更正）"
            changed[body[i][k]] = sorted(head[c] for c in cols)
        for i in picks[3:5]:                    # a record re-keyed, its content kept
            old = body[i][k]
            body[i][k] = old + "R"
            rekeyed.append({"from": old, "to": old + "R"})
        new_rows = []
        for i in picks[5:7]:                    # a new record: a copy under a new key, its text new
            row = list(body[i])
            row[k] = row[k] + "N"
            for c in texts:
                row[c] = f"新增记录 {row[k]}"
            new_rows.append(row)
            added.append(row[k])
        for i in sorted(picks[7:9], reverse=True):   # removed
            removed.append(body[i][k])
            del body[i]
        # a rekeyed record whose content repeats another's is not certain: skip the table if so
        _write(dest / spec.path, [head, *body, *new_rows])
        expected[spec.name] = {"changed": changed, "removed": sorted(removed), "added": sorted(added),
                               "rekeyed": sorted(rekeyed, key=lambda r: r["from"])}
    return expected


def _respelled(folder: Path) -> int:
    """Every datetime with +08:00 written in UTC and every two-place decimal ending in 0 without
    it, in every table: the same values written another way. Returns how many cells."""
    n = 0
    for spec in PROFILE.tables.values():
        path = folder / spec.path
        if not path.exists():
            continue
        rows = _read(path)
        kinds = {i: spec.field(c).type for i, c in enumerate(rows[0]) if spec.field(c)}
        for row in rows[1:]:
            for i, t in kinds.items():
                v = row[i]
                if t == "datetime" and v.endswith("+08:00"):
                    when = dt.datetime.fromisoformat(v).astimezone(dt.UTC)
                    row[i] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
                    n += 1
                elif t == "number" and "." in v and v.endswith("0"):
                    row[i] = v.rstrip("0").rstrip(".")
                    n += 1
        _write(path, rows)
    return n


def test_a_personal_key_is_shown_as_the_reports_show_it(base, tmp_path):
    """An officer's id is personal: the change names the record by its masked key, never in clear."""
    from jn_exchange.masking import show

    spec = PROFILE.tables["enforcement_officer"]
    shutil.copytree(base, tmp_path / "new")
    rows = _read(tmp_path / "new" / spec.path)
    col = rows[0].index("position")
    rows[1][col] += "（更正）"
    _write(tmp_path / "new" / spec.path, rows)
    officer = rows[1][rows[0].index("officer_id")]
    result = compare(unpacked(base, tmp_path / "w1"), unpacked(tmp_path / "new", tmp_path / "w2"))
    [table] = result["tables"]
    assert table["examples"]["changed"] == [{"key": show(officer, spec.field("officer_id")), "fields": ["position"]}]
    assert officer not in json.dumps(result, ensure_ascii=False)


def _found(result: dict) -> dict[str, dict[str, object]]:
    out = {}
    for t in result["tables"]:
        ex = t["examples"]
        out[t["table"]] = {"changed": {c["key"]: sorted(c["fields"]) for c in ex["changed"]},
                           "removed": ex["removed"], "added": ex["added"], "rekeyed": ex["rekeyed"]}
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_every_edit_is_found_and_nothing_else(base, tmp_path, seed):
    expected = _edited(base, tmp_path / "new", seed)
    assert _respelled(tmp_path / "new") > 100
    result = compare(unpacked(base, tmp_path / "w1"), unpacked(tmp_path / "new", tmp_path / "w2"))
    found = _found(result)
    # drop the tables where an edit did not apply (no free text to change)
    assert found == {t: e for t, e in expected.items() if any(e.values())}
    for t in result["tables"]:
        e = expected[t["table"]]
        assert (t["added"], t["removed"], t["changed"], t["rekeyed"]) == (
            len(e["added"]), len(e["removed"]), len(e["changed"]), len(e["rekeyed"]))
        assert t["after"] - t["before"] == t["added"] - t["removed"]
    assert result["totals"]["rekeyed"] == 2 * len(expected)


def test_nothing_before_means_every_record_is_new(base, tmp_path):
    result = compare(None, unpacked(base, tmp_path / "w"))
    rows = sum(len(_read(base / s.path)) - 1 for s in PROFILE.tables.values() if (base / s.path).exists())
    assert result["totals"]["added"] == rows == result["totals"]["after"]
    assert all(len(t["examples"]["added"]) == min(t["added"], EXAMPLES) for t in result["tables"])


def test_a_submission_is_compared_with_the_last_accepted_load(base, tmp_path):
    city = CityDatabase(f"duckdb:///{tmp_path / 'city.duckdb'}")
    out = tmp_path / "change.json"
    first = compute_for_submission(city, base, submission_id=1, organisation="ORG-A", out=out, period="2025-12")
    assert first["previous"] is None and first["totals"]["removed"] == 0 and first["totals"]["added"] > 0
    city.load(base, submission_id=1, organisation="ORG-A", period="2025-11")
    city.load(base, submission_id=2, organisation="ORG-A", period="2025-12")
    city.load(base, submission_id=3, organisation="ORG-B", period="2025-12")
    expected = _edited(base, tmp_path / "new", 3)
    got = compute_for_submission(city, tmp_path / "new", submission_id=9, organisation="ORG-A", out=out,
                                 period="2025-11")
    assert got["previous"]["submission_id"] == 1 and got["previous"]["period"] == "2025-11"   # same period first
    assert _found(got) == {t: e for t, e in expected.items() if any(e.values())}
    assert json.loads(out.read_text(encoding="utf-8"))["totals"] == got["totals"]
    latest = compute_for_submission(city, tmp_path / "new", submission_id=9, organisation="ORG-A", out=out,
                                    period="2026-01")
    assert latest["previous"]["submission_id"] == 2    # no load of that period: the latest
