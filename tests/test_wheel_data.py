"""Everything the installed command reads at run time ships in the wheel: every file under
src/jn_exchange that is not Python is matched by the package-data patterns of pyproject.toml,
or is named here as kept in the repository only (a missing pattern shows only on a user's
machine: `jn-exchange diff` once failed there for want of release/assessed.yaml)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "src" / "jn_exchange"
# kept in the repository for the release machinery and its tests, never read by the command
REPO_ONLY = ("versions/*/example/**/*", "versions/*/schema/**/*", "versions/*/SHA256SUMS")


def _matched(patterns: list[str]) -> set[Path]:
    return {p for pattern in patterns for p in PKG.glob(pattern) if p.is_file()}


def test_every_data_file_is_in_the_wheel_or_named_as_the_repositorys_own():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = _matched(config["tool"]["setuptools"]["package-data"]["jn_exchange"])
    data = {p for p in PKG.rglob("*") if p.is_file() and p.suffix not in (".py", ".pyc") and "__pycache__" not in p.parts}
    missing = sorted(str(p.relative_to(PKG)) for p in data - shipped - _matched(list(REPO_ONLY)))
    assert not missing, f"add them to [tool.setuptools.package-data] or REPO_ONLY: {missing}"
    assert PKG / "release" / "assessed.yaml" in shipped
