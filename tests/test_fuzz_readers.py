"""A bounded fuzz of the readers: a small valid package in each form (descriptor, CSV file, zip,
JSON form), mutated, then validated through the API and the CLI. Whatever the bytes, the
validator exits 0, 1 or 2 with a message, never raises, writes nothing outside its report, leaves
nothing in the temporary folder and loses no CSV record unseen. The mutations and the checks are
scripts/fuzz_readers.py's, which runs them for as long as asked; here hypothesis picks a few
examples per target from a fixed seed (derandomized), so the suite stays fast and repeatable."""

from __future__ import annotations

import importlib.util
import io
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jn_exchange.config import Config, Limits
from jn_exchange.reader.zipsafe import ZipRefused, extract_zip
from jn_exchange.validate import validate

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fuzz_readers.py"


def _load_script():
    spec = importlib.util.spec_from_file_location("fuzz_readers", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module      # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


fuzz = _load_script()
# examples per target: about 20 s in all (a CSV example runs the whole engine, a broken zip stops early)
EXAMPLES = {"descriptor": 7, "csv": 6, "zip": 10, "json": 7}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    return fuzz.Base.make(tmp_path_factory.mktemp("fuzz-base"))


def _ops(target: str) -> st.SearchStrategy:
    names = sorted(fuzz.OPS[target])
    return st.lists(st.tuples(st.sampled_from(names), st.integers(0, 2**31 - 1)), min_size=1, max_size=3)


@pytest.mark.parametrize("target", fuzz.TARGETS)
def test_mutated_input_is_judged_not_crashed_on(target, base, tmp_path_factory):
    @settings(max_examples=EXAMPLES[target], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(_ops(target))
    def one(ops):
        outcome = fuzz.check_example(target, base, ops, tmp_path_factory.mktemp(target) / "ex", seconds=60)
        assert not outcome.problems, f"{target} {ops}:\n" + "\n".join(outcome.problems)
        assert outcome.exit_code in (0, 1, 2)

    one()


def test_the_checks_see_a_crash_and_a_leak(base, tmp_path, monkeypatch):
    """The harness itself: a validator that leaves a file behind, writes beside its report and
    raises is caught, through the API and the CLI alike."""
    import tempfile

    import jn_exchange.validate

    def leaky(path, config, **kwargs):
        Path(tempfile.mkdtemp(prefix="jn-exchange-")).joinpath("x.csv").write_text("张三", encoding="utf-8")
        Path("stray.txt").write_text("x", encoding="utf-8")      # the working folder
        raise RuntimeError("boom")

    monkeypatch.setattr(jn_exchange.validate, "validate", leaky)
    outcome = fuzz.check_example("descriptor", base, [], tmp_path / "ex")
    said = "\n".join(outcome.problems)
    assert "API raised" in said and "RuntimeError: boom" in said
    assert "API left in the temporary folder" in said and "CLI left in the temporary folder" in said
    assert "CLI crashed" in said and outcome.exit_code == 2
    assert "the API wrote outside" in said and "the CLI wrote outside" in said and "cwd/stray.txt" in said


# ------------------------------------------------------------------------------- what the fuzz found
def _zip(tmp_path: Path, base, extra: list) -> Path:
    path = tmp_path / "p.zip"
    path.write_bytes(fuzz.write_zip([*base.entries, *extra]))
    return path


@pytest.mark.parametrize(("extra", "says"), [
    # found by the fuzz (seed 1): a folder entry named like a file crashed the unpacking
    ([fuzz.Entry("enforcement_agency.csv/", b"")], "both a file and a folder"),
    ([fuzz.Entry("datapackage.json/x.csv", b"a\n")], "both a file and a folder"),
    # found by the fuzz (seed 2): an entry with an empty name (zipfile's is_dir() raises on it)
    ([fuzz.Entry("", b"agency_id\n")], "has no name"),
    ([fuzz.Entry("ENFORCEMENT_AGENCY.csv", b"agency_id\n")], "same name (ignoring case)"),
    ([fuzz.Entry("enforcement_agency.csv", b"agency_id\n")], "same name: enforcement_agency.csv"),
])
def test_a_name_given_twice_in_a_zip_is_refused(extra, says, base, tmp_path):
    path = _zip(tmp_path, base, extra)
    with pytest.raises(ZipRefused) as refused:
        extract_zip(path, tmp_path / "out", Limits())
    assert refused.value.finding.code == "JN-ZIP-001" and says in refused.value.finding.message_en
    assert not (tmp_path / "out").exists()           # judged before anything is written
    result = validate(path, Config({}, Limits()))
    assert [t.code for t in result.tallies] == ["JN-ZIP-001"] and result.fails()


def test_folder_entries_and_their_files_still_unpack(base, tmp_path):
    entries = [fuzz.Entry("pkg/", b""), fuzz.Entry("pkg/schemas/", b"")]
    entries += [fuzz.Entry(f"pkg/{e.name}", e.data) for e in base.entries]
    path = tmp_path / "p.zip"
    path.write_bytes(fuzz.write_zip(entries))
    assert zipfile.is_zipfile(path)
    root = extract_zip(path, tmp_path / "out", Limits())
    assert (root / "datapackage.json").is_file() and root.name == "pkg"


def _corrupt_stream(data: bytes, name: str, at: int) -> bytes:
    """The zip with the compressed bytes of entry `name` overwritten from `at` on (headers intact)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        head = zf.getinfo(name).header_offset
    name_len, extra_len = (int.from_bytes(data[head + i:head + i + 2], "little") for i in (26, 28))
    start = head + 30 + name_len + extra_len      # the local header is 30 bytes, then name and extra
    out = bytearray(data)
    out[start + at:start + at + 8] = b"\xff" * 8
    return bytes(out)


@pytest.mark.parametrize(("method", "at"), [(zipfile.ZIP_DEFLATED, 0), (zipfile.ZIP_LZMA, 9)])
def test_a_damaged_compressed_stream_is_a_corrupt_zip(method, at, base, tmp_path):
    # found by the fuzz (seed 2): zlib.error escaped as "internal error" (LZMAError likewise)
    entries = [fuzz.Entry(e.name, e.data, method=method) for e in base.entries]
    path = tmp_path / "p.zip"
    path.write_bytes(_corrupt_stream(fuzz.write_zip(entries), f"{fuzz.TABLE}.csv", at))
    with pytest.raises(ZipRefused) as refused:
        extract_zip(path, tmp_path / "out", Limits())
    assert refused.value.finding.code == "JN-ZIP-001" and fuzz.TABLE in refused.value.finding.message_en
    assert [t.code for t in validate(path, Config({}, Limits())).tallies] == ["JN-ZIP-001"]


@pytest.mark.parametrize(("target", "edit", "code"), [
    # found by the fuzz (seed 2): a lone surrogate in the JSON form could not be written as CSV
    ("json", lambda b: b.replace("济南市司法局".encode(), rb"\ud800", 1), "JN-JSON-001"),
    # the same escape in a descriptor would reach a file name and the report
    ("descriptor", lambda b: b.replace(b'"enforcement_officer"', rb'"\udc00x"', 1), "JN-PKG-002"),
])
def test_an_unpaired_surrogate_is_refused_as_json(target, edit, code, base, tmp_path):
    data = edit(base.json_form if target == "json" else (base.folder / "datapackage.json").read_bytes())
    path = fuzz.write_input(target, base, data, tmp_path / "in")
    result = validate(path, Config({}, Limits()))
    found = [f for f in result.findings() if f.code == code]
    assert found and "unpaired surrogate" in found[0].message_en and result.fails()
    outcome = fuzz.check_input(target, base, data, tmp_path / "cli")
    assert not outcome.problems and outcome.exit_code == 1
