"""The generated Pydantic models as a Python service uses them: the models file alone, in an
interpreter that can import pydantic (and what pydantic needs) and nothing else of this
project or its dependencies, loads every row of the example's JSON form; the pseudonymised
models load a pseudonymised package, which the full models refuse. The script is the one
docs/*/clients/pydantic.md shows."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATED = ROOT / "src" / "jn_exchange" / "generated"
EXAMPLE_JSON = ROOT / "examples" / "jinan-sample.json"
EXAMPLE = ROOT / "examples" / "jinan-sample"
DOCS = [ROOT / "docs" / lang / "clients" / "pydantic.md" for lang in ("zh", "en")]
JN = [sys.executable, "-m", "jn_exchange.cli"]
# pydantic and the distributions it imports: all the isolated interpreter may see
PYDANTIC_PARTS = ("pydantic", "pydantic_core", "typing_extensions", "annotated_types", "typing_inspection")

# The docs page's check, word for word: every row of a JSON-form package through the models.
CHECK_SCRIPT = '''import sys
from pathlib import Path
from models import ExchangePackage

package = ExchangePackage.model_validate_json(Path(sys.argv[1]).read_bytes())
rows = sum(len(v) for v in package.__dict__.values() if isinstance(v, list))
print(f"{rows} rows valid")
'''


def _only_pydantic(dest: Path) -> Path:
    """A folder holding links to pydantic and its dependencies, nothing else."""
    dest.mkdir()
    for name in PYDANTIC_PARTS:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.origin, name
        origin = Path(spec.origin)
        src = origin.parent if origin.name == "__init__.py" else origin
        (dest / src.name).symlink_to(src)
    return dest


def run_models(models: str, document: Path, tmp: Path) -> subprocess.CompletedProcess[str]:
    """CHECK_SCRIPT with `models` copied in as models.py, in `python -I -S` (no site-packages, no
    .pth files) whose path adds only that folder and the pydantic links to the standard library."""
    work = tmp / f"work-{models}"
    work.mkdir()
    (work / "models.py").write_bytes((GENERATED / models).read_bytes())
    (work / "check.py").write_text(CHECK_SCRIPT, encoding="utf-8")
    site = tmp / "site" if (tmp / "site").exists() else _only_pydantic(tmp / "site")
    boot = (f"import sys; sys.path[:0] = [{str(work)!r}, {str(site)!r}]; sys.argv[1:] = [{str(document)!r}]; "
            f"exec(open({str(work / 'check.py')!r}).read())")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    return subprocess.run([sys.executable, "-I", "-S", "-c", boot], capture_output=True, text=True, env=env,
                          timeout=300, cwd=work)


def _example_rows() -> int:
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    return sum(len(v) for v in doc.values() if isinstance(v, list))


def test_docs_page_shows_the_script_the_tests_run():
    for page in DOCS:
        assert CHECK_SCRIPT.strip() in page.read_text(encoding="utf-8"), f"{page} does not show CHECK_SCRIPT"


def test_models_import_with_pydantic_alone_and_load_every_row(tmp_path):
    done = run_models("models.py", EXAMPLE_JSON, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"{_example_rows()} rows valid"


def test_isolated_interpreter_sees_nothing_but_pydantic(tmp_path):
    probe = tmp_path / "probe.json"
    probe.write_text("{}", encoding="utf-8")
    site = _only_pydantic(tmp_path / "site")
    boot = f"import sys; sys.path[:0] = [{str(site)!r}]; import pydantic, jn_exchange"
    done = subprocess.run([sys.executable, "-I", "-S", "-c", boot], capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr


def test_money_keeps_two_decimals(tmp_path):
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    doc["penalty_decision"][0]["fine_amount"] = 2000.075
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    done = run_models("models.py", bad, tmp_path)
    assert done.returncode != 0 and "fine_amount" in done.stderr and "decimal" in done.stderr.lower()


@pytest.fixture(scope="module")
def pseudonymized_json(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("pseudo")
    key = tmp / "key"
    key.write_text("0123456789abcdef" * 4, encoding="ascii")
    subprocess.run([*JN, "pseudonymize", str(EXAMPLE), str(tmp / "pkg"), "--key-file", str(key)],
                   check=True, capture_output=True, timeout=600)
    subprocess.run([*JN, "convert", str(tmp / "pkg"), str(tmp / "pkg.json")], check=True, capture_output=True,
                   timeout=600)
    return tmp / "pkg.json"


def test_pseudonymized_models_accept_a_pseudonymized_package(pseudonymized_json, tmp_path):
    done = run_models("models_pseudonymized.py", pseudonymized_json, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == f"{_example_rows()} rows valid"


def test_full_models_refuse_a_pseudonymized_package(pseudonymized_json, tmp_path):
    done = run_models("models.py", pseudonymized_json, tmp_path)
    assert done.returncode != 0
    assert "citizen_id_number" in done.stderr
